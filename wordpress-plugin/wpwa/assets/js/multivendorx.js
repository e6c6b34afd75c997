/**
 * wpwa in MultiVendorX 5's React store dashboard: the page of the WhatsApp
 * tab.
 *
 * MultiVendorX looks a tab's page up in the `multivendorx_dashboard_routes`
 * filter (@wordpress/hooks; entries `{ tab, element, component }`). The
 * component here shows the wpwa dashboard that PHP rendered into a hidden
 * holder at the end of the page: on mount it moves that element into the tab,
 * on unmount it moves it back, so the element (and the live status the
 * dashboard script started on it) survives switching tabs.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */
( function ( wp, config ) {
	'use strict';

	if ( ! wp || ! wp.element || ! wp.hooks || ! config || ! config.holderId ) {
		return;
	}

	var element = wp.element;

	function WhatsAppTab() {
		var frame = element.useRef( null );

		element.useEffect( function () {
			var holder = document.getElementById( config.holderId );
			var dashboard = holder ? holder.firstElementChild : null;
			if ( ! dashboard || ! frame.current ) {
				return undefined;
			}
			frame.current.appendChild( dashboard );
			return function () {
				holder.appendChild( dashboard );
			};
		}, [] );

		return element.createElement( 'div', { className: 'wpwa-multivendorx-tab', ref: frame } );
	}

	wp.hooks.addFilter( 'multivendorx_dashboard_routes', 'wpwa/whatsapp-tab', function ( routes ) {
		return ( Array.isArray( routes ) ? routes : [] ).concat( [
			{ tab: config.tab, element: undefined, component: WhatsAppTab },
		] );
	} );
}( window.wp, window.wpwaMultiVendorX ) );
