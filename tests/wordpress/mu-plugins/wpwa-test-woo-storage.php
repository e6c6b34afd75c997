<?php
/**
 * Plugin Name: wpwa test fixture — WooCommerce storage format
 * Description: When WooCommerce is not installed (it cannot be, here), registers
 *              what WooCommerce registers for its product storage: the `product`
 *              post type, the `product_type`, `product_visibility`, `product_cat`
 *              and `product_tag` taxonomies, and the `customer` role, so that
 *              seeded products are stored exactly as WooCommerce stores them.
 *              Test and demo only; never ship this.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'init',
	static function () {
		// WooCommerce present: it owns all of this.
		if ( class_exists( 'WooCommerce' ) || post_type_exists( 'product' ) ) {
			return;
		}

		register_taxonomy(
			'product_type',
			array( 'product' ),
			array(
				'hierarchical'      => false,
				'show_ui'           => false,
				'show_in_nav_menus' => false,
				'query_var'         => is_admin(),
				'rewrite'           => false,
				'public'            => false,
				'label'             => 'Product type',
			)
		);
		register_taxonomy(
			'product_visibility',
			array( 'product', 'product_variation' ),
			array(
				'hierarchical'      => false,
				'show_ui'           => false,
				'show_in_nav_menus' => false,
				'query_var'         => is_admin(),
				'rewrite'           => false,
				'public'            => false,
				'label'             => 'Product visibility',
			)
		);
		register_taxonomy(
			'product_cat',
			array( 'product' ),
			array(
				'hierarchical' => true,
				'label'        => 'Product categories',
				'show_ui'      => true,
				'query_var'    => true,
				'rewrite'      => array( 'slug' => 'product-category', 'with_front' => false, 'hierarchical' => true ),
			)
		);
		register_taxonomy(
			'product_tag',
			array( 'product' ),
			array(
				'hierarchical' => false,
				'label'        => 'Product tags',
				'show_ui'      => true,
				'query_var'    => true,
				'rewrite'      => array( 'slug' => 'product-tag', 'with_front' => false ),
			)
		);

		register_post_type(
			'product',
			array(
				'labels'          => array(
					'name'          => 'Products',
					'singular_name' => 'Product',
				),
				'public'          => true,
				'show_ui'         => true,
				'capability_type' => 'post',
				'map_meta_cap'    => true,
				'hierarchical'    => false,
				'rewrite'         => array( 'slug' => 'product', 'with_front' => false, 'feeds' => true ),
				'query_var'       => true,
				'supports'        => array( 'title', 'editor', 'excerpt', 'thumbnail', 'custom-fields', 'publicize' ),
				'has_archive'     => 'shop',
				'show_in_rest'    => true,
			)
		);
		register_post_type(
			'product_variation',
			array(
				'label'        => 'Variations',
				'public'       => false,
				'hierarchical' => false,
				'supports'     => false,
				'rewrite'      => false,
			)
		);

		// WooCommerce's customer role: read only. Not while the installer
		// runs: the options table does not exist yet.
		if ( ! wp_installing() && null === get_role( 'customer' ) ) {
			add_role( 'customer', 'Customer', array( 'read' => true ) );
		}
		// And its shop manager role: wp-admin, products and users, not plugins.
		if ( ! wp_installing() && null === get_role( 'shop_manager' ) ) {
			add_role(
				'shop_manager',
				'Shop manager',
				array(
					'read'                 => true,
					'edit_posts'           => true,
					'edit_products'        => true,
					'manage_woocommerce'   => true,
					'view_admin_dashboard' => true,
					'list_users'           => true,
					'moderate_comments'    => true,
				)
			);
		}
	},
	5
);
