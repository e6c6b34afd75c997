/**
 * wpwa vendor dashboard: the WhatsApp connection panel and live status.
 *
 * Polls GET wpwa/v1/session with the REST nonce: every ~0.7 s while a QR code
 * or pairing code waits to be used (so "Connected" shows within a second of
 * the scan), backing off from 30 s to 60 s otherwise, exponentially
 * after failures, and not at all while the tab is hidden (resumes on
 * visibilitychange). Connect / Disconnect call the session routes. The QR
 * code is the core's SVG, parsed and checked (an <svg> root with drawing
 * elements only) before it is inserted. Never throws, never logs to the
 * console.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 * @since   0.2.0 Session panel: QR code, countdown, connect, disconnect, reasons.
 * @since   0.15.0 Linking by pairing code: the number form, the code, its countdown.
 * @since   0.15.0 Polls every 0.7 s (was 2 s) while a code waits to be used.
 */
( function () {
	'use strict';

	var config = window.wpwaDashboard;
	if ( ! config || ! config.restUrl || typeof window.fetch !== 'function' ) {
		return;
	}

	var SVG_NS = 'http://www.w3.org/2000/svg';
	var FAST = Math.max( 500, parseInt( config.fastInterval, 10 ) || 700 );
	var BASE = Math.max( 5000, parseInt( config.pollInterval, 10 ) || 30000 );
	var MAX = Math.max( BASE, parseInt( config.maxInterval, 10 ) || 60000 );
	var TIMEOUT = 20000;
	var TONES = [ 'neutral', 'progress', 'good', 'warning', 'error' ];
	var PENDING = [ 'starting', 'waiting_for_scan' ];
	var ENDED = [ 'expired', 'logged_out', 'failed' ];
	var SVG_ELEMENTS = [ 'svg', 'g', 'path', 'rect', 'title', 'desc', 'polygon', 'circle' ];
	var i18n = config.i18n || {};
	var states = config.states || {};
	var reasons = config.reasons || {};

	var dashboards = [];
	var timer = null;
	var ticker = null;
	var idleDelay = BASE;
	var errorDelay = FAST;
	var lastRun = 0;
	var nextDelay = BASE;
	var inFlight = false;
	var busy = false;
	var stopped = false;
	var clockOffset = 0; // server time minus local time, seconds
	var session = null;
	var rotationAsked = 0;
	var pairingExpiryAsked = '';

	function has( list, value ) {
		return list.indexOf( value ) !== -1;
	}

	function describe( state ) {
		var s = Object.prototype.hasOwnProperty.call( states, state ) ? states[ state ] : null;
		return {
			label: s && s.label ? s.label : ( i18n.unknownLabel || state ),
			guidance: s && typeof s.guidance === 'string' ? s.guidance : ( i18n.unknownGuidance || '' ),
			tone: s && has( TONES, s.tone ) ? s.tone : 'neutral'
		};
	}

	function lang() {
		return document.documentElement.lang || undefined;
	}

	function formatNumber( n ) {
		try {
			return new Intl.NumberFormat( lang() ).format( n );
		} catch ( e ) {
			return String( n );
		}
	}

	function formatTime( date, withDate ) {
		try {
			var opts = withDate ?
				{ dateStyle: 'medium', timeStyle: 'short' } :
				{ hour: '2-digit', minute: '2-digit' };
			return new Intl.DateTimeFormat( lang(), opts ).format( date );
		} catch ( e ) {
			return date.toLocaleString();
		}
	}

	function unit( value, name ) {
		try {
			return new Intl.NumberFormat( lang(), { style: 'unit', unit: name, unitDisplay: 'long' } ).format( value );
		} catch ( e ) {
			return value + ' ' + name + ( value === 1 ? '' : 's' );
		}
	}

	function formatDuration( seconds ) {
		if ( seconds < 60 ) {
			return i18n.lessThanMinute || unit( 1, 'minute' );
		}
		var minutes = Math.floor( seconds / 60 );
		if ( minutes < 60 ) {
			return unit( minutes, 'minute' );
		}
		var hours = Math.floor( minutes / 60 );
		if ( hours < 48 ) {
			var rest = minutes % 60;
			return rest ? unit( hours, 'hour' ) + ' ' + unit( rest, 'minute' ) : unit( hours, 'hour' );
		}
		return unit( Math.floor( hours / 24 ), 'day' );
	}

	function nowServer() {
		return Date.now() / 1000 + clockOffset;
	}

	function field( root, name ) {
		return root.querySelector( '[data-wpwa-field="' + name + '"]' );
	}

	function setText( el, text ) {
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

	/** The core's QR SVG as a node, or null when it is anything but a plain drawing. */
	function safeSvg( text ) {
		if ( typeof text !== 'string' || text.length > 200000 || typeof window.DOMParser !== 'function' ) {
			return null;
		}
		var doc;
		try {
			doc = new window.DOMParser().parseFromString( text, 'image/svg+xml' );
		} catch ( e ) {
			return null;
		}
		var root = doc && doc.documentElement;
		if ( ! root || root.namespaceURI !== SVG_NS || root.localName !== 'svg' || doc.getElementsByTagName( 'parsererror' ).length ) {
			return null;
		}
		var nodes = [ root ].concat( Array.prototype.slice.call( root.getElementsByTagName( '*' ) ) );
		for ( var i = 0; i < nodes.length; i++ ) {
			var el = nodes[ i ];
			if ( el.namespaceURI !== SVG_NS || ! has( SVG_ELEMENTS, el.localName ) ) {
				return null;
			}
			for ( var j = el.attributes.length - 1; j >= 0; j-- ) {
				var name = el.attributes[ j ].name.toLowerCase();
				if ( name.indexOf( 'on' ) === 0 || name.indexOf( 'href' ) !== -1 || name === 'style' ) {
					el.removeAttribute( el.attributes[ j ].name );
				}
			}
		}
		var node = document.importNode( root, true );
		node.setAttribute( 'aria-hidden', 'true' );
		node.setAttribute( 'focusable', 'false' );
		return node;
	}

	function reasonText( s ) {
		if ( ! s || ! s.reason || ! Object.prototype.hasOwnProperty.call( reasons, s.reason ) ) {
			return '';
		}
		return String( reasons[ s.reason ] ).replace( '%s', s.phone || '' );
	}

	function showError( text ) {
		dashboards.forEach( function ( root ) {
			var el = field( root, 'error' );
			setText( el, text || '' );
			setHidden( el, ! text );
		} );
	}

	function render( root, data ) {
		var s = data && data.session ? data.session : {};
		var state = typeof s.state === 'string' ? s.state : 'unknown';
		var wording = describe( state );
		var panel = root.querySelector( '.wpwa-panel--connection' );
		if ( panel ) {
			panel.setAttribute( 'data-state', state );
		}

		var badge = root.querySelector( '.wpwa-status-badge' );
		if ( badge ) {
			if ( badge.getAttribute( 'data-state' ) !== state ) {
				badge.setAttribute( 'data-state', state );
			}
			TONES.forEach( function ( tone ) {
				badge.classList.toggle( 'wpwa-status-badge--' + tone, tone === wording.tone );
			} );
			setText( badge, wording.label );
		}
		// A specific reason replaces the state's generic guidance.
		var why = has( ENDED, state ) ? reasonText( s ) : '';
		var guidance = root.querySelector( '.wpwa-status-guidance' );
		setText( guidance, wording.guidance );
		setHidden( guidance, !! why );
		var reasonEl = field( root, 'reason' );
		setText( reasonEl, why );
		setHidden( reasonEl, ! why );

		// QR code: replaced only when the core issued a new one.
		var qrBox = field( root, 'qr' );
		var qrCode = field( root, 'qr-code' );
		var hasQr = state === 'waiting_for_scan' && s.qr && typeof s.qr.svg === 'string';
		if ( hasQr && qrCode && qrCode.getAttribute( 'data-seq' ) !== String( s.qr.seq ) ) {
			var svg = safeSvg( s.qr.svg );
			if ( svg ) {
				qrCode.textContent = '';
				qrCode.appendChild( svg );
				qrCode.setAttribute( 'data-seq', String( s.qr.seq ) );
			} else {
				hasQr = false;
			}
		}
		if ( ! hasQr && qrCode && qrCode.hasAttribute( 'data-seq' ) ) {
			qrCode.textContent = '';
			qrCode.removeAttribute( 'data-seq' );
		}
		setHidden( qrBox, ! hasQr );
		setHidden( field( root, 'qr-loading' ), ! has( PENDING, state ) || hasQr );

		// Pairing code: offered while linking, shown once the core issued one.
		setHidden( field( root, 'pairing' ), ! has( PENDING, state ) );
		var pairing = state === 'waiting_for_scan' && s.pairing && typeof s.pairing.code === 'string' ? s.pairing : null;
		var pairingCode = field( root, 'pairing-code' );
		setText( pairingCode, pairing ? pairing.code : '' );
		if ( pairingCode ) {
			pairingCode.setAttribute( 'title', pairing ? String( i18n.pairingFor || '%s' ).replace( '%s', pairing.phone || '' ) : '' );
		}
		setHidden( field( root, 'pairing-result' ), ! pairing );

		var connected = state === 'connected';
		var phone = connected && typeof s.phone === 'string' && s.phone !== '' ? s.phone : '';
		var since = connected && typeof s.since === 'number' && s.since > 0 ? s.since : null;
		setText( root.querySelector( '.wpwa-status-phone' ), phone );
		setHidden( field( root, 'phone' ), ! phone );

		var sinceCell = root.querySelector( '.wpwa-status-since' );
		if ( sinceCell ) {
			var time = sinceCell.querySelector( 'time' );
			var iso = since ? new Date( since * 1000 ).toISOString() : '';
			if ( ! since ) {
				sinceCell.textContent = '';
			} else if ( ! time || time.getAttribute( 'datetime' ) !== iso ) {
				sinceCell.textContent = '';
				time = document.createElement( 'time' );
				time.setAttribute( 'datetime', iso );
				time.textContent = formatTime( new Date( since * 1000 ), true );
				sinceCell.appendChild( time );
			}
		}
		setHidden( field( root, 'since' ), ! since );
		setHidden( field( root, 'duration' ), ! since );
		setHidden( root.querySelector( '.wpwa-status-details' ), ! phone && ! since );

		// Buttons.
		var connect = root.querySelector( '[data-wpwa-action="connect"]' );
		var disconnect = root.querySelector( '[data-wpwa-action="disconnect"]' );
		if ( connect && ! busy ) {
			setText( connect, s.reason === 'qr_expired' ? ( i18n.newQr || '' ) : ( has( ENDED, state ) ? ( i18n.connectAgain || '' ) : ( i18n.connect || '' ) ) );
			connect.disabled = false;
		}
		setHidden( connect, connected || has( PENDING, state ) || state === 'unknown' );
		if ( disconnect && ! busy ) {
			setText( disconnect, has( PENDING, state ) ? ( i18n.cancel || '' ) : ( i18n.disconnect || '' ) );
			disconnect.disabled = false;
		}
		setHidden( disconnect, ! connected && ! has( PENDING, state ) );
		if ( ! connected && ! has( PENDING, state ) ) {
			setHidden( field( root, 'confirm' ), true );
		}

		if ( data && data.products && typeof data.products.published === 'number' ) {
			var count = root.querySelector( '.wpwa-product-count' );
			if ( count && count.getAttribute( 'data-count' ) !== String( data.products.published ) ) {
				count.setAttribute( 'data-count', String( data.products.published ) );
				count.textContent = formatNumber( data.products.published );
			}
		}

		if ( i18n.checkedAt ) {
			setText( field( root, 'checked' ), String( i18n.checkedAt ).replace( '%s', formatTime( new Date(), false ) ) );
		}
	}

	/** Countdown and "connected for", once a second, without requests. */
	function tick() {
		if ( ! session ) {
			return;
		}
		var now = nowServer();
		dashboards.forEach( function ( root ) {
			var countdown = field( root, 'countdown' );
			if ( countdown && session.state === 'waiting_for_scan' && session.qr ) {
				var left = Math.max( 0, Math.round( session.qr.expires_at - now ) );
				var text = left > 0 ?
					String( i18n.expiresIn || '%s' ).replace( '%s', Math.floor( left / 60 ) + ':' + ( '0' + ( left % 60 ) ).slice( -2 ) ) :
					( i18n.qrRotating || '' );
				setText( countdown, text );
			}
			var pairingCountdown = field( root, 'pairing-countdown' );
			if ( pairingCountdown && session.state === 'waiting_for_scan' && session.pairing ) {
				var remaining = Math.max( 0, Math.round( session.pairing.expires_at - now ) );
				setText( pairingCountdown, remaining > 0 ?
					String( i18n.pairingExpires || '%s' ).replace( '%s', Math.floor( remaining / 60 ) + ':' + ( '0' + ( remaining % 60 ) ).slice( -2 ) ) :
					( i18n.pairingExpired || '' ) );
			}
			var duration = root.querySelector( '.wpwa-status-duration' );
			if ( duration && session.state === 'connected' && session.since ) {
				setText( duration, formatDuration( Math.max( 0, now - session.since ) ) );
			}
		} );
		// The pairing code ran out: the server ends the session; show it now.
		if ( session.state === 'waiting_for_scan' && session.pairing && session.pairing.expires_at <= now && pairingExpiryAsked !== session.pairing.code ) {
			pairingExpiryAsked = session.pairing.code;
			schedule( 0 );
		}
		// The code ran out: ask now rather than at the next poll.
		if ( session.state === 'waiting_for_scan' && session.qr && session.qr.expires_at <= now && rotationAsked !== session.qr.seq ) {
			rotationAsked = session.qr.seq;
			schedule( 0 );
		}
	}

	function apply( data ) {
		if ( ! data || ! data.session ) {
			return;
		}
		if ( typeof data.server_time === 'number' ) {
			clockOffset = data.server_time - Date.now() / 1000;
		}
		var before = session ? session.state : null;
		session = data.session;
		if ( before !== session.state ) {
			idleDelay = BASE;
		}
		dashboards.forEach( function ( root ) {
			render( root, data );
		} );
		tick();
	}

	function request( method, path, body ) {
		var controller = typeof window.AbortController === 'function' ? new window.AbortController() : null;
		var abortTimer = controller ? window.setTimeout( function () {
			controller.abort();
		}, TIMEOUT ) : null;
		var url = String( config.restUrl ) + path;
		var headers = {
			Accept: 'application/json',
			'X-WP-Nonce': String( config.nonce || '' )
		};
		if ( body ) {
			headers[ 'Content-Type' ] = 'application/json';
		}
		return window.fetch( url, {
			method: method,
			credentials: 'same-origin',
			cache: 'no-store',
			headers: headers,
			body: body ? JSON.stringify( body ) : undefined,
			signal: controller ? controller.signal : undefined
		} ).then( function ( response ) {
			return response.json().catch( function () {
				return null;
			} ).then( function ( body ) {
				return { status: response.status, ok: response.ok, body: body, headers: response.headers };
			} );
		} ).finally( function () {
			if ( abortTimer ) {
				window.clearTimeout( abortTimer );
			}
		} );
	}

	function schedule( ms ) {
		window.clearTimeout( timer );
		timer = null;
		nextDelay = ms;
		if ( stopped || document.hidden ) {
			return;
		}
		timer = window.setTimeout( refresh, ms );
	}

	function pending() {
		return session && has( PENDING, session.state );
	}

	function refresh() {
		if ( stopped || inFlight || document.hidden ) {
			return;
		}
		inFlight = true;
		lastRun = Date.now();
		var failed = false;

		request( 'GET', 'session' ).then( function ( res ) {
			if ( res.status === 401 || res.status === 403 ) {
				// Logged out, or the nonce expired: polling cannot recover.
				stopped = true;
				dashboards.forEach( function ( root ) {
					setText( field( root, 'checked' ), i18n.sessionEnded || '' );
				} );
				return;
			}
			if ( ! res.ok || ! res.body ) {
				throw new Error( 'HTTP ' + res.status );
			}
			apply( res.body );
			if ( res.body.gateway_error && res.body.gateway_error.message ) {
				failed = true;
				showError( res.body.gateway_error.message );
			} else if ( ! busy ) {
				showError( '' );
			}
		} ).catch( function () {
			// Network error, timeout, 5xx or bad JSON: keep what is shown, back off.
			failed = true;
			if ( pending() ) {
				showError( i18n.unreachable || '' );
			}
			dashboards.forEach( function ( root ) {
				setText( field( root, 'checked' ), i18n.offline || '' );
			} );
		} ).then( function () {
			inFlight = false;
			if ( failed ) {
				errorDelay = Math.min( MAX, errorDelay * 2 );
				schedule( errorDelay );
				return;
			}
			errorDelay = FAST;
			if ( pending() ) {
				schedule( FAST );
			} else {
				schedule( idleDelay );
				idleDelay = Math.min( MAX, Math.round( idleDelay * 1.5 ) );
			}
		} );
	}

	function setBusy( root, button, on ) {
		busy = on;
		dashboards.forEach( function ( r ) {
			var buttons = r.querySelectorAll( '[data-wpwa-action]' );
			for ( var i = 0; i < buttons.length; i++ ) {
				buttons[ i ].disabled = on;
			}
		} );
		if ( button ) {
			if ( on ) {
				button.setAttribute( 'data-label', button.textContent );
				button.setAttribute( 'aria-busy', 'true' );
				button.textContent = i18n.working || button.textContent;
			} else {
				button.removeAttribute( 'aria-busy' );
				if ( button.hasAttribute( 'data-label' ) ) {
					button.textContent = button.getAttribute( 'data-label' );
					button.removeAttribute( 'data-label' );
				}
			}
		}
	}

	function act( root, button, path, body ) {
		if ( busy ) {
			return;
		}
		setBusy( root, button, true );
		showError( '' );
		request( 'POST', path, body ).then( function ( res ) {
			setBusy( root, button, false );
			if ( res.ok && res.body ) {
				apply( res.body );
				if ( path === 'session/disconnect' ) {
					setText( field( root, 'checked' ), i18n.disconnected || '' );
				}
			} else {
				var message = res.body && typeof res.body.message === 'string' ? res.body.message : ( i18n.unreachable || '' );
				showError( message );
				if ( res.body && res.body.data && res.body.data.session ) {
					apply( { session: res.body.data.session } );
				}
			}
		} ).catch( function () {
			setBusy( root, button, false );
			showError( i18n.unreachable || '' );
		} ).then( function () {
			idleDelay = BASE;
			errorDelay = FAST;
			schedule( pending() ? FAST : BASE );
		} );
	}

	function onClick( event ) {
		var target = event.target && event.target.closest ? event.target.closest( '[data-wpwa-action]' ) : null;
		if ( ! target ) {
			return;
		}
		var root = target.closest( '[data-wpwa-dashboard]' );
		if ( ! root ) {
			return;
		}
		var action = target.getAttribute( 'data-wpwa-action' );
		var confirmBox = field( root, 'confirm' );
		if ( action === 'connect' ) {
			act( root, target, 'session/connect' );
		} else if ( action === 'disconnect' ) {
			if ( pending() ) {
				act( root, target, 'session/disconnect' );
				return;
			}
			setHidden( confirmBox, false );
			var yes = root.querySelector( '[data-wpwa-action="confirm-disconnect"]' );
			if ( yes ) {
				yes.focus();
			}
		} else if ( action === 'cancel-disconnect' ) {
			setHidden( confirmBox, true );
			var back = root.querySelector( '[data-wpwa-action="disconnect"]' );
			if ( back ) {
				back.focus();
			}
		} else if ( action === 'confirm-disconnect' ) {
			setHidden( confirmBox, true );
			act( root, target, 'session/disconnect' );
		}
	}

	/** "Get a pairing code": the number goes to the server as typed; the core checks it. */
	function onSubmit( event ) {
		var form = event.target;
		if ( ! form || ! form.matches || ! form.matches( '[data-wpwa-field="pairing-form"]' ) ) {
			return;
		}
		event.preventDefault();
		var root = form.closest( '[data-wpwa-dashboard]' );
		var input = field( form, 'pairing-phone' );
		if ( ! root || ! input ) {
			return;
		}
		act( root, form.querySelector( '[data-wpwa-action="pairing-code"]' ), 'session/pairing-code', { phone: String( input.value || '' ) } );
	}

	function onVisibility() {
		if ( document.hidden ) {
			window.clearTimeout( timer );
			timer = null;
			return;
		}
		// Back on the tab: check now if the next check is overdue.
		var waited = Date.now() - lastRun;
		var due = pending() ? FAST : nextDelay;
		schedule( waited >= due ? 0 : due - waited );
	}

	function start() {
		var nodes = document.querySelectorAll( '[data-wpwa-dashboard]' );
		for ( var i = 0; i < nodes.length; i++ ) {
			if ( nodes[ i ].querySelector( '.wpwa-panel--connection, .wpwa-panel--products' ) ) {
				dashboards.push( nodes[ i ] );
				nodes[ i ].addEventListener( 'click', onClick );
				nodes[ i ].addEventListener( 'submit', onSubmit );
			}
		}
		if ( ! dashboards.length ) {
			return;
		}
		var panel = dashboards[ 0 ].querySelector( '.wpwa-panel--connection' );
		var initial = panel ? panel.getAttribute( 'data-state' ) : '';
		session = { state: initial || 'unknown' };
		lastRun = Date.now();
		document.addEventListener( 'visibilitychange', onVisibility );
		ticker = window.setInterval( tick, 1000 );
		// A pending session needs its QR code now; otherwise the page is fresh.
		schedule( has( PENDING, initial ) ? 0 : BASE );
	}

	if ( document.readyState === 'loading' ) {
		document.addEventListener( 'DOMContentLoaded', start );
	} else {
		start();
	}
}() );
