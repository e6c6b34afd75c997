<?php
/**
 * Just enough of WordPress for the plugin's store classes (StoreConfig,
 * StoreMove, Core, DataDir) to run in a plain PHP process: options in an
 * array (site options are the same options, as on a single site), filters
 * from $GLOBALS['wpwa_shim_filters'], actions recorded in
 * $GLOBALS['wpwa_shim_actions'], WP-Cron events in $GLOBALS['wpwa_shim_scheduled'],
 * translations as the English words.
 * Loaded by StoreConfigTest's isolated processes, never by WordPress.
 */

declare(strict_types=1);

define('ABSPATH', sys_get_temp_dir() . '/wpwa-shim-www/');
define('MINUTE_IN_SECONDS', 60);
define('HOUR_IN_SECONDS', 3600);
define('DAY_IN_SECONDS', 86400);
define('WEEK_IN_SECONDS', 604800);

$GLOBALS['wpwa_shim_options'] = $GLOBALS['wpwa_shim_options'] ?? [];
$GLOBALS['wpwa_shim_filters'] = $GLOBALS['wpwa_shim_filters'] ?? [];
$GLOBALS['wpwa_shim_actions'] = [];
$GLOBALS['wpdb'] = (object) ['base_prefix' => 'wp_'];

class WP_Error
{
    /** @var array<string,array<int,string>> */
    public array $errors = [];
    /** @var array<string,mixed> */
    public array $error_data = [];

    public function __construct(string $code = '', string $message = '', $data = '')
    {
        if ($code !== '') {
            $this->errors[$code][] = $message;
            $this->error_data[$code] = $data;
        }
    }

    public function get_error_code(): string
    {
        return (string) array_key_first($this->errors);
    }

    public function get_error_message(): string
    {
        return $this->errors[$this->get_error_code()][0] ?? '';
    }

    public function get_error_data()
    {
        return $this->error_data[$this->get_error_code()] ?? null;
    }
}

function is_wp_error($thing): bool
{
    return $thing instanceof WP_Error;
}

function get_option(string $name, $default = false)
{
    return array_key_exists($name, $GLOBALS['wpwa_shim_options']) ? $GLOBALS['wpwa_shim_options'][$name] : $default;
}

function update_option(string $name, $value): bool
{
    $GLOBALS['wpwa_shim_options'][$name] = $value;
    return true;
}

function delete_option(string $name): bool
{
    unset($GLOBALS['wpwa_shim_options'][$name]);
    return true;
}

function get_site_option(string $name, $default = false)
{
    return get_option($name, $default);
}

function update_site_option(string $name, $value): bool
{
    return update_option($name, $value);
}

function delete_site_option(string $name): bool
{
    return delete_option($name);
}

function apply_filters(string $hook, $value, ...$args)
{
    return array_key_exists($hook, $GLOBALS['wpwa_shim_filters']) ? $GLOBALS['wpwa_shim_filters'][$hook] : $value;
}

function do_action(string $hook, ...$args): void
{
    $GLOBALS['wpwa_shim_actions'][] = [$hook, $args];
}

function __(string $text, string $domain = 'default'): string
{
    return $text;
}

function _n(string $single, string $plural, int $number, string $domain = 'default'): string
{
    return $number === 1 ? $single : $plural;
}

function number_format_i18n($number): string
{
    return number_format((float) $number);
}

function wp_schedule_single_event(int $timestamp, string $hook, array $args = []): bool
{
    $GLOBALS['wpwa_shim_scheduled'][] = [$hook, $args, $timestamp - time()];
    return true;
}

function get_current_user_id(): int
{
    return 1;
}

function is_multisite(): bool
{
    return false;
}

function wp_raise_memory_limit(string $context = 'admin')
{
    return false;
}

function untrailingslashit(string $path): string
{
    return rtrim($path, '/\\');
}

function trailingslashit(string $path): string
{
    return untrailingslashit($path) . '/';
}

function wp_normalize_path(string $path): string
{
    return str_replace('\\', '/', $path);
}

function wp_mkdir_p(string $dir): bool
{
    return is_dir($dir) || mkdir($dir, 0700, true);
}

function wp_is_writable(string $path): bool
{
    return is_writable($path);
}

/** Runs `$code` with the plugin's classes loaded; prints `@@` and the JSON of what it returns. */
function wpwa_shim_run(callable $code): void
{
    require_once dirname(__DIR__, 2) . '/wordpress-plugin/wpwa/includes/autoload.php';
    $out = $code();
    echo "\n@@" . json_encode($out);
}
