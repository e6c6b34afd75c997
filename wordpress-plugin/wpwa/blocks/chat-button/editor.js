/**
 * The chat button block in the editor: its settings in the sidebar and a
 * preview rendered by the server (the button itself is made by PHP and the
 * core, so the editor shows exactly what visitors get).
 */
( function ( wp ) {
	'use strict';

	var el = wp.element.createElement;
	var __ = wp.i18n.__;
	var InspectorControls = wp.blockEditor.InspectorControls;
	var useBlockProps = wp.blockEditor.useBlockProps;
	var PanelBody = wp.components.PanelBody;
	var TextControl = wp.components.TextControl;
	var ToggleControl = wp.components.ToggleControl;
	var ServerSideRender = wp.serverSideRender;

	function idControl( label, help, value, onChange ) {
		return el( TextControl, {
			label: label,
			help: help,
			type: 'number',
			min: 0,
			value: value || '',
			onChange: function ( next ) {
				onChange( parseInt( next, 10 ) || 0 );
			},
		} );
	}

	wp.blocks.registerBlockType( 'wpwa/chat-button', {
		edit: function ( props ) {
			var attributes = props.attributes;
			return el(
				'div',
				useBlockProps(),
				el(
					InspectorControls,
					null,
					el(
						PanelBody,
						{ title: __( 'Chat button', 'wpwa' ) },
						idControl( __( 'Product ID', 'wpwa' ), __( 'Empty on a product page: that product.', 'wpwa' ), attributes.productId, function ( id ) {
							props.setAttributes( { productId: id } );
						} ),
						idControl( __( 'Vendor ID', 'wpwa' ), __( 'Used when no product is chosen: the vendor\'s store.', 'wpwa' ), attributes.vendorId, function ( id ) {
							props.setAttributes( { vendorId: id } );
						} ),
						el( ToggleControl, {
							label: __( 'QR code on computers', 'wpwa' ),
							checked: attributes.showQr,
							onChange: function ( on ) {
								props.setAttributes( { showQr: on } );
							},
						} )
					)
				),
				el( ServerSideRender, { block: 'wpwa/chat-button', attributes: attributes } )
			);
		},
		save: function () {
			return null;
		},
	} );
} )( window.wp );
