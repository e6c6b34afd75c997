/**
 * wpwa settings: the "Test connection" buttons of the Cloud API connections.
 * Posts to wpwa/v1/admin/connections/{id}/test with the REST nonce (the route
 * requires manage_wpwa) and lists each step with what worked and what did not.
 * Text only (textContent): nothing the API says becomes markup.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */
( function () {
	'use strict';

	var config = window.wpwaConnectionsAdmin;
	if ( ! config || typeof window.fetch !== 'function' ) {
		return;
	}
	var i18n = config.i18n || {};

	function line( result, ok, text ) {
		var item = document.createElement( 'div' );
		item.className = 'wpwa-test-step ' + ( ok ? 'wpwa-test-result--ok' : 'wpwa-test-result--bad' );
		item.textContent = text;
		result.appendChild( item );
	}

	function test( button ) {
		var id = button.getAttribute( 'data-connection' ) || '';
		var result = button.parentNode.querySelector( '.wpwa-test-result' );
		button.disabled = true;
		result.className = 'wpwa-test-result';
		result.textContent = i18n.testing || '';
		window.fetch( config.url + encodeURIComponent( id ) + '/test', {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'X-WP-Nonce': config.nonce, Accept: 'application/json' }
		} ).then( function ( r ) {
			return r.json().then( function ( data ) {
				return { ok: r.ok, data: data };
			} );
		} ).then( function ( res ) {
			result.textContent = '';
			if ( res.ok && res.data && Array.isArray( res.data.checks ) ) {
				result.className = 'wpwa-test-result ' + ( res.data.ok ? 'wpwa-test-result--ok' : 'wpwa-test-result--bad' );
				res.data.checks.forEach( function ( check ) {
					line( result, check.ok, ( i18n[ check.name ] || check.name ) + ': ' + ( check.ok ? i18n.ok : i18n.bad ) + ' — ' + check.detail );
				} );
			} else {
				result.className = 'wpwa-test-result wpwa-test-result--bad';
				result.textContent = String( i18n.failed || '%s' ).replace( '%s', res.data && res.data.message ? res.data.message : '?' );
			}
		} ).catch( function () {
			result.className = 'wpwa-test-result wpwa-test-result--bad';
			result.textContent = i18n.network || '';
		} ).then( function () {
			button.disabled = false;
		} );
	}

	document.addEventListener( 'click', function ( event ) {
		var button = event.target && event.target.closest ? event.target.closest( '.wpwa-test-cloud' ) : null;
		if ( button ) {
			event.preventDefault();
			test( button );
		}
	} );
}() );
