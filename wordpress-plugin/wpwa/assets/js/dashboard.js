/**
 * wpwa vendor dashboard: keeps the connection status and product count fresh.
 *
 * Polls GET wpwa/v1/status with the REST nonce while the tab is visible,
 * backs off after failures, stops when the login session ended. Never throws
 * and never logs errors to the console: a failed refresh leaves the server
 * rendered values in place.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */
( function () {
	'use strict';

	var config = window.wpwaDashboard;
	if ( ! config || ! config.restUrl || typeof window.fetch !== 'function' ) {
		return;
	}

	var BASE_INTERVAL = Math.max( 5000, parseInt( config.pollInterval, 10 ) || 30000 );
	var MAX_INTERVAL = BASE_INTERVAL * 10;
	var TIMEOUT = 15000;
	var TONES = [ 'neutral', 'progress', 'good', 'warning', 'error' ];
	var i18n = config.i18n || {};
	var states = config.states || {};

	var dashboards = [];
	var timer = null;
	var delay = BASE_INTERVAL;
	var lastRun = 0;
	var inFlight = false;
	var stopped = false;

	function statusUrl() {
		return String( config.restUrl ) + 'status';
	}

	function describe( state ) {
		var s = Object.prototype.hasOwnProperty.call( states, state ) ? states[ state ] : null;
		return {
			label: s && s.label ? s.label : ( i18n.unknownLabel || state ),
			guidance: s && typeof s.guidance === 'string' ? s.guidance : ( i18n.unknownGuidance || '' ),
			tone: s && TONES.indexOf( s.tone ) !== -1 ? s.tone : 'neutral'
		};
	}

	function formatNumber( n ) {
		try {
			return new Intl.NumberFormat( document.documentElement.lang || undefined ).format( n );
		} catch ( e ) {
			return String( n );
		}
	}

	function formatTime( date, withDate ) {
		try {
			var opts = withDate ?
				{ dateStyle: 'medium', timeStyle: 'short' } :
				{ hour: '2-digit', minute: '2-digit' };
			return new Intl.DateTimeFormat( document.documentElement.lang || undefined, opts ).format( date );
		} catch ( e ) {
			return date.toLocaleString();
		}
	}

	function setText( root, selector, text ) {
		var el = root.querySelector( selector );
		if ( el && el.textContent !== text ) {
			el.textContent = text;
		}
		return el;
	}

	function setHidden( el, hidden ) {
		if ( ! el ) {
			return;
		}
		if ( hidden ) {
			el.setAttribute( 'hidden', '' );
		} else {
			el.removeAttribute( 'hidden' );
		}
	}

	function render( root, data ) {
		var session = data && data.session ? data.session : {};
		var state = typeof session.state === 'string' ? session.state : 'unknown';
		var wording = describe( state );

		var badge = root.querySelector( '.wpwa-status-badge' );
		if ( badge ) {
			if ( badge.getAttribute( 'data-state' ) !== state ) {
				badge.setAttribute( 'data-state', state );
			}
			TONES.forEach( function ( tone ) {
				badge.classList.toggle( 'wpwa-status-badge--' + tone, tone === wording.tone );
			} );
			if ( badge.textContent !== wording.label ) {
				badge.textContent = wording.label;
			}
		}
		setText( root, '.wpwa-status-guidance', wording.guidance );

		var hasPhone = typeof session.phone === 'string' && session.phone !== '';
		var since = typeof session.since === 'number' && session.since > 0 ? session.since : null;
		setText( root, '.wpwa-status-phone', hasPhone ? session.phone : '' );
		setHidden( root.querySelector( '[data-wpwa-field="phone"]' ), ! hasPhone );

		var sinceCell = root.querySelector( '.wpwa-status-since' );
		if ( sinceCell ) {
			sinceCell.textContent = '';
			if ( since ) {
				var time = document.createElement( 'time' );
				var date = new Date( since * 1000 );
				time.setAttribute( 'datetime', date.toISOString() );
				time.textContent = formatTime( date, true );
				sinceCell.appendChild( time );
			}
		}
		setHidden( root.querySelector( '[data-wpwa-field="since"]' ), ! since );
		setHidden( root.querySelector( '.wpwa-status-details' ), ! hasPhone && ! since );

		if ( data && data.products && typeof data.products.published === 'number' ) {
			var count = root.querySelector( '.wpwa-product-count' );
			if ( count && count.getAttribute( 'data-count' ) !== String( data.products.published ) ) {
				count.setAttribute( 'data-count', String( data.products.published ) );
				count.textContent = formatNumber( data.products.published );
			}
		}

		if ( i18n.checkedAt ) {
			setText( root, '[data-wpwa-field="checked"]', String( i18n.checkedAt ).replace( '%s', formatTime( new Date(), false ) ) );
		}
	}

	function note( text ) {
		dashboards.forEach( function ( root ) {
			setText( root, '[data-wpwa-field="checked"]', text || '' );
		} );
	}

	function schedule( ms ) {
		window.clearTimeout( timer );
		timer = null;
		if ( stopped || document.hidden ) {
			return;
		}
		timer = window.setTimeout( refresh, ms );
	}

	function refresh() {
		if ( stopped || inFlight || document.hidden ) {
			return;
		}
		inFlight = true;
		lastRun = Date.now();

		var controller = typeof window.AbortController === 'function' ? new window.AbortController() : null;
		var abortTimer = controller ? window.setTimeout( function () {
			controller.abort();
		}, TIMEOUT ) : null;

		window.fetch( statusUrl(), {
			method: 'GET',
			credentials: 'same-origin',
			cache: 'no-store',
			headers: {
				Accept: 'application/json',
				'X-WP-Nonce': String( config.nonce || '' )
			},
			signal: controller ? controller.signal : undefined
		} ).then( function ( response ) {
			if ( response.status === 401 || response.status === 403 ) {
				// Logged out, or the nonce expired: polling cannot recover.
				stopped = true;
				note( i18n.sessionEnded || '' );
				return null;
			}
			if ( ! response.ok ) {
				throw new Error( 'HTTP ' + response.status );
			}
			return response.json();
		} ).then( function ( data ) {
			if ( data === null || stopped ) {
				return;
			}
			dashboards.forEach( function ( root ) {
				render( root, data );
			} );
			delay = BASE_INTERVAL;
		} ).catch( function () {
			// Network error, timeout, 5xx or bad JSON: keep what is shown, back off.
			delay = Math.min( MAX_INTERVAL, delay * 2 );
			note( i18n.offline || '' );
		} ).then( function () {
			if ( abortTimer ) {
				window.clearTimeout( abortTimer );
			}
			inFlight = false;
			schedule( delay );
		} );
	}

	function onVisibility() {
		if ( document.hidden ) {
			window.clearTimeout( timer );
			timer = null;
			return;
		}
		// Back on the tab: refresh now if the last check is stale.
		var since = Date.now() - lastRun;
		schedule( since >= BASE_INTERVAL ? 0 : BASE_INTERVAL - since );
	}

	function start() {
		var nodes = document.querySelectorAll( '[data-wpwa-dashboard]' );
		for ( var i = 0; i < nodes.length; i++ ) {
			if ( nodes[ i ].querySelector( '.wpwa-panel--connection, .wpwa-panel--products' ) ) {
				dashboards.push( nodes[ i ] );
			}
		}
		if ( ! dashboards.length ) {
			return;
		}
		lastRun = Date.now();
		document.addEventListener( 'visibilitychange', onVisibility );
		schedule( BASE_INTERVAL );
	}

	if ( document.readyState === 'loading' ) {
		document.addEventListener( 'DOMContentLoaded', start );
	} else {
		start();
	}
}() );
