<?php
/**
 * Every class of the plugin loads: what `php -l` cannot see (a method that
 * does not match its parent's, a missing interface method) is a fatal error
 * on the first request that touches the class.
 *
 * @package Wpwa\Plugin\Tests
 */

use PHPUnit\Framework\TestCase;

/**
 * Loads each file of includes/ through the plugin's autoloader.
 */
final class ClassesLoadTest extends TestCase {

	/**
	 * Classes whose parent is not part of the files the bootstrap loads
	 * (wp-admin's list table): loaded after that parent.
	 *
	 * @var array<string,string>
	 */
	private const PARENT_FILES = array(
		'Wpwa\\Plugin\\Admin\\VendorsTable' => 'wp-admin/includes/class-wp-list-table.php',
		'Wpwa\\Plugin\\Admin\\LogsTable'    => 'wp-admin/includes/class-wp-list-table.php',
	);

	/**
	 * Class names by file, from the autoloader's mapping (includes/Foo/Bar.php => Wpwa\Plugin\Foo\Bar); includes/functions.php and includes/api.php hold functions, not a class.
	 *
	 * @return array<string,array{0:string}>
	 */
	public function classes(): array {
		$root  = dirname( __DIR__, 2 ) . '/wpwa/includes';
		$files = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $root, FilesystemIterator::SKIP_DOTS ) );
		$found = array();
		foreach ( $files as $file ) {
			$relative = substr( (string) $file, strlen( $root ) + 1 );
			if ( ! str_ends_with( $relative, '.php' ) || in_array( basename( $relative ), array( 'index.php', 'autoload.php' ), true ) || in_array( $relative, array( 'functions.php', 'api.php' ), true ) ) {
				continue;
			}
			$class              = 'Wpwa\\Plugin\\' . str_replace( '/', '\\', substr( $relative, 0, -4 ) );
			$found[ $relative ] = array( $class );
		}
		ksort( $found );
		return $found;
	}

	/**
	 * The class (or interface, or trait) the file is named after exists once its file loads.
	 *
	 * @dataProvider classes
	 *
	 * @param string $class_name Class the file should define.
	 * @return void
	 */
	public function test_class_loads( string $class_name ): void {
		if ( isset( self::PARENT_FILES[ $class_name ] ) ) {
			require_once ABSPATH . self::PARENT_FILES[ $class_name ];
		}
		$this->assertTrue(
			class_exists( $class_name ) || interface_exists( $class_name ) || trait_exists( $class_name ),
			"$class_name is not defined by its file"
		);
	}
}
