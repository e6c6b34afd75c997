/**
 * wpwa vendor dashboard — Preferences panel: sends the form to
 * POST wpwa/v1/preferences with fetch() (the REST nonce the form carries, in
 * the X-WP-Nonce header) and shows the outcome in the panel: the saved
 * notice, or the problems, each next to its field. Without this script the
 * browser posts the same form to the same route, which answers with a
 * redirect back to the page.
 *
 * Every text shown comes from the server (or wpwaPreferences.i18n) and is
 * inserted as text, never as HTML.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */
( function () {
	'use strict';

	if ( typeof window.fetch !== 'function' || typeof window.FormData !== 'function' || typeof window.URLSearchParams !== 'function' ) {
		return;
	}
	var i18n = ( window.wpwaPreferences && window.wpwaPreferences.i18n ) || {};
	var TIMEOUT = 20000;

	function el( tag, className, text ) {
		var node = document.createElement( tag );
		if ( className ) {
			node.className = className;
		}
		if ( typeof text === 'string' ) {
			node.textContent = text;
		}
		return node;
	}

	function control( form, name ) {
		return form.elements.namedItem( name );
	}

	/** Empties every field's problems and the outcome. */
	function clear( panel, form ) {
		var slots = panel.querySelectorAll( '[data-wpwa-errors-for]' );
		for ( var i = 0; i < slots.length; i++ ) {
			slots[ i ].textContent = '';
			slots[ i ].setAttribute( 'hidden', '' );
		}
		var invalid = form.querySelectorAll( '[aria-invalid="true"]' );
		for ( var j = 0; j < invalid.length; j++ ) {
			invalid[ j ].removeAttribute( 'aria-invalid' );
		}
		var rows = form.querySelectorAll( '.wpwa-hours__day--invalid' );
		for ( var k = 0; k < rows.length; k++ ) {
			rows[ k ].classList.remove( 'wpwa-hours__day--invalid' );
		}
		var outcome = panel.querySelector( '[data-wpwa-field="outcome"]' );
		if ( outcome ) {
			outcome.textContent = '';
		}
	}

	function showSaved( panel, message ) {
		var outcome = panel.querySelector( '[data-wpwa-field="outcome"]' );
		if ( ! outcome ) {
			return;
		}
		var notice = el( 'p', 'wpwa-notice wpwa-notice--success', message );
		notice.setAttribute( 'role', 'status' );
		outcome.appendChild( notice );
	}

	/** The error notice: a summary line and every problem; focus moves to it. */
	function showProblems( panel, summary, problems ) {
		var outcome = panel.querySelector( '[data-wpwa-field="outcome"]' );
		if ( ! outcome ) {
			return;
		}
		var notice = el( 'div', 'wpwa-notice wpwa-notice--error' );
		notice.setAttribute( 'role', 'alert' );
		notice.appendChild( el( 'p', '', summary ) );
		if ( problems.length ) {
			var list = el( 'ul' );
			problems.forEach( function ( problem ) {
				list.appendChild( el( 'li', '', problem.message ) );
			} );
			notice.appendChild( list );
		}
		outcome.appendChild( notice );
		outcome.focus();
	}

	/** Puts each problem next to its field and marks the field. */
	function markFields( panel, form, problems ) {
		problems.forEach( function ( problem ) {
			var slot = panel.querySelector( '[data-wpwa-errors-for="' + problem.field + '"]' );
			if ( slot ) {
				slot.appendChild( el( 'p', '', problem.message ) );
				slot.removeAttribute( 'hidden' );
			}
			var targets = [];
			if ( problem.field === 'hours' && typeof problem.day === 'number' ) {
				var row = form.querySelector( '[data-wpwa-day="' + problem.day + '"]' );
				if ( row ) {
					row.classList.add( 'wpwa-hours__day--invalid' );
					targets = Array.prototype.slice.call( row.querySelectorAll( 'input[type="time"]' ) );
				}
			} else if ( problem.field !== 'hours' ) {
				var field = control( form, problem.field );
				if ( field && field.type !== 'hidden' ) {
					targets = [ field ];
				}
			}
			targets.forEach( function ( target ) {
				target.setAttribute( 'aria-invalid', 'true' );
				if ( slot && slot.id ) {
					target.setAttribute( 'aria-describedby', slot.id );
				}
			} );
		} );
	}

	/** The form shows what was saved (numbers and texts as the server stored them). */
	function fill( form, prefs ) {
		if ( ! prefs || typeof prefs !== 'object' ) {
			return;
		}
		[ 'notify_email', 'notify_whatsapp', 'acknowledge', 'use_hours', 'away', 'hide_chat_button' ].forEach( function ( name ) {
			var box = control( form, name );
			if ( box && box.type === 'checkbox' ) {
				box.checked = !! prefs[ name ];
			}
		} );
		[ 'acknowledgement', 'away_message' ].forEach( function ( name ) {
			var text = control( form, name );
			if ( text && typeof prefs[ name ] === 'string' ) {
				text.value = prefs[ name ];
			}
		} );
		var number = control( form, 'whatsapp_number' );
		if ( number && typeof prefs.whatsapp_number === 'string' ) {
			number.value = /^\d+$/.test( prefs.whatsapp_number ) && number.type !== 'hidden' ? '+' + prefs.whatsapp_number : prefs.whatsapp_number;
		}
		( Array.isArray( prefs.hours ) ? prefs.hours : [] ).forEach( function ( day, index ) {
			var open = control( form, 'hours[' + index + '][open_day]' );
			if ( open ) {
				open.checked = ! day.closed;
			}
		} );
	}

	function send( form ) {
		var body = new window.URLSearchParams();
		new window.FormData( form ).forEach( function ( value, name ) {
			// The nonce travels as a header; without the referer field the route answers in JSON.
			if ( name !== '_wpnonce' && name !== '_wp_http_referer' ) {
				body.append( name, value );
			}
		} );
		var nonce = control( form, '_wpnonce' );
		var controller = typeof window.AbortController === 'function' ? new window.AbortController() : null;
		var timer = controller ? window.setTimeout( function () {
			controller.abort();
		}, TIMEOUT ) : null;
		// getAttribute: a control named "action" would shadow form.action.
		return window.fetch( form.getAttribute( 'action' ), {
			method: 'POST',
			credentials: 'same-origin',
			cache: 'no-store',
			headers: {
				Accept: 'application/json',
				'X-WP-Nonce': nonce ? nonce.value : ''
			},
			body: body,
			signal: controller ? controller.signal : undefined
		} ).then( function ( response ) {
			return response.json().catch( function () {
				return null;
			} ).then( function ( data ) {
				return { status: response.status, ok: response.ok, body: data };
			} );
		} ).finally( function () {
			if ( timer ) {
				window.clearTimeout( timer );
			}
		} );
	}

	function onSubmit( event ) {
		var form = event.target;
		if ( ! form || ! form.classList || ! form.classList.contains( 'wpwa-preferences' ) ) {
			return;
		}
		var panel = form.closest( '.wpwa-panel--preferences' );
		if ( ! panel ) {
			return;
		}
		event.preventDefault();
		if ( form.getAttribute( 'aria-busy' ) === 'true' ) {
			return;
		}
		var button = form.querySelector( '[data-wpwa-field="save"]' );
		var label = button ? button.textContent : '';
		form.setAttribute( 'aria-busy', 'true' );
		if ( button ) {
			button.disabled = true;
			button.textContent = i18n.saving || label;
		}
		clear( panel, form );

		send( form ).then( function ( res ) {
			var body = res.body || {};
			if ( res.ok && body.saved ) {
				fill( form, body.preferences );
				showSaved( panel, String( body.message || '' ) );
				return;
			}
			var data = body.data && typeof body.data === 'object' ? body.data : {};
			if ( res.status === 400 && Array.isArray( data.errors ) ) {
				var problems = data.errors.filter( function ( p ) {
					return p && typeof p.message === 'string' && typeof p.field === 'string' && /^[a-z_]+$/.test( p.field );
				} );
				markFields( panel, form, problems );
				showProblems( panel, String( body.message || '' ), problems );
				return;
			}
			if ( res.status === 401 || ( res.status === 403 && body.code === 'rest_cookie_invalid_nonce' ) ) {
				showProblems( panel, i18n.sessionEnded || '', [] );
				return;
			}
			showProblems( panel, typeof body.message === 'string' && body.message ? body.message : ( i18n.unreachable || '' ), [] );
		} ).catch( function () {
			showProblems( panel, i18n.unreachable || '', [] );
		} ).then( function () {
			form.removeAttribute( 'aria-busy' );
			if ( button ) {
				button.disabled = false;
				button.textContent = label;
			}
		} );
	}

	document.addEventListener( 'submit', onSubmit );
}() );
