<?php
/**
 * The plugin's few functions: escaping helpers WordPress Coding Standards can
 * be told about (its escaping list names functions, not methods).
 *
 * @package Wpwa
 */

namespace Wpwa\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * The HTML attributes (min, max, maxlength, pattern) the core's rulebook sets
 * for a form field, each value escaped, with a leading space; '' when the
 * extension is not loaded.
 *
 * @since 0.7.0
 *
 * @param string $group Rulebook group (`settings`, `catalog`, `messages`…).
 * @param string $field Field name.
 * @return string
 */
function esc_rule_attributes( string $group, string $field ): string {
	return Rules::attributes( $group, $field );
}
