# shellcheck shell=bash
# One WordPress site (demo or test): docroot, wp-config.php, plugin, mu-plugins,
# install and seed. Callers set:
#   SITE_STATE     state dir (docroot, data dir, configs, logs, secrets inside)
#   SITE_PORT      nginx port on 127.0.0.1
#   SANDBOX_PORT   sandbox port on 127.0.0.1
#   DB_NAME DB_USER
#   SITE_TITLE     blog name
#   SITE_KIND      demo | test   (test: test-only mu-plugins, PHP errors shown in pages)
#   WPWA_MARKETPLACE  wcfm (default) | dokan | multivendorx | wcvendors
# Optional: SITE_PUBLIC_URL (the URL visitors use, e.g. a load balancer's;
# default http://127.0.0.1:SITE_PORT), SITE_DB_HOST (DB_HOST; default
# localhost, the socket), SITE_EXTRA_DEFINES (PHP for wp-config.php, one line).
# and get SITE_DOCROOT, SITE_URL, SITE_JSON and the passwords in SITE_* vars.

site_vars() {
    SITE_DOCROOT="$SITE_STATE/www"
    SITE_URL="${SITE_PUBLIC_URL:-http://127.0.0.1:$SITE_PORT}"
    SITE_JSON="$SITE_STATE/site.json"
    # The plugin's default data dir is dirname(ABSPATH)/wpwa-data: outside the
    # docroot, beside it.
    SITE_DATA_DIR="$SITE_STATE/wpwa-data"
}

# Passwords and salts are made once per state dir and reused, so a demo rerun
# keeps its logins and sessions.
site_secrets() {
    local f="$SITE_STATE/secrets.env" i
    if [ ! -s "$f" ]; then
        umask 077
        {
            echo "DB_PASSWORD=$(random_secret 24)"
            echo "ADMIN_PASSWORD=$(random_secret 16)"
            echo "VENDOR_A_PASSWORD=$(random_secret 16)"
            echo "VENDOR_B_PASSWORD=$(random_secret 16)"
            echo "CUSTOMER_PASSWORD=$(random_secret 16)"
            echo "TEST_TOKEN=$(random_secret 32)"
            for i in 1 2 3 4 5 6 7 8; do echo "SALT$i=$(random_secret 64)"; done
        } >"$f.tmp"
        mv "$f.tmp" "$f"
        umask 022
    fi
    # shellcheck disable=SC1090
    . "$f"
}

site_plugin_source() {
    printf '%s\n' "$WPWA_ROOT/wordpress-plugin/wpwa"
}

# Puts the plugin into wp-content/plugins: a symlink so edits show up live,
# unless php-fpm's user cannot read the checkout (e.g. a clone under /root),
# in which case a copy.
site_link_plugin() {
    local src dst
    src=$(site_plugin_source)
    dst="$SITE_DOCROOT/wp-content/plugins/wpwa"
    rm -rf "$dst"
    if [ ! -f "$src/wpwa.php" ]; then
        log "warning: $src/wpwa.php not there yet; site runs without the plugin"
        return 0
    fi
    if web_user_can_read "$src"; then
        ln -s "$src" "$dst"
    else
        log "$WPWA_WEB_USER cannot read $src; copying the plugin instead of linking"
        cp -a "$src" "$dst"
        chown -R root:root "$dst"
        chmod -R a+rX "$dst"
    fi
}

