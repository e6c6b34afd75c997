<?php
/**
 * MultiVendorX 5. See loader.php for the interface.
 *
 * Stores are MultiVendorX's own entities ({prefix}multivendorx_store, its
 * meta and store-users tables). A vendor is what its registration form
 * (REST `stores` create with the `registrations` header,
 * MultiVendorX\RestAPI\Controllers\Stores::create_item) followed by the
 * admin's approval makes: a store with its name, a unique slug from the name,
 * `who_created` the user, status `active` and the owner's `store_email`; the
 * user with role `store_owner`, primary owner of the store (a `store_owner`
 * row in the store-users table) with it as `multivendorx_active_store`; then
 * `multivendorx_after_store_registration_complete` and
 * `multivendorx_after_store_active`; its first-visit guided tour counts as
 * done. Products carry the store in
 * `multivendorx_store_id` (and are authored by the vendor, as when the vendor
 * adds them in the dashboard).
 *
 * MultiVendorX starts only with pretty permalinks; its dashboard page sends
 * administrators to wp-admin.
 */

use MultiVendorX\Store\Store;
use MultiVendorX\Store\StoreUtil;
use MultiVendorX\Utill;

// MultiVendorX's activation arms its setup wizard as an option that the next
// `init` of ANY request acts on (redirect to wp-admin and exit), so the later
// process that runs 'setup' would end before it starts. The site owner's
// browser follows that redirect once and leaves the wizard; here it is
// consumed as soon as the activation armed it.
add_action(
	'activate_dc-woocommerce-multi-vendor/dc_product_vendor.php',
	static function (): void {
		delete_option( Utill::MULTIVENDORX_OTHER_SETTINGS['plugin_activated'] );
	},
	20
);

return array(
	'label'          => 'MultiVendorX',
	'plugins'        => array( 'dc-woocommerce-multi-vendor/dc_product_vendor.php' ),
	'setup'          => static function (): void {
		// Activation armed a redirect to the setup wizard on the admin's next
		// visit; a site owner past the wizard has it gone.
		delete_option( Utill::MULTIVENDORX_OTHER_SETTINGS['plugin_activated'] );
		delete_transient( '_wc_activation_redirect' );
		if ( ! get_option( 'permalink_structure' ) ) {
			throw new RuntimeException( 'MultiVendorX needs pretty permalinks' );
		}
		$page = (int) MultiVendorX()->setting->get_setting( 'store_dashboard_page' );
		if ( $page <= 0 || 'publish' !== get_post_status( $page ) ) {
			// MultiVendorX's installer creates its dashboard page only when no
			// page has the slug "dashboard" (on a site that ran Dokan first,
			// Dokan's has it) and then finds none; the site owner makes one and
			// picks it in MultiVendorX's settings.
			$page = wp_insert_post(
				array(
					'post_status'    => 'publish',
					'post_type'      => 'page',
					'post_name'      => 'store-dashboard',
					'post_title'     => 'Store Dashboard',
					'post_content'   => '[marketplace_dashboard]',
					'comment_status' => 'closed',
				),
				true
			);
			if ( is_wp_error( $page ) ) {
				throw new RuntimeException( 'MultiVendorX store dashboard page: ' . $page->get_error_message() );
			}
			MultiVendorX()->setting->update_setting( 'store_dashboard_page', (int) $page, Utill::MULTIVENDORX_SETTINGS['overview'] );
		}
	},
	'create_vendor'  => static function ( string $login, string $password, string $email, string $store_name ): int {
		$user = get_user_by( 'login', $login );
		$data = array(
			'user_email' => $email,
			'first_name' => $store_name,
			'user_pass'  => $password,
			'role'       => 'store_owner',
		);
		if ( $user ) {
			$data['ID'] = $user->ID;
			$id         = wp_update_user( $data );
		} else {
			$data['user_login'] = $login;
			$id                 = wp_insert_user( $data );
		}
		if ( is_wp_error( $id ) ) {
			throw new RuntimeException( "MultiVendorX vendor $login: " . $id->get_error_message() );
		}
		$id = (int) $id;

		$store_id = (int) get_user_meta( $id, Utill::USER_SETTINGS_KEYS['active_store'], true );
		$store    = $store_id > 0 ? new Store( $store_id ) : null;
		$is_new   = ! $store || ! $store->exists();
		if ( $is_new ) {
			$store = new Store();
			$store->set( Utill::STORE_SETTINGS_KEYS['slug'], Store::generate_unique_store_slug( sanitize_title( $store_name ) ) );
			$store->set( Utill::STORE_SETTINGS_KEYS['who_created'], $id );
		}
		$store->set( Utill::STORE_SETTINGS_KEYS['name'], $store_name );
		$store->set( Utill::STORE_SETTINGS_KEYS['status'], 'active' );
		$store_id = (int) $store->save();
		if ( $store_id <= 0 ) {
			throw new RuntimeException( "MultiVendorX store for $login was not saved" );
		}
		$store->update_meta(
			'store_email',
			array(
				'list'    => array( $email ),
				'primary' => $email,
			)
		);
		// The guided tour MultiVendorX runs on a store's first dashboard visit,
		// finished (what its tour route stores when the vendor closes it).
		$store->update_meta( Utill::STORE_SETTINGS_KEYS['store_tour_completed'], true );
		StoreUtil::set_primary_owner( $id, $store_id );
		update_user_meta( $id, Utill::USER_SETTINGS_KEYS['active_store'], $store_id );
		if ( $is_new ) {
			do_action( 'multivendorx_after_store_registration_complete', $id, $store_id );
			do_action( 'multivendorx_after_store_active', $store_id );
		}
		return $id;
	},
	'assign_product' => static function ( int $product_id, int $vendor_id ): void {
		$store_id = (int) get_user_meta( $vendor_id, Utill::USER_SETTINGS_KEYS['active_store'], true );
		if ( $store_id <= 0 ) {
			throw new RuntimeException( "user $vendor_id has no MultiVendorX store" );
		}
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
		update_post_meta( $product_id, Utill::POST_META_SETTINGS['store_id'], $store_id );
	},
	'dashboard_url'  => static function (): string {
		return (string) get_permalink( (int) MultiVendorX()->setting->get_setting( 'store_dashboard_page' ) );
	},
);
