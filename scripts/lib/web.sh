# shellcheck shell=bash
# Our own nginx and php-fpm per site: configs rendered from tests/wordpress/
# templates into the site's state directory, started with explicit config,
# prefix, pid and log paths, so nothing of the system's services is used or
# changed and several sites (demo, test, bench) can run side by side.
#
# Callers set: SITE_STATE, SITE_DOCROOT, SITE_PORT. Optional: FPM_PM,
# FPM_MAX_CHILDREN, FPM_MAX_REQUESTS, FPM_DISPLAY_ERRORS, SITE_CANONICAL_HOST
# (Host that PHP sees; default 127.0.0.1:SITE_PORT), SITE_NGINX_EXTRA (more
# directives for the server block, on one line).

web_prepare_dirs() {
    mkdir -p "$SITE_STATE/run" "$SITE_STATE/log" "$SITE_STATE/tmp" "$SITE_STATE/conf"
    # Workers (www-data) write the PHP error log; nginx's master (root) opens
    # its logs before dropping privileges.
    touch "$SITE_STATE/log/php-error.log"
    chown "$WPWA_WEB_USER:$WPWA_WEB_USER" "$SITE_STATE/log/php-error.log"
    # nginx and php-fpm (running as www-data) must reach the socket directory.
    chmod 755 "$SITE_STATE" "$SITE_STATE/run"
}

web_render() {
    web_prepare_dirs
    local tpl="$WPWA_ROOT/tests/wordpress"
    local children=${FPM_MAX_CHILDREN:-4}
    local start=1
    [ "${FPM_PM:-dynamic}" = static ] && start=$children
    render_template "$tpl/php-fpm.conf.in" "$SITE_STATE/conf/php-fpm.conf" \
        STATE="$SITE_STATE" WEB_USER="$WPWA_WEB_USER" FPM_SOCKET="$SITE_STATE/run/php-fpm.sock" \
        PM="${FPM_PM:-dynamic}" MAX_CHILDREN="$children" START_SERVERS="$start" \
        MAX_REQUESTS="${FPM_MAX_REQUESTS:-500}" DISPLAY_ERRORS="${FPM_DISPLAY_ERRORS:-Off}"
    render_template "$tpl/nginx.conf.in" "$SITE_STATE/conf/nginx.conf" \
        STATE="$SITE_STATE" WEB_USER="$WPWA_WEB_USER" PORT="$SITE_PORT" \
        DOCROOT="$SITE_DOCROOT" FPM_SOCKET="$SITE_STATE/run/php-fpm.sock" \
        CANONICAL_HOST="${SITE_CANONICAL_HOST:-127.0.0.1:$SITE_PORT}" SERVER_EXTRA="${SITE_NGINX_EXTRA:-}"
}

# php-fpm for the site; $1 = "with-ext" (default) or "no-ext". The extension
# is loaded by the master before it forks workers, as in production.
fpm_start() {
    local mode=${1:-with-ext} args=()
    args=(-y "$SITE_STATE/conf/php-fpm.conf" -p "$SITE_STATE")
    if [ "$mode" = with-ext ]; then
        if [ -f "$WPWA_EXT_SO" ]; then
            args+=(-d "extension=$WPWA_EXT_SO")
        else
            log "warning: $WPWA_EXT_SO not built; php-fpm runs without the extension"
        fi
    fi
    stop_pidfile "$SITE_STATE/run/php-fpm.pid" TERM
    rm -f "$SITE_STATE/run/php-fpm.sock"
    "$WPWA_PHP_FPM_BIN" -t "${args[@]}" >"$SITE_STATE/log/php-fpm-test.log" 2>&1 ||
        { cat "$SITE_STATE/log/php-fpm-test.log" >&2; die "php-fpm config test failed"; }
    "$WPWA_PHP_FPM_BIN" "${args[@]}"
    local i
    for ((i = 0; i < 100; i++)); do
        [ -S "$SITE_STATE/run/php-fpm.sock" ] && return 0
        sleep 0.1
    done
    tail -n 20 "$SITE_STATE/log/php-fpm.log" >&2 || true
    die "php-fpm did not create its socket"
}

fpm_stop() {
    stop_pidfile "$SITE_STATE/run/php-fpm.pid" TERM
    rm -f "$SITE_STATE/run/php-fpm.sock"
}

nginx_start() {
    local args=(-c "$SITE_STATE/conf/nginx.conf" -p "$SITE_STATE/" -e "$SITE_STATE/log/nginx-error.log")
    stop_pidfile "$SITE_STATE/run/nginx.pid" TERM
    port_open "$SITE_PORT" && die "127.0.0.1:$SITE_PORT is already in use (another demo or test running?)"
    nginx -t -q "${args[@]}" || die "nginx config test failed"
    nginx "${args[@]}"
    wait_port "$SITE_PORT" 20 || die "nginx did not listen on 127.0.0.1:$SITE_PORT"
}

# TERM, not QUIT: a graceful quit waits for idle keep-alive connections
# (a browser's) for as long as they stay open.
nginx_stop() {
    stop_pidfile "$SITE_STATE/run/nginx.pid" TERM
}

web_start() {
    web_render
    fpm_start "${1:-with-ext}"
    nginx_start
}

# Both at once: each takes a second or two to drain its workers.
# (wait on these two only: a caller may have other children, e.g. the sandbox.)
web_stop() {
    local a b
    nginx_stop &
    a=$!
    fpm_stop &
    b=$!
    wait "$a" "$b" || true
}