site_install_mu_plugins() {
    local mu="$SITE_DOCROOT/wp-content/mu-plugins"
    rm -rf "$mu"
    mkdir -p "$mu"
    cp "$WPWA_ROOT"/tests/wordpress/mu-plugins/*.php "$mu/"
    if [ "$SITE_KIND" = test ]; then
        cp "$WPWA_ROOT"/tests/wordpress/test-mu-plugins/*.php "$mu/"
    fi
    chmod -R a+rX "$mu"
}

site_write_config() {
    local display=false extra=""
    if [ "$SITE_KIND" = test ]; then
        display=true
        extra="define( 'WPWA_TEST_TOKEN', '$TEST_TOKEN' ); define( 'DISABLE_WP_CRON', true );"
    fi
    extra+="${SITE_EXTRA_DEFINES:+ $SITE_EXTRA_DEFINES}"
    render_template "$WPWA_ROOT/tests/wordpress/wp-config.php.in" "$SITE_DOCROOT/wp-config.php" \
        DB_NAME="$DB_NAME" DB_USER="$DB_USER" DB_PASSWORD="$DB_PASSWORD" DB_HOST="${SITE_DB_HOST:-localhost}" \
        SALT1="$SALT1" SALT2="$SALT2" SALT3="$SALT3" SALT4="$SALT4" \
        SALT5="$SALT5" SALT6="$SALT6" SALT7="$SALT7" SALT8="$SALT8" \
        SITE_URL="$SITE_URL" ENVIRONMENT="$([ "$SITE_KIND" = test ] && echo development || echo local)" \
        DEBUG_DISPLAY="$display" EXTRA_DEFINES="$extra"
    # Readable by php-fpm's user only: it holds the database password.
    chown "root:$WPWA_WEB_USER" "$SITE_DOCROOT/wp-config.php"
    chmod 640 "$SITE_DOCROOT/wp-config.php"
}

# Docroot from the cached WordPress; kept across demo reruns (uploads live
# there), always refreshed for plugin link, mu-plugins and wp-config.
site_prepare() {
    site_vars
    mkdir -p "$SITE_STATE"
    chmod 755 "$SITE_STATE"
    site_secrets
    web_prepare_dirs
    if [ ! -f "$SITE_DOCROOT/wp-settings.php" ]; then
        log "creating docroot $SITE_DOCROOT"
        rm -rf "$SITE_DOCROOT"
        cp -a "$WPWA_WP_DIR" "$SITE_DOCROOT"
        rm -f "$SITE_DOCROOT/.wpwa-complete"
    fi
    mkdir -p "$SITE_DOCROOT/wp-content/uploads" "$SITE_DOCROOT/wp-content/plugins"
    plugins_fetch
    plugins_install
    site_link_plugin
    site_install_mu_plugins
    site_write_config
    install -d -o "$WPWA_WEB_USER" -g "$WPWA_WEB_USER" -m 750 "$SITE_DATA_DIR"
    chown -R "$WPWA_WEB_USER:$WPWA_WEB_USER" "$SITE_DOCROOT/wp-content/uploads/"
}

# Runs one of the CLI scripts in tests/wordpress against the site, with the
# extension loaded when it is built (so plugin activation sees what php-fpm
# will see). Usage: site_php SCRIPT [NAME=VALUE (environment) | ARG (script)]...
# SITE_PHP_OPCACHE=1 compiles the scripts into OPcache as php-fpm does, so that
# the PHP heap holds what a worker's would (measurements of memory).
site_php() {
    local script=$1 ext=() envs=() args=() a
    shift
    for a in "$@"; do
        case "$a" in [A-Z]*=*) envs+=("$a") ;; *) args+=("$a") ;; esac
    done
    [ -f "$WPWA_EXT_SO" ] && [ "${SITE_PHP_EXT:-1}" = 1 ] && ext=(-d "extension=$WPWA_EXT_SO")
    [ "${SITE_PHP_OPCACHE:-0}" = 1 ] && ext+=(-d opcache.enable_cli=1)
    env WPWA_DOCROOT="$SITE_DOCROOT" WPWA_SITE_URL="$SITE_URL" \
        WPWA_SITE_TITLE="$SITE_TITLE" WPWA_ADMIN_USER=admin \
        WPWA_ADMIN_PASSWORD="$ADMIN_PASSWORD" WPWA_ADMIN_EMAIL="admin@example.test" \
        WPWA_VENDOR_A_PASSWORD="$VENDOR_A_PASSWORD" WPWA_VENDOR_B_PASSWORD="$VENDOR_B_PASSWORD" \
        WPWA_CUSTOMER_PASSWORD="$CUSTOMER_PASSWORD" \
        WPWA_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
        WPWA_MARKETPLACE="${WPWA_MARKETPLACE:-wcfm}" \
        "${envs[@]}" php "${ext[@]}" -d display_errors=0 -d log_errors=1 -d error_log= \
        "$WPWA_ROOT/tests/wordpress/$script" "${args[@]}"
    # Whatever the CLI (root) wrote must stay writable for php-fpm's user.
    chown -R "$WPWA_WEB_USER:$WPWA_WEB_USER" "$SITE_DOCROOT/wp-content/uploads/" "$SITE_DATA_DIR"
}

site_install() {
    log "installing WordPress at $SITE_URL"
    site_php install.php
    # Each stage in its own process: what follows an activation runs with
    # the plugin loaded by WordPress, as on the next page load.
    log "activating WooCommerce (its own installer)"
    site_php store.php activate
    log "configuring the store; marketplace ${WPWA_MARKETPLACE:-wcfm}"
    site_php store.php configure
}

site_seed() {
    log "seeding users, products and pages"
    local extra=()
    [ "$SITE_KIND" = test ] && extra=(WPWA_SEED_TEST_PAGES=1)
    [ "${SITE_REQUIRE_PLUGIN:-0}" = 1 ] && extra+=(WPWA_SEED_REQUIRE_PLUGIN=1)
    site_php seed.php WPWA_SEED_OUT="$SITE_JSON" "${extra[@]}"
}

# Reads a value from the seed summary: site_json '.vendors[0].login' style
# paths are overkill here; PHP is at hand and always installed.
site_json() {
    # shellcheck disable=SC2016 # PHP code, expanded by PHP
    php -r '$d = json_decode(file_get_contents($argv[1]), true);
        foreach (explode(".", $argv[2]) as $k) { $d = is_array($d) && array_key_exists($k, $d) ? $d[$k] : null; }
        echo is_scalar($d) ? $d : json_encode($d);' "$SITE_JSON" "$1"
}
