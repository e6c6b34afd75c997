<?php
/**
 * Plugin Name: wpwa test helpers for the admin console (test site only)
 * Description: Token-guarded REST routes the admin console tests use to set up
 *              users of any role (shop managers, vendors with hostile names),
 *              products copied from a seeded one (WooCommerce's CRUD API),
 *              and activity log entries.
 *              Every route requires the X-Wpwa-Test-Token header to equal
 *              WPWA_TEST_TOKEN. Installed only on the throwaway test site.
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'rest_api_init',
	static function () {
		$guard = static function ( WP_REST_Request $request ) {
			return defined( 'WPWA_TEST_TOKEN' )
				&& is_string( $request->get_header( 'x_wpwa_test_token' ) )
				&& hash_equals( (string) WPWA_TEST_TOKEN, (string) $request->get_header( 'x_wpwa_test_token' ) );
		};

		// Creates or updates a user: login, password, display_name (stored as
		// given), role, vendor (adds wpwa_vendor), caps (extra capabilities).
		register_rest_route(
			'wpwa-test/v1',
			'/user',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$login = sanitize_user( (string) $request->get_param( 'login' ), true );
					$pass  = (string) $request->get_param( 'password' );
					$role  = (string) ( $request->get_param( 'role' ) ?: 'subscriber' );
					if ( '' === $login || strlen( $pass ) < 8 || null === get_role( $role ) ) {
						return new WP_Error( 'wpwa_test_bad_user', 'login, password (8+ chars) and an existing role required', array( 'status' => 400 ) );
					}
					$data = array(
						'user_login' => $login,
						'user_pass'  => $pass,
						'user_email' => $login . '@example.test',
						'role'       => $role,
					);
					$user = get_user_by( 'login', $login );
					if ( $user ) {
						$data['ID'] = $user->ID;
						$id         = wp_update_user( $data );
					} else {
						$id = wp_insert_user( $data );
					}
					if ( is_wp_error( $id ) ) {
						return $id;
					}
					// Byte for byte, like a vendor typing it in a profile form with unfiltered_html.
					$display = (string) $request->get_param( 'display_name' );
					if ( '' !== $display ) {
						global $wpdb;
						$wpdb->update( $wpdb->users, array( 'display_name' => $display ), array( 'ID' => $id ) );
						clean_user_cache( $id );
					}
					$user = new WP_User( $id );
					if ( $request->get_param( 'vendor' ) ) {
						$user->add_cap( 'wpwa_vendor' );
					}
					foreach ( (array) $request->get_param( 'caps' ) as $cap ) {
						$user->add_cap( (string) $cap );
					}
					foreach ( (array) $request->get_param( 'remove_caps' ) as $cap ) {
						$user->remove_cap( (string) $cap );
					}
					// e.g. WooCommerce's billing_phone and billing_country.
					foreach ( (array) $request->get_param( 'meta' ) as $key => $value ) {
						update_user_meta( $id, sanitize_key( (string) $key ), (string) $value );
					}
					return array(
						'id'           => (int) $id,
						'login'        => $login,
						'display_name' => get_userdata( $id )->display_name,
					);
				},
			)
		);

		// Copies a seeded product to a new one of another vendor, as
		// WooCommerce's own "Duplicate" does (a clone saved as new, meta and
		// image included): from (product ID), vendor_id, sku, title (stored
		// as given), no_image. The copy is published and authored by the
		// vendor.
		register_rest_route(
			'wpwa-test/v1',
			'/product',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$from   = wc_get_product( (int) $request->get_param( 'from' ) );
					$vendor = (int) $request->get_param( 'vendor_id' );
					$sku    = (string) $request->get_param( 'sku' );
					if ( ! $from || 'simple' !== $from->get_type() || $vendor <= 0 || '' === $sku ) {
						return new WP_Error( 'wpwa_test_bad_product', 'from (a simple product), vendor_id and sku required', array( 'status' => 400 ) );
					}
					kses_remove_filters();
					$copy = clone $from;
					$copy->set_id( 0 );
					$copy->set_slug( '' );
					$copy->set_date_created( null );
					$copy->set_status( 'publish' );
					$copy->set_name( (string) $request->get_param( 'title' ) );
					$copy->set_sku( $sku );
					$copy->delete_meta_data( '_wpwa_seed_key' );
					if ( $request->get_param( 'no_image' ) ) {
						$copy->set_image_id( 0 );
						$copy->set_gallery_image_ids( array() );
					}
					// WooCommerce records the current user as a new product's author.
					$previous = get_current_user_id();
					wp_set_current_user( $vendor );
					try {
						$id = $copy->save();
					} catch ( WC_Data_Exception $e ) {
						return new WP_Error( 'wpwa_test_bad_product', $e->getMessage(), array( 'status' => 400 ) );
					} finally {
						wp_set_current_user( $previous );
					}
					return array( 'id' => (int) $id );
				},
			)
		);

		// Writes activity log entries through the plugin: vendor_id, level,
		// kind, message, count (default 1).
		register_rest_route(
			'wpwa-test/v1',
			'/log',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$count = max( 1, min( 500, (int) ( $request->get_param( 'count' ) ?: 1 ) ) );
					$ids   = array();
					for ( $i = 0; $i < $count; $i++ ) {
						$id = \Wpwa\Plugin\Core::log(
							(int) $request->get_param( 'vendor_id' ),
							(string) $request->get_param( 'level' ),
							(string) $request->get_param( 'kind' ),
							str_replace( '{n}', (string) $i, (string) $request->get_param( 'message' ) ),
							(array) ( $request->get_param( 'context' ) ?: array() )
						);
						if ( is_wp_error( $id ) ) {
							return $id;
						}
						$ids[] = $id;
					}
					return array( 'ids' => $ids );
				},
			)
		);

		// Adds or removes capabilities of a role: role, add[], remove[], and
		// optionally sets the shop_manager_access setting first.
		register_rest_route(
			'wpwa-test/v1',
			'/role',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$role = get_role( (string) $request->get_param( 'role' ) );
					if ( null === $role ) {
						return new WP_Error( 'wpwa_test_no_role', 'no such role', array( 'status' => 404 ) );
					}
					// The console's "shop managers" setting, saved the way WordPress saves it.
					if ( null !== $request->get_param( 'shop_manager_access' ) ) {
						$settings                        = (array) get_option( 'wpwa_settings', array() );
						$settings['shop_manager_access'] = (bool) $request->get_param( 'shop_manager_access' );
						update_option( 'wpwa_settings', $settings );
					}
					foreach ( (array) $request->get_param( 'add' ) as $cap ) {
						$role->add_cap( (string) $cap );
					}
					foreach ( (array) $request->get_param( 'remove' ) as $cap ) {
						$role->remove_cap( (string) $cap );
					}
					return array( 'capabilities' => get_role( $role->name )->capabilities );
				},
			)
		);

		// Runs wpwa's personal data exporter or eraser, found through WordPress's
		// filters as Tools → Export/Erase Personal Data finds it: email, action.
		register_rest_route(
			'wpwa-test/v1',
			'/privacy',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function ( WP_REST_Request $request ) {
					$erase = 'erase' === $request->get_param( 'action' );
					$tools = $erase ? apply_filters( 'wp_privacy_personal_data_erasers', array() ) : apply_filters( 'wp_privacy_personal_data_exporters', array() );
					$tool  = $tools[ \Wpwa\Plugin\Privacy::ID ] ?? null;
					if ( ! is_array( $tool ) ) {
						return new WP_Error( 'wpwa_test_no_tool', 'wpwa registered no ' . ( $erase ? 'eraser' : 'exporter' ), array( 'status' => 500 ) );
					}
					$result = call_user_func( $tool['callback'], (string) $request->get_param( 'email' ), 1 );
					return is_wp_error( $result ) ? $result : array( 'result' => $result );
				},
			)
		);

		// Fires the daily clean-up hook as WP-Cron would; returns what each purge recorded.
		register_rest_route(
			'wpwa-test/v1',
			'/daily-cleanup',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function () {
					delete_option( \Wpwa\Plugin\Privacy::LAST_PURGE_OPTION );
					do_action( \Wpwa\Plugin\Logs::PURGE_HOOK );
					return array(
						'log'      => get_option( \Wpwa\Plugin\Logs::LAST_PURGE_OPTION, null ),
						'messages' => get_option( \Wpwa\Plugin\Privacy::LAST_PURGE_OPTION, null ),
					);
				},
			)
		);

		// Runs the daily log purge now; returns how many entries went.
		register_rest_route(
			'wpwa-test/v1',
			'/purge',
			array(
				'methods'             => 'POST',
				'permission_callback' => $guard,
				'callback'            => static function () {
					$deleted = \Wpwa\Plugin\Logs::purge();
					return is_wp_error( $deleted ) ? $deleted : array(
						'deleted'   => $deleted,
						'scheduled' => wp_next_scheduled( \Wpwa\Plugin\Logs::PURGE_HOOK ),
					);
				},
			)
		);
	}
);
