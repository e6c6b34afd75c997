<?php
/**
 * The marketplace integrations and which one is active.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Integrations;

use Throwable;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Installer;

defined( 'ABSPATH' ) || exit;

/**
 * Knows the supported marketplaces, registers the WhatsApp tab of each one
 * whose plugin is loaded, and names the one whose API answers vendor
 * questions (store names, product owners).
 *
 * @since 0.7.0
 */
final class Marketplaces {

	/**
	 * Option remembering the marketplace of the last request, so a switch
	 * rebuilds the rewrite rules with its tab's endpoint.
	 *
	 * @since 0.7.0
	 */
	public const ACTIVE_OPTION = 'wpwa_active_marketplace';

	/**
	 * Every integration, in order of precedence.
	 *
	 * @var Marketplace[]|null
	 */
	private static ?array $all = null;

	/**
	 * Registers the tab of every loaded marketplace. Runs on `plugins_loaded`.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function init(): void {
		foreach ( self::loaded() as $marketplace ) {
			try {
				$marketplace->register_dashboard();
			} catch ( Throwable $e ) {
				Core::report( $e );
			}
		}
		add_action( 'init', array( self::class, 'note_switch' ), 98 );
	}

	/**
	 * Every supported integration. The order decides which one answers when
	 * several are loaded: WC Frontend Manager also runs on top of the other
	 * marketplaces, so it comes last.
	 *
	 * @since 0.7.0
	 *
	 * @return Marketplace[]
	 */
	public static function all(): array {
		if ( null === self::$all ) {
			$all = array( new Dokan(), new MultiVendorX(), new WcVendors(), new Wcfm() );

			/**
			 * Filters the marketplace integrations, in order of precedence.
			 * An entry must extend Wpwa\Plugin\Integrations\Marketplace.
			 *
			 * @since 0.7.0
			 *
			 * @param Marketplace[] $all Integrations.
			 */
			$filtered  = apply_filters( 'wpwa_marketplaces', $all );
			self::$all = array_values(
				array_filter(
					is_array( $filtered ) ? $filtered : $all,
					static fn( $m ) => $m instanceof Marketplace
				)
			);
		}
		return self::$all;
	}

	/**
	 * The integrations whose plugin is loaded.
	 *
	 * @since 0.7.0
	 *
	 * @return Marketplace[]
	 */
	public static function loaded(): array {
		return array_values( array_filter( self::all(), static fn( Marketplace $m ) => $m->is_loaded() ) );
	}

	/**
	 * The integration that answers vendor questions, or null on a site
	 * without a supported marketplace.
	 *
	 * @since 0.7.0
	 *
	 * @return Marketplace|null
	 */
	public static function current(): ?Marketplace {
		return self::loaded()[0] ?? null;
	}

	/**
	 * `init`: when the active marketplace changed since the last request,
	 * asks for the one-time rewrite flush, so its dashboard knows the
	 * WhatsApp tab's endpoint.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public static function note_switch(): void {
		$current = self::current();
		$id      = $current ? $current->id() : '';
		if ( get_option( self::ACTIVE_OPTION ) !== $id ) {
			update_option( self::ACTIVE_OPTION, $id );
			update_option( Installer::FLUSH_OPTION, 1 );
		}
	}
}
