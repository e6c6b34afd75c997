<?php
/**
 * The table of the WhatsApp → Templates page.
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

namespace Wpwa\Plugin\Admin;

use WP_List_Table;
use Wpwa\Plugin\Messages\Templates;

defined( 'ABSPATH' ) || exit;

if ( ! class_exists( 'WP_List_Table' ) ) {
	require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
}

/**
 * One row per template and language, as the core keeps them.
 *
 * @since 0.7.0
 */
final class TemplatesTable extends WP_List_Table {

	/**
	 * Uses of templates (Templates::usages()).
	 *
	 * @var array<int,array{name:string,language:string,label:string}>
	 */
	private array $usages = array();

	/**
	 * The core's error, if any.
	 *
	 * @var string
	 */
	public string $error = '';

	/**
	 * Constructor.
	 *
	 * @since 0.7.0
	 */
	public function __construct() {
		parent::__construct(
			array(
				'singular' => 'wpwa-template',
				'plural'   => 'wpwa-templates',
				'ajax'     => false,
			)
		);
	}

	/**
	 * Columns.
	 *
	 * @since 0.7.0
	 *
	 * @return array<string,string>
	 */
	public function get_columns() {
		return array(
			'name'       => __( 'Name', 'wpwa' ),
			'language'   => __( 'Language', 'wpwa' ),
			'category'   => __( 'Category', 'wpwa' ),
			'status'     => __( 'Status', 'wpwa' ),
			'parameters' => __( 'Parameters', 'wpwa' ),
			'used_by'    => __( 'Used by', 'wpwa' ),
			'refreshed'  => __( 'Last refreshed', 'wpwa' ),
			'account'    => __( 'Account', 'wpwa' ),
		);
	}

	/**
	 * Loads the templates.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public function prepare_items() {
		$this->_column_headers = array( $this->get_columns(), array(), array(), 'name' );
		$templates             = Templates::all();
		if ( is_wp_error( $templates ) ) {
			$this->error = $templates->get_error_message();
			$templates   = array();
		}
		$this->items  = $templates;
		$this->usages = Templates::usages();
	}

	/**
	 * Message when there are none.
	 *
	 * @since 0.7.0
	 *
	 * @return void
	 */
	public function no_items() {
		esc_html_e( 'No templates yet: use "Refresh now" to read them from WhatsApp.', 'wpwa' );
	}

	/**
	 * Row attributes: the template's name and language, for finding it.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return void
	 */
	public function single_row( $item ) {
		printf(
			'<tr data-template="%1$s" data-language="%2$s" data-waba="%3$s" class="%4$s">',
			esc_attr( (string) $item['name'] ),
			esc_attr( (string) $item['language'] ),
			esc_attr( (string) $item['waba_id'] ),
			esc_attr( ! empty( $item['flagged'] ) ? 'wpwa-template-flagged' : '' )
		);
		$this->single_row_columns( $item );
		echo '</tr>';
	}

	/**
	 * Column: name.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	public function column_name( $item ) {
		return '<strong><code>' . esc_html( (string) $item['name'] ) . '</code></strong>';
	}

	/**
	 * Column: category, with the change WhatsApp made.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	public function column_category( $item ) {
		$out = '<span class="wpwa-template-category">' . esc_html( (string) $item['category'] ) . '</span>';
		if ( ! empty( $item['flagged'] ) && null !== $item['previous_category'] && $item['previous_category'] !== $item['category'] ) {
			$out .= '<br /><span class="wpwa-template-flag wpwa-template-category-changed">' . esc_html(
				sprintf(
					/* translators: 1: previous category, 2: date. */
					__( 'Changed by WhatsApp from %1$s on %2$s', 'wpwa' ),
					(string) $item['previous_category'],
					wp_date( get_option( 'date_format' ), (int) $item['category_changed_at'] )
				)
			) . '</span>';
		}
		return $out . $this->acknowledge_link( $item );
	}

	/**
	 * Column: status, with the change WhatsApp made.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	public function column_status( $item ) {
		$out = '<span class="wpwa-template-status">' . esc_html( (string) $item['status'] ) . '</span>';
		if ( ! empty( $item['flagged'] ) && null !== $item['previous_status'] && $item['previous_status'] !== $item['status'] ) {
			$out .= '<br /><span class="wpwa-template-flag wpwa-template-status-changed">' . esc_html(
				sprintf(
					/* translators: %s: previous status. */
					__( 'Was %s', 'wpwa' ),
					(string) $item['previous_status']
				)
			) . '</span>';
		}
		return $out;
	}

	/**
	 * Column: parameters.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	public function column_parameters( $item ) {
		return esc_html( number_format_i18n( (int) $item['parameter_count'] ) );
	}

	/**
	 * Column: where the site uses it.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	public function column_used_by( $item ) {
		$labels = Templates::used_by( $item, $this->usages );
		return array() === $labels ? '—' : implode( '<br />', array_map( 'esc_html', $labels ) );
	}

	/**
	 * Column: when it was last read.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	public function column_refreshed( $item ) {
		return esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) $item['refreshed_at'] ) );
	}

	/**
	 * Column: the WhatsApp Business account.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	public function column_account( $item ) {
		return '<code>' . esc_html( (string) $item['waba_id'] ) . '</code>';
	}

	/**
	 * Other columns.
	 *
	 * @since 0.7.0
	 *
	 * @param array<string,mixed> $item        Template.
	 * @param string              $column_name Column.
	 * @return string
	 */
	public function column_default( $item, $column_name ) {
		return esc_html( (string) ( $item[ $column_name ] ?? '' ) );
	}

	/**
	 * The "Acknowledge" link of a flagged template.
	 *
	 * @param array<string,mixed> $item Template.
	 * @return string
	 */
	private function acknowledge_link( array $item ): string {
		if ( empty( $item['flagged'] ) ) {
			return '';
		}
		return '<br /><a class="wpwa-template-acknowledge" href="' . esc_url( TemplatesPage::acknowledge_url( $item ) ) . '">' . esc_html__( 'Acknowledge', 'wpwa' ) . '</a>';
	}
}
