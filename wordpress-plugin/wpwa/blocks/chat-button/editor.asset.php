<?php
/**
 * Dependencies of the chat button block's editor script (no build step).
 *
 * @package Wpwa\Plugin
 * @since   0.7.0
 */

defined( 'ABSPATH' ) || exit;

return array(
	'dependencies' => array( 'wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-i18n', 'wp-server-side-render' ),
	'version'      => '0.7.0',
);
