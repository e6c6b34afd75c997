<?php
/**
 * Constants wpwa.php defines at run time, for PHPStan (phpstan.neon.dist's
 * bootstrapFiles); the values are of the right type, not the real ones.
 *
 * @package Wpwa\Plugin\Tests
 */

define( 'WPWA_PLUGIN_VERSION', '0.0.0' );
define( 'WPWA_PLUGIN_FILE', __DIR__ . '/../wpwa/wpwa.php' );
define( 'WPWA_PLUGIN_DIR', __DIR__ . '/../wpwa/' );
define( 'WPWA_PLUGIN_URL', 'https://example.org/wp-content/plugins/wpwa/' );
define( 'WPWA_PLUGIN_BASENAME', 'wpwa/wpwa.php' );
define( 'WPWA_MIN_PHP', '8.2' );
