<?php
/**
 * Bootstrap for the extension's PHP-level tests: the extension must be loaded, and each
 * run gets a private store directory.
 */

declare(strict_types=1);

if (!extension_loaded('wpwa')) {
    fwrite(STDERR, "The wpwa extension is not loaded. Run: php -d extension=/path/to/libwpwa.so /usr/bin/phpunit -c php/phpunit.xml.dist\n");
    exit(1);
}

require __DIR__ . '/WpwaTestCase.php';

$dir = sys_get_temp_dir() . '/wpwa-phpunit-' . getmypid();
if (!is_dir($dir)) {
    mkdir($dir, 0700, true);
}
define('WPWA_TEST_STORE', $dir . '/wpwa.sqlite');
register_shutdown_function(static function () use ($dir): void {
    foreach (glob($dir . '/*') ?: [] as $file) {
        unlink($file);
    }
    rmdir($dir);
});
\Wpwa\store_open(WPWA_TEST_STORE);
