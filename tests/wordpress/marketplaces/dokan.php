<?php
/**
 * Dokan Lite. See loader.php for the interface.
 *
 * A vendor is what Dokan's own registration makes (WeDevs\Dokan\Registration
 * on WooCommerce's "I am a vendor" form): a user with role `seller` whose
 * nicename is the shop URL, first and last name, `dokan_profile_settings`
 * (store name, phone, empty social and payment profiles, the profile
 * completion Dokan starts from), `dokan_store_name`, then
 * `dokan_new_seller_created`. Selling is enabled by Dokan's own
 * `user_register` listener when new sellers are enabled automatically (the
 * default). Products belong to their post author
 * (`dokan_get_vendor_by_product`); Dokan's "Vendor" box on the product
 * screen changes the author.
 */

return array(
	'label'          => 'Dokan',
	'plugins'        => array( 'dokan-lite/dokan.php' ),
	'setup'          => static function (): void {
		// The admin's first wp-admin visit would go to Dokan's setup wizard;
		// a site owner who went through it has the redirect gone, the
		// wizard marked done and, since Dokan 4.2, the new full-width vendor
		// layout (the wizard switches dokan_appearance to it on its first
		// screen).
		delete_transient( '_dokan_setup_page_redirect' );
		delete_transient( '_wc_activation_redirect' );
		update_option( 'dokan_admin_setup_wizard_ready', true );
		$appearance                        = (array) get_option( 'dokan_appearance', array() );
		$appearance['vendor_layout_style'] = 'latest';
		update_option( 'dokan_appearance', $appearance );
		// The dashboard page Dokan's installer created. It creates none when
		// a page already has the path "dashboard" (on a site that ran
		// MultiVendorX first, MultiVendorX's has it); the site owner then
		// makes one and picks it under Dokan → Settings → Page Settings.
		$pages = (array) get_option( 'dokan_pages', array() );
		$id    = (int) ( $pages['dashboard'] ?? 0 );
		if ( $id <= 0 || 'publish' !== get_post_status( $id ) ) {
			$id = wp_insert_post(
				array(
					'post_title'     => 'Vendor Dashboard',
					'post_name'      => 'dokan-dashboard',
					'post_content'   => '[dokan-dashboard]',
					'post_status'    => 'publish',
					'post_type'      => 'page',
					'comment_status' => 'closed',
				),
				true
			);
			if ( is_wp_error( $id ) ) {
				throw new RuntimeException( 'Dokan dashboard page: ' . $id->get_error_message() );
			}
			$pages['dashboard'] = (int) $id;
			update_option( 'dokan_pages', $pages );
		}
	},
	'create_vendor'  => static function ( string $login, string $password, string $email, string $store_name ): int {
		$slug = sanitize_user( sanitize_title( $store_name ) );
		$user = get_user_by( 'login', $login );
		$data = array(
			'user_email'    => $email,
			'user_nicename' => $slug,
			'first_name'    => $store_name,
			'last_name'     => 'Vendor',
			'user_pass'     => $password,
			'role'          => 'seller',
		);
		if ( $user ) {
			$data['ID'] = $user->ID;
			$id         = wp_update_user( $data );
		} else {
			$data['user_login'] = $login;
			$id                 = wp_insert_user( $data );
		}
		if ( is_wp_error( $id ) ) {
			throw new RuntimeException( "Dokan vendor $login: " . $id->get_error_message() );
		}
		$id     = (int) $id;
		$is_new = ! get_user_meta( $id, 'dokan_profile_settings', true );
		$social = array();
		foreach ( array_keys( dokan_get_social_profile_fields() ) as $key ) {
			$social[ $key ] = '';
		}
		// The settings Registration::save_vendor_info() stores.
		$settings = array(
			'store_name'         => $store_name,
			'social'             => $social,
			'payment'            => array(),
			'address'            => '',
			'phone'              => '5550100',
			'show_email'         => 'no',
			'location'           => '',
			'find_address'       => '',
			'dokan_category'     => '',
			'banner'             => 0,
			'profile_completion' => array(
				'store_name'    => 10,
				'phone'         => 10,
				'next_todo'     => 'banner_val',
				'progress'      => 20,
				'progress_vals' => array(
					'banner_val'          => 15,
					'profile_picture_val' => 15,
					'store_name_val'      => 10,
					'address_val'         => 10,
					'phone_val'           => 10,
					'map_val'             => 15,
					'payment_method_val'  => 15,
					'social_val'          => array(
						'fb'       => 4,
						'twitter'  => 2,
						'youtube'  => 2,
						'linkedin' => 2,
					),
				),
			),
		);
		update_user_meta( $id, 'dokan_profile_settings', $settings );
		update_user_meta( $id, 'dokan_store_name', $store_name );
		if ( $is_new ) {
			do_action( 'dokan_new_seller_created', $id, $settings );
		}
		return $id;
	},
	'assign_product' => static function ( int $product_id, int $vendor_id ): void {
		$result = wp_update_post(
			array(
				'ID'          => $product_id,
				'post_author' => $vendor_id,
			),
			true
		);
		if ( is_wp_error( $result ) ) {
			throw new RuntimeException( "product $product_id to vendor $vendor_id: " . $result->get_error_message() );
		}
	},
	'dashboard_url'  => static function (): string {
		return (string) dokan_get_navigation_url();
	},
);
