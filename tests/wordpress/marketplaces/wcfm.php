<?php
/**
 * WCFM: WC Frontend Manager (the vendor dashboard, "store-manager") and WCFM
 * Marketplace (vendors and stores). See loader.php for the interface.
 *
 * A vendor is what WCFM's own "Vendors → Add New" form makes
 * (WC Frontend Manager's controllers/vendors/wcfm-controller-vendors-new.php):
 * a user with role `wcfm_vendor` whose nicename is the store slug, the store
 * profile in `wcfmmp_profile_settings`, the store name in `store_name` and
 * `wcfmmp_store_name`, shipping by zone, and `wcfmmp_new_store_created` fired
 * for WCFM's listeners. WCFM vendors are enabled unless `_disable_vendor` is
 * set. The store set-up WCFM runs at a vendor's first login counts as done
 * (`_store_setup`), and the site's setup is WCFM's wizard finished with its
 * defaults, which keep vendors out of wp-admin. Products belong to their post author (WCFM Marketplace reads
 * post_author); WCFM's product form also records `_wcfm_product_author`.
 */

return array(
	'label'          => 'WCFM Marketplace',
	'plugins'        => array(
		'wc-frontend-manager/wc_frontend_manager.php',
		'wc-multivendor-marketplace/wc-multivendor-marketplace.php',
	),
	'setup'          => static function (): void {
		// Activation left the setup wizards' one-time redirects armed; a
		// site owner who finished (or skipped) the wizards has neither.
		delete_transient( '_wcfm_activation_redirect' );
		delete_transient( '_wcfmmp_activation_redirect' );
		delete_transient( '_wc_activation_redirect' );
		// WCFM's setup wizard, finished with its defaults: its Capability step
		// saves "Backend Access (wp-admin)" restricted (vnd_wpadmin = yes),
		// which keeps vendors out of wp-admin (redirected to the dashboard).
		// Saved once: an owner's later choice stands.
		$caps = get_option( 'wcfm_capability_options' );
		if ( ! is_array( $caps ) || ! isset( $caps['vnd_wpadmin'] ) ) {
			$caps = is_array( $caps ) ? $caps : array();
			foreach ( array( 'submit_products', 'publish_products', 'edit_live_products', 'delete_products', 'manage_booking', 'manage_subscription', 'associate_listings', 'view_orders', 'view_reports' ) as $cap ) {
				$caps[ $cap ] = 'no';
			}
			$caps['vnd_wpadmin'] = 'yes';
			update_option( 'wcfm_capability_options', $caps );
			$GLOBALS['WCFM']->wcfm_vendor_support->vendors_capability_option_updates();
		}
		// The dashboard page WC Frontend Manager's installer created.
		$pages = (array) get_option( 'wcfm_page_options', array() );
		$id    = (int) ( $pages['wc_frontend_manager_page_id'] ?? 0 );
		if ( $id <= 0 || 'publish' !== get_post_status( $id ) ) {
			throw new RuntimeException( 'WC Frontend Manager created no store-manager page (wcfm_page_options)' );
		}
	},
	'create_vendor'  => static function ( string $login, string $password, string $email, string $store_name ): int {
		$slug = sanitize_title( $store_name );
		$user = get_user_by( 'login', $login );
		$data = array(
			'user_email'    => $email,
			'user_nicename' => $slug,
			'first_name'    => $store_name,
			'user_pass'     => $password,
			'role'          => 'wcfm_vendor',
		);
		if ( $user ) {
			$data['ID'] = $user->ID;
			$id         = wp_update_user( $data );
		} else {
			$data += array(
				'user_login'   => $login,
				'display_name' => $login,
				'nickname'     => $login,
			);
			$id = wp_insert_user( $data );
		}
		if ( is_wp_error( $id ) ) {
			throw new RuntimeException( "WCFM vendor $login: " . $id->get_error_message() );
		}
		$id = (int) $id;
		// The form's fields, as WCFM stores the whole submitted form.
		$profile = array(
			'user_name'   => $login,
			'user_email'  => $email,
			'first_name'  => $store_name,
			'last_name'   => '',
			'store_name'  => $store_name,
			'store_slug'  => $slug,
			'store_email' => $email,
			'phone'       => '',
			'address'     => array(
				'street_1' => '',
				'street_2' => '',
				'city'     => 'San Francisco',
				'zip'      => '94105',
				'country'  => 'US',
				'state'    => 'CA',
			),
			'gravatar'    => '',
			'banner'      => '',
			'list_banner' => '',
		);
		$is_new = ! get_user_meta( $id, 'wcfmmp_profile_settings', true );
		update_user_meta( $id, 'wcfmmp_profile_settings', $profile );
		update_user_meta( $id, 'store_name', wp_strip_all_tags( $store_name ) );
		update_user_meta( $id, 'wcfmmp_store_name', wp_strip_all_tags( $store_name ) );
		update_user_meta( $id, '_wcfmmp_shipping', array( '_wcfmmp_user_shipping_enable' => 'yes', '_wcfmmp_user_shipping_type' => 'by_zone' ) );
		foreach ( $profile['address'] as $field => $value ) {
			update_user_meta( $id, '_wcfm_' . $field, $value );
		}
		update_user_meta( $id, 'show_admin_bar_front', false );
		// The store set-up WCFM sends a vendor through on the first login
		// (its profile is filled in above): done.
		update_user_meta( $id, '_store_setup', 'yes' );
		delete_user_meta( $id, '_disable_vendor' );
		if ( $is_new ) {
			update_user_meta( $id, '_wcfm_vendor_author', get_current_user_id() );
			do_action( 'wcfmmp_new_store_created', $id, $profile );
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
		update_post_meta( $product_id, '_wcfm_product_author', $vendor_id );
	},
	'dashboard_url'  => static function (): string {
		return (string) get_wcfm_url();
	},
);
