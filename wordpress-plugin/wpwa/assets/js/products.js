/**
 * wpwa vendor dashboard — Products panel: "Sync Products" with a progress
 * bar fed by polling GET wpwa/v1/sync (each poll also advances the sync by a
 * short slice), then a summary, the refreshed counts and the list of
 * products needing attention (GET wpwa/v1/products).
 *
 * Everything the server sends is inserted as text, never as HTML.
 *
 * @since 0.3.0
 */
( function () {
	'use strict';

	var cfg = window.wpwaProducts;
	if ( ! cfg || ! window.fetch ) {
		return;
	}
	var t = cfg.i18n || {};

	function format( template ) {
		var args = Array.prototype.slice.call( arguments, 1 );
		var i = 0;
		return String( template ).replace( /%(\d+\$)?[ds]/g, function ( m, pos ) {
			var value = pos ? args[ parseInt( pos, 10 ) - 1 ] : args[ i++ ];
			return value === undefined ? '' : String( value );
		} );
	}

	function api( method, route ) {
		return window.fetch( cfg.restUrl + route, {
			method: method,
			credentials: 'same-origin',
			headers: { 'X-WP-Nonce': cfg.nonce, Accept: 'application/json' },
		} ).then( function ( res ) {
			return res.json().catch( function () {
				return {};
			} ).then( function ( body ) {
				if ( ! res.ok ) {
					var err = new Error( ( body && body.message ) || 'HTTP ' + res.status );
					err.status = res.status;
					throw err;
				}
				return body;
			} );
		} );
	}

	function el( tag, className, text ) {
		var node = document.createElement( tag );
		if ( className ) {
			node.className = className;
		}
		if ( text !== undefined ) {
			node.textContent = text;
		}
		return node;
	}

	function Panel( root ) {
		this.root = root;
		this.button = root.querySelector( '[data-wpwa-sync]' );
		this.progress = root.querySelector( '[data-wpwa-sync-progress]' );
		this.bar = root.querySelector( '[data-wpwa-sync-bar]' );
		this.text = root.querySelector( '[data-wpwa-sync-text]' );
		this.summary = root.querySelector( '[data-wpwa-sync-summary]' );
		this.last = root.querySelector( '[data-wpwa-sync-last]' );
		this.list = root.querySelector( '[data-wpwa-attention-list]' );
		this.empty = root.querySelector( '[data-wpwa-attention-empty]' );
		this.timer = null;
		this.busy = false;
		if ( this.button ) {
			this.button.addEventListener( 'click', this.start.bind( this ) );
		}
		if ( root.getAttribute( 'data-wpwa-running' ) === '1' ) {
			this.busy = true;
			this.schedule();
		}
	}

	Panel.prototype.start = function () {
		if ( this.busy ) {
			return;
		}
		this.busy = true;
		this.button.disabled = true;
		this.button.setAttribute( 'aria-busy', 'true' );
		this.summary.textContent = '';
		this.summary.classList.remove( 'wpwa-sync__summary--error' );
		this.progress.hidden = false;
		this.bar.removeAttribute( 'value' ); // Indeterminate while the products are checked.
		this.text.textContent = t.starting || '';
		var self = this;
		api( 'POST', 'sync' ).then( function ( body ) {
			self.show( body.job );
		} ).catch( function ( err ) {
			self.fail( err, t.error );
		} );
	};

	Panel.prototype.schedule = function () {
		var self = this;
		window.clearTimeout( this.timer );
		this.timer = window.setTimeout( function () {
			api( 'GET', 'sync' ).then( function ( body ) {
				self.show( body.job );
			} ).catch( function ( err ) {
				if ( err.status === 401 || err.status === 403 ) {
					self.fail( err, t.sessionEnded );
					return;
				}
				self.schedule(); // A transient failure: keep polling.
			} );
		}, cfg.pollMs || 1000 );
	};

	Panel.prototype.show = function ( job ) {
		if ( ! job ) {
			this.done( null );
			return;
		}
		this.progress.hidden = false;
		this.bar.max = 100;
		this.bar.value = job.percent;
		this.bar.setAttribute( 'aria-valuenow', String( job.percent ) );
		this.text.textContent = job.waiting
			? format( t.waiting, job.wait_seconds )
			: format( t.progress, job.processed, job.total );
		if ( job.state === 'running' ) {
			this.schedule();
			return;
		}
		this.done( job );
	};

	Panel.prototype.done = function ( job ) {
		var self = this;
		api( 'GET', 'products' ).then( function ( overview ) {
			self.render( overview );
			if ( job && job.state === 'failed' ) {
				self.fail( new Error( job.error || '' ), t.failed );
				return;
			}
			var attention = overview.attention ? overview.attention.length : 0;
			self.summary.textContent = job && job.total === 0
				? format( t.upToDate, attention )
				: format( t.summary, job ? job.synced : 0, job ? job.deleted : 0, attention );
			self.finish();
		} ).catch( function ( err ) {
			self.fail( err, t.error );
		} );
	};

	Panel.prototype.finish = function () {
		this.busy = false;
		this.progress.hidden = true;
		this.button.disabled = false;
		this.button.removeAttribute( 'aria-busy' );
	};

	Panel.prototype.fail = function ( err, prefix ) {
		this.summary.classList.add( 'wpwa-sync__summary--error' );
		this.summary.textContent = ( prefix ? prefix + ' ' : '' ) + ( err && err.message ? err.message : '' );
		this.finish();
	};

	Panel.prototype.render = function ( overview ) {
		var counts = overview.counts || {};
		Object.keys( counts ).forEach( function ( key ) {
			var node = this.root.querySelector( '[data-wpwa-count="' + key + '"]' );
			if ( node ) {
				node.textContent = Number( counts[ key ] ).toLocaleString();
			}
		}, this );

		var last = overview.last_sync;
		if ( last && last.state !== 'running' && this.last ) {
			var when = new Date( 1000 * ( last.finished_at || last.created_at ) );
			var result = last.state === 'failed'
				? ( t.failed || '' ) + ' ' + ( last.error || '' )
				: format( t.lastResult, last.synced, last.deleted, last.rejected );
			this.last.textContent = '';
			var time = el( 'time', '', when.toLocaleString() );
			time.setAttribute( 'datetime', when.toISOString() );
			var parts = format( t.lastSync, '\u0000', result ).split( '\u0000' );
			this.last.appendChild( document.createTextNode( parts[ 0 ] ) );
			this.last.appendChild( time );
			this.last.appendChild( document.createTextNode( parts[ 1 ] || '' ) );
		}

		var items = overview.attention || [];
		this.list.textContent = '';
		this.empty.hidden = items.length > 0;
		items.forEach( function ( item ) {
			var li = el( 'li', 'wpwa-attention__item wpwa-attention__item--' + ( item.state === 'rejected' ? 'rejected' : 'invalid' ) );
			li.setAttribute( 'data-product-id', String( item.product_id ) );
			li.appendChild( el( 'strong', 'wpwa-attention__name', item.title ) );
			li.appendChild( el( 'span', 'wpwa-attention__sku', format( t.sku, item.retailer_id ) ) );
			li.appendChild( el( 'span', 'wpwa-tag wpwa-attention__state', item.state === 'rejected' ? t.rejected : t.invalid ) );
			var ul = el( 'ul', 'wpwa-attention__problems' );
			( item.problems || [] ).forEach( function ( p ) {
				ul.appendChild( el( 'li', '', p ) );
			} );
			li.appendChild( ul );
			if ( item.edit_url && /^https?:\/\//i.test( item.edit_url ) ) {
				var a = el( 'a', 'wpwa-link wpwa-attention__edit', t.edit );
				a.href = item.edit_url;
				a.appendChild( el( 'span', 'screen-reader-text', ' ' + item.title ) );
				li.appendChild( a );
			}
			this.list.appendChild( li );
		}, this );
	};

	function boot() {
		var roots = document.querySelectorAll( '[data-wpwa-products]' );
		for ( var i = 0; i < roots.length; i++ ) {
			new Panel( roots[ i ] ); // eslint-disable-line no-new
		}
	}

	if ( document.readyState === 'loading' ) {
		document.addEventListener( 'DOMContentLoaded', boot );
	} else {
		boot();
	}
}() );
