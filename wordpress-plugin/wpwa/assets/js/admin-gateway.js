/**
 * wpwa settings: the "Test connection" buttons. Posts to wpwa/v1/gateway/test
 * with the REST nonce (the route requires manage_wpwa) and shows what worked.
 * For the central gateway the URL and key typed in the form are tested (a
 * blank key uses the saved one).
 *
 * @package Wpwa\Plugin
 * @since   0.2.0
 */
( function () {
	'use strict';

	var config = window.wpwaGatewayAdmin;
	if ( ! config || typeof window.fetch !== 'function' ) {
		return;
	}
	var i18n = config.i18n || {};

	function format( pattern, values ) {
		var i = 0;
		return String( pattern ).replace( /%(\d)\$s|%s/g, function ( m, n ) {
			var v = n ? values[ parseInt( n, 10 ) - 1 ] : values[ i++ ];
			return v === undefined ? '' : String( v );
		} );
	}

	function test( button ) {
		var result = button.id === 'wpwa-test-gateway' ?
			document.getElementById( 'wpwa-test-gateway-result' ) :
			button.parentNode.querySelector( '.wpwa-test-result' );
		var body = new window.URLSearchParams();
		body.set( 'connection', button.getAttribute( 'data-connection' ) || 'central' );
		if ( button.id === 'wpwa-test-gateway' ) {
			var url = document.getElementById( 'wpwa_gateway_url' );
			var key = document.getElementById( 'wpwa_gateway_api_key' );
			if ( url && url.value ) {
				body.set( 'url', url.value );
			}
			if ( key && key.value ) {
				body.set( 'api_key', key.value );
			}
		}
		button.disabled = true;
		result.className = 'wpwa-test-result';
		result.textContent = i18n.testing || '';
		window.fetch( config.url, {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'X-WP-Nonce': config.nonce, Accept: 'application/json' },
			body: body
		} ).then( function ( r ) {
			return r.json().then( function ( data ) {
				return { ok: r.ok, data: data };
			} );
		} ).then( function ( res ) {
			if ( res.ok && res.data && res.data.ok ) {
				result.className = 'wpwa-test-result wpwa-test-result--ok';
				result.textContent = format( i18n.ok, [ res.data.url, res.data.sessions, res.data.latency_ms ] );
			} else {
				result.className = 'wpwa-test-result wpwa-test-result--bad';
				result.textContent = format( i18n.failed, [ res.data && res.data.message ? res.data.message : '?' ] );
			}
		} ).catch( function () {
			result.className = 'wpwa-test-result wpwa-test-result--bad';
			result.textContent = i18n.network || '';
		} ).then( function () {
			button.disabled = false;
		} );
	}

	document.addEventListener( 'click', function ( event ) {
		var button = event.target && event.target.closest ? event.target.closest( '#wpwa-test-gateway, .wpwa-test-connection' ) : null;
		if ( button ) {
			event.preventDefault();
			test( button );
		}
	} );
}() );
