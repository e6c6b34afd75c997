<?php
/**
 * The table of the WhatsApp → Vendors page.
 *
 * @package Wpwa\Plugin
 * @since   0.2.0
 */

namespace Wpwa\Plugin\Admin;

use WP_List_Table;
use WP_User;
use Wpwa\Plugin\Catalog\Sync;
use Wpwa\Plugin\CloudConnections;
use Wpwa\Plugin\Connections;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Gateways;
use Wpwa\Plugin\Messages\Config as MessagesConfig;
use Wpwa\Plugin\Messages\Panel as MessagesPanel;
use Wpwa\Plugin\Messages\Pricing;
use Wpwa\Plugin\Messages\VendorLimits;
use Wpwa\Plugin\Sessions;
use Wpwa\Plugin\SessionStates;
use Wpwa\Plugin\Settings;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

/**
 * One row per vendor: name, session state, phone, since, last sync and its
 * result, catalog counts, messages this month against the allowance, their
 * estimated cost by pricing category (since 0.15.0),
 * response times and, under model 2, the vendor's connections.
 *
 * @since 0.2.0
 */
final class VendorsTable extends WP_List_Table {

	/**
	 * Vendors per page.
	 *
	 * @since 0.2.0
	 */
	public const PER_PAGE = 20;

	/**
	 * What the core holds for the rows on this page, by vendor ID: session,
	 * sync, catalog, messages_this_month, response (one call for the page).
	 *
	 * @var array<int,array<string,mixed>>
	 */
	private array $overview = array();

	/**
	 * Catalog connections of the rows on this page, by vendor ID.
	 *
	 * @var array<int,array<string,string>|\WP_Error>
	 */
	private array $catalogs = array();

	/**
	 * Store names of the rows on this page, by vendor ID, in display order.
	 *
	 * @var array<int,string>
	 */
	private array $names = array();

	/**
	 * Constructor.
	 *
	 * @since 0.2.0
	 */
	public function __construct() {
		parent::__construct(
			array(
				'singular' => 'wpwa-vendor',
				'plural'   => 'wpwa-vendors',
				'ajax'     => false,
			)
		);
	}

	/**
	 * Columns.
	 *
	 * @since 0.2.0
	 *
	 * @return array<string,string>
	 */
	public function get_columns() {
		$columns = array(
			'vendor' => __( 'Vendor', 'wpwa' ),
			'state'  => __( 'WhatsApp', 'wpwa' ),
			'phone'  => __( 'Phone', 'wpwa' ),
			'since'  => __( 'Since', 'wpwa' ),
			// Since 0.5.0.
			'sync'     => __( 'Last sync', 'wpwa' ),
			'catalog'  => __( 'Catalog', 'wpwa' ),
			'messages' => __( 'Messages this month', 'wpwa' ),
			// Since 0.15.0.
			'cost'     => __( 'Estimated cost this month', 'wpwa' ),
			'response' => __( 'Response', 'wpwa' ),
		);
		if ( 'per_vendor' === Settings::get( 'integration_model' ) ) {
			$columns['cloud']      = __( 'Cloud API connection', 'wpwa' );
			$columns['connection'] = __( 'Gateway connection', 'wpwa' );
		}
		return $columns;
	}

