<?php
/**
 * WC Vendors Marketplace (free). See loader.php for the interface.
 *
 * A vendor is what WC Vendors' "Apply to become a vendor" makes for a
 * registered customer (WCV_Vendor_Signup::save_pending with approval set to
 * automatic, the default): the `vendor` role added beside `customer`,
 * `_wcv_vendor_status` active, `wcvendors_application_submitted` fired; then
 * the store name as its Store Settings form saves it (`pv_shop_name`,
 * `pv_shop_slug`). Products belong to their post author
 * (`WCV_Vendors::get_vendor_from_product`).
 */

return array(
	'label'          => 'WC Vendors',
	'plugins'        => array( 'wc-vendors/class-wc-vendors.php' ),
	'setup'          => static function (): void {
		// WC Vendors installs (roles, options, tables, its dashboard pages)
		// on the first wp-admin request after activation, where its
		// installer is loaded; the site owner's first visit does that.
		include_once WC_ABSPATH . 'includes/admin/wc-admin-functions.php'; // wc_create_page(), loaded in wp-admin.
		include_once WCV_PLUGIN_DIR . 'classes/class-install.php';
		if ( get_option( 'wcvendors_version' ) !== WCV_VERSION ) {
			WCVendors_Install::install();
		}
		// Its setup wizard's Pages step makes any page still missing.
		$ids = (array) get_option( 'wcvendors_vendor_dashboard_page_id', array() );
		if ( 'publish' !== get_post_status( (int) reset( $ids ) ) ) {
			WCVendors_Install::create_pages();
		}
		// Activation armed the redirect to WC Vendors' setup wizard; a site
		// owner past the wizard has it marked complete.
		delete_transient( 'wcvendors_activation_redirect' );
		delete_transient( '_wc_activation_redirect' );
		if ( ! get_option( 'wcvendors_wizard_complete' ) ) {
			update_option( 'wcvendors_wizard_complete', current_time( 'mysql' ) );
		}
		delete_option( 'wcvendors_admin_notice_install' );
		// The dashboard page WC Vendors' installer created.
		$ids = (array) get_option( 'wcvendors_vendor_dashboard_page_id', array() );
		$id  = (int) reset( $ids );
		if ( $id <= 0 || 'publish' !== get_post_status( $id ) ) {
			throw new RuntimeException( 'WC Vendors created no vendor dashboard page (wcvendors_vendor_dashboard_page_id)' );
		}
	},
	'create_vendor'  => static function ( string $login, string $password, string $email, string $store_name ): int {
		$user = get_user_by( 'login', $login );
		$data = array(
			'user_email' => $email,
			'first_name' => $store_name,
			'user_pass'  => $password,
		);
		if ( $user ) {
			$data['ID'] = $user->ID;
			$id         = wp_update_user( $data );
		} else {
			// WooCommerce's registration makes a customer first.
			$data['user_login'] = $login;
			$data['role']       = 'customer';
			$id                 = wp_insert_user( $data );
		}
		if ( is_wp_error( $id ) ) {
			throw new RuntimeException( "WC Vendors vendor $login: " . $id->get_error_message() );
		}
		$id     = (int) $id;
		$vendor = new WP_User( $id );
		if ( ! in_array( 'vendor', (array) $vendor->roles, true ) ) {
			$vendor->add_role( 'vendor' );
			update_user_meta( $id, '_wcv_vendor_status', 'active' );
			do_action( 'wcvendors_application_submitted', $id );
		}
		update_user_meta( $id, 'pv_shop_name', $store_name );
		update_user_meta( $id, 'pv_shop_slug', sanitize_title( $store_name ) );
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
		return (string) WCV_Vendor_Dashboard::get_dashboard_page_url();
	},
);
