<?php
/**
 * Who is calling a wpwa REST route.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

namespace Wpwa\Plugin\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * The authenticated caller of a REST request: a WordPress user (cookie +
 * nonce) or the vendor named by a bearer token.
 *
 * @since 0.1.0
 */
final class Principal {

	/**
	 * Authenticated through the WordPress session cookie and the wp_rest nonce.
	 *
	 * @since 0.1.0
	 */
	public const VIA_COOKIE = 'cookie';

	/**
	 * Authenticated through a vendor-scoped bearer token.
	 *
	 * @since 0.1.0
	 */
	public const VIA_TOKEN = 'token';

	/**
	 * Constructor.
	 *
	 * @since 0.1.0
	 *
	 * @param int      $user_id   WordPress user ID (the vendor for tokens).
	 * @param string   $via       self::VIA_COOKIE or self::VIA_TOKEN.
	 * @param bool     $is_vendor Whether the user is a vendor.
	 * @param bool     $is_admin  Whether the user holds manage_wpwa (never for tokens).
	 * @param string[] $scopes    Token scopes (empty for cookies).
	 */
	public function __construct(
		public readonly int $user_id,
		public readonly string $via,
		public readonly bool $is_vendor,
		public readonly bool $is_admin,
		public readonly array $scopes
	) {
	}

	/**
	 * Whether this caller may read the given vendor's data.
	 *
	 * @since 0.1.0
	 *
	 * @param int $vendor_id Vendor user ID.
	 * @return bool
	 */
	public function can_read_vendor( int $vendor_id ): bool {
		if ( $this->is_admin ) {
			return true;
		}
		return $this->is_vendor && $vendor_id === $this->user_id;
	}
}