	/**
	 * Loads the page of vendors.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), array(), 'vendor' );
		$names                 = Vendors::store_names( Vendors::all_ids() );
		$search = self::search();
		if ( '' !== $search && $names ) {
			// By store name, and by what identifies the account (login, e-mail, display name).
			$found = array_map(
				'intval',
				get_users(
					array(
						'include'        => array_keys( $names ),
						'search'         => '*' . $search . '*',
						'search_columns' => array( 'user_login', 'user_email', 'display_name', 'user_nicename' ),
						'fields'         => 'ID',
						'number'         => -1,
					)
				)
			);
			$names = array_filter(
				$names,
				static function ( string $name, int $id ) use ( $search, $found ): bool {
					return false !== mb_stripos( $name, $search ) || in_array( $id, $found, true );
				},
				ARRAY_FILTER_USE_BOTH
			);
		}
		$total       = count( $names );
		$page        = max( 1, $this->get_pagenum() );
		$this->names = array_slice( $names, ( $page - 1 ) * self::PER_PAGE, self::PER_PAGE, true );
		$this->items = $this->names ? get_users(
			array(
				'include' => array_keys( $this->names ),
				'orderby' => 'include',
				'number'  => self::PER_PAGE,
			)
		) : array();
		$this->load_overview();
		$this->set_pagination_args(
			array(
				'total_items' => $total,
				'per_page'    => self::PER_PAGE,
				'total_pages' => (int) ceil( $total / self::PER_PAGE ),
			)
		);
	}

	/**
	 * Asks the core once for everything the rows show.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	private function load_overview(): void {
		$rows = array();
		foreach ( $this->items as $user ) {
			$id                    = (int) $user->ID;
			$this->catalogs[ $id ] = Connections::cloud( $id, Connections::CATALOG );
			$rows[]                = array(
				'vendor_id'  => $id,
				'catalog_id' => is_wp_error( $this->catalogs[ $id ] ) ? null : (string) $this->catalogs[ $id ]['catalog_id'],
			);
		}
		$overview = $rows ? Core::vendors_overview( $rows, Settings::policy(), MessagesPanel::metrics_since() ) : array();
		foreach ( is_array( $overview ) ? $overview : array() as $row ) {
			$this->overview[ (int) $row['vendor_id'] ] = $row;
		}
	}

	/**
	 * The store name of a row's vendor.
	 *
	 * @since 0.7.0
	 *
	 * @param WP_User $user Vendor.
	 * @return string
	 */
	private function name( WP_User $user ): string {
		return $this->names[ (int) $user->ID ] ?? Vendors::store_name( (int) $user->ID );
	}

