<?php
/**
 * The table of the WhatsApp → Activity log page.
 *
 * @package Wpwa\Plugin
 * @since   0.5.0
 */

namespace Wpwa\Plugin\Admin;

use WP_List_Table;
use Wpwa\Plugin\Core;
use Wpwa\Plugin\Logs;
use Wpwa\Plugin\Texts;
use Wpwa\Plugin\Vendors;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

/**
 * One row per log entry, newest first; the core filters and pages.
 *
 * @since 0.5.0
 */
final class LogsTable extends WP_List_Table {

	/**
	 * Entries per page.
	 *
	 * @since 0.5.0
	 */
	public const PER_PAGE = 50;

	/**
	 * The core filter of this request.
	 *
	 * @var array<string,int|string>
	 */
	private array $filter;

	/**
	 * Store names by vendor ID (Vendors::store_names()).
	 *
	 * @var array<int,string>
	 */
	private array $names = array();

	/**
	 * The query's error, if any.
	 *
	 * @var string
	 */
	public string $error = '';

	/**
	 * Constructor.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,int|string> $filter Core log filter.
	 */
	public function __construct( array $filter ) {
		parent::__construct(
			array(
				'singular' => 'wpwa-log-entry',
				'plural'   => 'wpwa-log-entries',
				'ajax'     => false,
			)
		);
		$this->filter = $filter;
	}

	/**
	 * Columns.
	 *
	 * @since 0.5.0
	 *
	 * @return array<string,string>
	 */
	public function get_columns() {
		return array(
			'time'    => __( 'Time', 'wpwa' ),
			'level'   => __( 'Level', 'wpwa' ),
			'kind'    => __( 'Kind', 'wpwa' ),
			'vendor'  => __( 'Vendor', 'wpwa' ),
			'message' => __( 'Message', 'wpwa' ),
		);
	}

	/**
	 * Loads the page of entries.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), array(), 'message' );
		$page                  = max( 1, $this->get_pagenum() );
		$result                = Core::log_query(
			$this->filter + array(
				'limit'  => self::PER_PAGE,
				'offset' => ( $page - 1 ) * self::PER_PAGE,
			)
		);
		if ( is_wp_error( $result ) ) {
			$this->error = $result->get_error_message();
			$result      = array(
				'total'   => 0,
				'entries' => array(),
			);
		}
		$this->items = $result['entries'];
		$total       = (int) $result['total'];
		$ids         = array_unique( array_filter( array_map( static fn( $e ) => (int) $e['vendor_id'], $this->items ) ) );
		$this->names = Vendors::store_names( $ids );
		$this->set_pagination_args(
			array(
				'total_items' => $total,
				'per_page'    => self::PER_PAGE,
				'total_pages' => (int) ceil( $total / self::PER_PAGE ),
			)
		);
	}

	/**
	 * Message when nothing matches.
	 *
	 * @since 0.5.0
	 *
	 * @return void
	 */
	public function no_items() {
		esc_html_e( 'No activity log entries match these filters.', 'wpwa' );
	}

	/**
	 * Column: time.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $item Entry.
	 * @return string
	 */
	public function column_time( $item ) {
		$at = (int) $item['created_at'];
		return sprintf(
			'<time datetime="%1$s">%2$s</time>',
			esc_attr( gmdate( 'c', $at ) ),
			esc_html( wp_date( 'Y-m-d H:i:s', $at ) )
		);
	}

	/**
	 * Column: level.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $item Entry.
	 * @return string
	 */
	public function column_level( $item ) {
		$level = (string) $item['level'];
		return sprintf( '<span class="wpwa-level wpwa-level--%1$s">%2$s</span>', esc_attr( $level ), esc_html( $level ) );
	}

	/**
	 * Column: kind.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $item Entry.
	 * @return string
	 */
	public function column_kind( $item ) {
		return '<code>' . esc_html( (string) $item['kind'] ) . '</code>';
	}

	/**
	 * Column: vendor (a link filtering on them).
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $item Entry.
	 * @return string
	 */
	public function column_vendor( $item ) {
		$id = (int) $item['vendor_id'];
		if ( 0 === $id ) {
			return '<span class="description">' . esc_html__( 'Site', 'wpwa' ) . '</span>';
		}
		return sprintf(
			'<a href="%1$s">%2$s</a>',
			esc_url( LogsPage::url( array( 'vendor' => $id ) ) ),
			esc_html( $this->names[ $id ] ?? '#' . $id )
		);
	}

	/**
	 * Column: message, with the context folded below.
	 *
	 * @since 0.5.0
	 *
	 * @param array<string,mixed> $item Entry.
	 * @return string
	 */
	public function column_message( $item ) {
		$out     = '<span class="wpwa-log-message">' . esc_html( Texts::log_message( $item ) ) . '</span>';
		$context = is_array( $item['context'] ) ? $item['context'] : array();
		if ( $context ) {
			$out .= sprintf(
				'<details class="wpwa-log-context"><summary>%1$s</summary><pre>%2$s</pre></details>',
				esc_html__( 'Details', 'wpwa' ),
				esc_html( (string) wp_json_encode( $context, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) )
			);
		}
		return $out;
	}
}
