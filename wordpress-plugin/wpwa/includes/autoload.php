<?php
/**
 * Class autoloader for the plugin's own classes.
 *
 * Maps `Wpwa\Plugin\Foo\BarBaz` to `includes/Foo/BarBaz.php`. The top-level
 * `Wpwa\` namespace belongs to the native extension (functions and exception
 * classes), so only the `Wpwa\Plugin\` prefix is handled here.
 *
 * @package Wpwa\Plugin
 * @since   0.1.0
 */

defined( 'ABSPATH' ) || exit;

spl_autoload_register(
	static function ( string $class_name ): void {
		$prefix = 'Wpwa\\Plugin\\';
		if ( 0 !== strncmp( $class_name, $prefix, strlen( $prefix ) ) ) {
			return;
		}

		$relative = substr( $class_name, strlen( $prefix ) );
		if ( '' === $relative || ! preg_match( '/^[A-Za-z0-9_\\\\]+$/', $relative ) ) {
			return;
		}

		$file = __DIR__ . '/' . str_replace( '\\', '/', $relative ) . '.php';
		if ( is_readable( $file ) ) {
			require_once $file;
		}
	}
);