	/**
	 * The search term of the request ('' when none).
	 *
	 * @since 0.2.0
	 *
	 * @return string
	 */
	public static function search(): string {
		return isset( $_REQUEST['s'] ) ? trim( sanitize_text_field( wp_unslash( (string) $_REQUEST['s'] ) ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only filter.
	}

	/**
	 * Message when there are no vendors.
	 *
	 * @since 0.2.0
	 *
	 * @return void
	 */
	public function no_items() {
		esc_html_e( 'No vendors yet. wpwa recognises WCFM, Dokan, WC Vendors and MultiVendorX vendors, and users with the wpwa_vendor capability.', 'wpwa' );
	}

	/**
	 * The session of a row's vendor (stored status; no gateway call).
	 *
	 * @param WP_User $user Vendor.
	 * @return array<string,mixed>
	 */
	private function session( WP_User $user ): array {
		$status = $this->overview[ (int) $user->ID ]['session'] ?? null;
		return is_array( $status ) ? Sessions::present( $status ) : array(
			'state'  => 'unknown',
			'reason' => null,
			'phone'  => null,
			'since'  => null,
		);
	}

	/**
	 * Column: vendor, by store name with the login below, and the row
	 * actions (Sync catalog, View log, Disconnect).
	 *
	 * @since 0.2.0
	 * @since 0.7.0 The store name first, the login as secondary text.
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_vendor( $item ) {
		$session = $this->session( $item );
		$name    = $this->name( $item );
		$actions = array(
			'sync' => sprintf(
				'<a href="%1$s" class="wpwa-row-sync" aria-label="%2$s">%3$s</a>',
				esc_url( VendorsPage::action_url( VendorsPage::SYNC_ACTION, (int) $item->ID ) ),
				/* translators: %s: vendor name. */
				esc_attr( sprintf( __( 'Start a catalog sync for %s', 'wpwa' ), $name ) ),
				esc_html__( 'Sync catalog', 'wpwa' )
			),
			'log'  => sprintf(
				'<a href="%1$s" class="wpwa-row-log" aria-label="%2$s">%3$s</a>',
				esc_url( LogsPage::url( array( 'vendor' => (int) $item->ID ) ) ),
				/* translators: %s: vendor name. */
				esc_attr( sprintf( __( 'Activity log of %s', 'wpwa' ), $name ) ),
				esc_html__( 'View log', 'wpwa' )
			),
		);
		if ( in_array( $session['state'], array( 'starting', 'waiting_for_scan', 'connected' ), true ) ) {
			$actions['disconnect'] = sprintf(
				'<a href="%1$s" class="wpwa-row-disconnect" aria-label="%2$s">%3$s</a>',
				esc_url( VendorsPage::action_url( VendorsPage::DISCONNECT_ACTION, (int) $item->ID ) ),
				/* translators: %s: vendor name. */
				esc_attr( sprintf( __( 'Disconnect %s from WhatsApp', 'wpwa' ), $name ) ),
				esc_html__( 'Disconnect', 'wpwa' )
			);
		}
		return sprintf(
			'<strong class="wpwa-vendor-name">%1$s</strong><br /><span class="description wpwa-vendor-login">%2$s · #%3$d</span>%4$s',
			esc_html( $name ),
			esc_html( $item->user_login ),
			(int) $item->ID,
			$this->row_actions( $actions )
		);
	}

	/**
	 * Column: session state (and reason).
	 *
	 * @since 0.2.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_state( $item ) {
		$session = $this->session( $item );
		$wording = SessionStates::describe( (string) $session['state'] );
		$out     = sprintf(
			'<span class="wpwa-state wpwa-state--%1$s" data-state="%1$s">%2$s</span>',
			esc_attr( (string) $session['state'] ),
			esc_html( $wording['label'] )
		);
		if ( ! empty( $session['reason'] ) ) {
			$out .= '<br /><span class="description">' . esc_html( SessionStates::reason_message( (string) $session['reason'], $session['phone'] ) ) . '</span>';
		}
		return $out;
	}

	/**
	 * Column: phone.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_phone( $item ) {
		$session = $this->session( $item );
		return 'connected' === $session['state'] && $session['phone'] ? esc_html( (string) $session['phone'] ) : '—';
	}

	/**
	 * Column: since.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_since( $item ) {
		$session = $this->session( $item );
		if ( empty( $session['since'] ) || 'disconnected' === $session['state'] ) {
			return '—';
		}
		$since = (int) $session['since'];
		return sprintf(
			'<time datetime="%1$s">%2$s</time>',
			esc_attr( gmdate( 'c', $since ) ),
			esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $since ) )
		);
	}

	/**
	 * Column: gateway connection (model 2), as a select of the assignment form.
	 *
	 * @since 0.2.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_connection( $item ) {
		$current = (string) get_user_meta( (int) $item->ID, Gateways::ASSIGN_META, true );
		$options = array( '' => __( '— none —', 'wpwa' ) );
		$options[ Gateways::CENTRAL ] = Gateways::label( Gateways::CENTRAL );
		foreach ( Gateways::extra() as $id => $conn ) {
			$options[ $id ] = $conn['label'] . ' (' . $id . ')';
		}
		$html = sprintf(
			'<label class="screen-reader-text" for="wpwa-assign-%1$d">%2$s</label><select id="wpwa-assign-%1$d" name="wpwa_assign[%1$d]">',
			(int) $item->ID,
			/* translators: %s: vendor name. */
			esc_html( sprintf( __( 'Gateway connection of %s', 'wpwa' ), $this->name( $item ) ) )
		);
		foreach ( $options as $id => $label ) {
			$html .= sprintf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( (string) $id ), selected( $current, (string) $id, false ), esc_html( $label ) );
		}
		$html .= '</select>';
		if ( '' === $current ) {
			$html .= '<br /><span class="description">' . esc_html__( 'Not assigned: this vendor cannot connect yet.', 'wpwa' ) . '</span>';
		}
		return $html;
	}

	/**
	 * Column: the last catalog sync, when and how it ended.
	 *
	 * @since 0.5.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_sync( $item ) {
		$job = $this->overview[ (int) $item->ID ]['sync'] ?? null;
		if ( ! is_array( $job ) ) {
			return '<span class="description">' . esc_html__( 'Never synced', 'wpwa' ) . '</span>';
		}
		$job  = Sync::present( $job );
		$when = (int) ( $job['finished_at'] ?? $job['created_at'] );
		if ( 'done' === $job['state'] && 0 === (int) $job['total'] ) {
			$result = __( 'Up to date', 'wpwa' );
		} elseif ( 'done' === $job['state'] ) {
			$result = sprintf(
				/* translators: 1: items synced, 2: items rejected. */
				__( '%1$d synced, %2$d rejected', 'wpwa' ),
				(int) $job['synced'],
				(int) $job['rejected']
			);
		} elseif ( 'failed' === $job['state'] ) {
			/* translators: %s: error message. */
			$result = sprintf( __( 'Failed: %s', 'wpwa' ), (string) $job['error'] );
		} else {
			/* translators: %d: percent done. */
			$result = sprintf( __( 'Running (%d%%)', 'wpwa' ), (int) $job['percent'] );
		}
		return sprintf(
			'<span class="wpwa-sync wpwa-sync--%1$s" data-state="%1$s">%2$s</span><br /><time class="description" datetime="%3$s">%4$s</time>',
			esc_attr( (string) $job['state'] ),
			esc_html( $result ),
			esc_attr( gmdate( 'c', $when ) ),
			esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $when ) )
		);
	}

	/**
	 * Column: catalog counts (synced, rejected, pending).
	 *
	 * @since 0.5.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_catalog( $item ) {
		$connection = $this->catalogs[ (int) $item->ID ] ?? Connections::cloud( (int) $item->ID, Connections::CATALOG );
		if ( is_wp_error( $connection ) ) {
			return '<span class="description">' . esc_html__( 'No catalog connection', 'wpwa' ) . '</span>';
		}
		$summary = $this->overview[ (int) $item->ID ]['catalog'] ?? null;
		if ( ! is_array( $summary ) ) {
			return '—';
		}
		return sprintf(
			'<span class="wpwa-catalog-counts" data-synced="%1$d" data-rejected="%2$d">%3$s</span>',
			(int) $summary['synced'],
			(int) $summary['rejected'],
			esc_html(
				sprintf(
					/* translators: 1: synced products, 2: rejected products, 3: pending products. */
					__( '%1$d synced · %2$d rejected · %3$d pending', 'wpwa' ),
					(int) $summary['synced'],
					(int) $summary['rejected'] + (int) $summary['needs_attention'],
					(int) $summary['pending']
				)
			)
		);
	}

	/**
	 * Column: messages sent this month against the allowance.
	 *
	 * @since 0.5.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_messages( $item ) {
		$used = $this->overview[ (int) $item->ID ]['messages_this_month'] ?? null;
		if ( ! is_int( $used ) ) {
			return '—';
		}
		$allowance = (int) MessagesConfig::limits( (int) $item->ID )['monthly_allowance'];
		return sprintf(
			'<span class="wpwa-allowance%1$s" data-used="%2$d" data-allowance="%3$d">%4$s</span>',
			$used >= $allowance ? ' wpwa-allowance--used-up' : '',
			(int) $used,
			$allowance,
			/* translators: 1: messages sent, 2: monthly allowance. */
			esc_html( sprintf( __( '%1$d / %2$d', 'wpwa' ), (int) $used, $allowance ) )
		);
	}

	/**
	 * Column: this month's messages by pricing category and their estimated cost
	 * at the rate card, against the cost cap when there is one (every vendor's
	 * month is read in one call for the page).
	 *
	 * @since 0.15.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_cost( $item ) {
		$vendor_id = (int) $item->ID;
		$usage     = Pricing::usage_of_all( $vendor_id );
		if ( null === $usage ) {
			return '—';
		}
		$shown = Pricing::present( $usage, $vendor_id );
		$html  = sprintf(
			'<span class="wpwa-cost%1$s" data-cost-micros="%2$d">%3$s</span>',
			$shown['used_up'] ? ' wpwa-cost--used-up' : '',
			(int) ( $usage['cost_micros'] ?? 0 ),
			esc_html(
				'' !== $shown['cap']
					/* translators: 1: estimated cost this month, 2: monthly cost cap. */
					? sprintf( __( '%1$s of %2$s', 'wpwa' ), $shown['cost'], $shown['cap'] )
					: $shown['cost']
			)
		);
		if ( $shown['categories'] ) {
			$html .= '<ul class="wpwa-cost__categories">';
			foreach ( $shown['categories'] as $row ) {
				$html .= sprintf(
					'<li>%s</li>',
					esc_html(
						/* translators: 1: pricing category, 2: "3 messages", 3: their estimated cost. */
						sprintf( __( '%1$s: %2$s, %3$s', 'wpwa' ), $row['label'], $row['messages'], $row['cost'] )
					)
				);
			}
			$html .= '</ul>';
		}
		$own   = null !== VendorLimits::allowance( $vendor_id ) || null !== VendorLimits::cost_cap( $vendor_id );
		$html .= sprintf(
			'<p class="wpwa-limits"><a class="wpwa-limits__edit" href="%1$s">%2$s</a></p>',
			esc_url( VendorsPage::limits_url( $vendor_id ) ),
			esc_html( $own ? __( 'Own limits · Change', 'wpwa' ) : __( 'Site limits · Set this vendor\'s own', 'wpwa' ) )
		);
		return $html;
	}

	/**
	 * Column: how the vendor answers customers over the last 30 days (the
	 * figures of their Customer messages panel).
	 *
	 * @since 0.5.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_response( $item ) {
		$raw     = $this->overview[ (int) $item->ID ]['response'] ?? null;
		$metrics = is_array( $raw ) ? MessagesPanel::worded_metrics( $raw ) : null;
		if ( null === $metrics || 0 === $metrics['turns'] ) {
			return '<span class="description">' . esc_html__( 'No customer messages in 30 days', 'wpwa' ) . '</span>';
		}
		$lines = array();
		if ( '' !== $metrics['rate'] ) {
			/* translators: %s: a percentage such as "92%". */
			$lines[] = sprintf( __( 'Response rate %s', 'wpwa' ), $metrics['rate'] );
		}
		if ( '' !== $metrics['time'] ) {
			/* translators: %s: a duration such as "2 hours". */
			$lines[] = sprintf( __( 'Answers in %s on average', 'wpwa' ), $metrics['time'] );
		}
		/* translators: 1: customer questions, 2: questions awaiting an answer. */
		$lines[] = sprintf( _n( '%1$d question, %2$d waiting', '%1$d questions, %2$d waiting', $metrics['turns'], 'wpwa' ), $metrics['turns'], $metrics['pending'] );
		return implode( '<br />', array_map( 'esc_html', $lines ) );
	}

	/**
	 * Column: Cloud API connection (model 2), as a select of the assignment form.
	 *
	 * @since 0.5.0
	 *
	 * @param WP_User $item Vendor.
	 * @return string
	 */
	public function column_cloud( $item ) {
		$current = (string) get_user_meta( (int) $item->ID, CloudConnections::ASSIGN_META, true );
		$html    = sprintf(
			'<label class="screen-reader-text" for="wpwa-assign-cloud-%1$d">%2$s</label><select id="wpwa-assign-cloud-%1$d" name="wpwa_assign_cloud[%1$d]">',
			(int) $item->ID,
			/* translators: %s: vendor name. */
			esc_html( sprintf( __( 'Cloud API connection of %s', 'wpwa' ), $this->name( $item ) ) )
		);
		$html   .= sprintf( '<option value="">%s</option>', esc_html__( '— none —', 'wpwa' ) );
		foreach ( CloudConnections::all() as $id => $conn ) {
			$html .= sprintf( '<option value="%1$s"%2$s>%3$s</option>', esc_attr( (string) $id ), selected( $current, (string) $id, false ), esc_html( $conn['label'] . ' (' . $id . ')' ) );
		}
		$html .= '</select>';
		if ( '' === $current || null === CloudConnections::get( $current ) ) {
			$html .= '<br /><span class="description">' . esc_html__( 'Not assigned: this vendor cannot sync or message yet.', 'wpwa' ) . '</span>';
		}
		return $html;
	}
}
