# shellcheck shell=bash
# Shared helpers for scripts/demo, scripts/test and scripts/bench-fpm-rss.
# Sourced, never executed: callers set `set -euo pipefail` themselves.
# shellcheck disable=SC2034 # the variables are used by the sourcing scripts

WPWA_ROOT="${WPWA_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
WPWA_EXT_SO="$WPWA_ROOT/target/release/libwpwa.so"
WPWA_SANDBOX_BIN="$WPWA_ROOT/target/release/wpwa-sandbox"
# The unpacked WordPress lives outside the repo so clones and reruns share it.
WPWA_CACHE_DIR="${WPWA_CACHE_DIR:-/var/cache/wpwa}"
WPWA_WP_VERSION_SERIES="6.8"
WPWA_WP_DIR="$WPWA_CACHE_DIR/wordpress-$WPWA_WP_VERSION_SERIES"
WPWA_PHP_FPM_BIN="${WPWA_PHP_FPM_BIN:-/usr/sbin/php-fpm8.2}"
# Web server and PHP workers run unprivileged, as users deploy them.
WPWA_WEB_USER="${WPWA_WEB_USER:-www-data}"

export DEBIAN_FRONTEND=noninteractive

log() { printf '[wpwa %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[wpwa] error: %s\n' "$*" >&2; exit 1; }

require_root() {
    [ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts services)"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_port() {
    local port=$1 secs=${2:-30} i
    for ((i = 0; i < secs * 10; i++)); do
        port_open "$port" && return 0
        sleep 0.1
    done
    return 1
}

wait_port_free() {
    local port=$1 secs=${2:-15} i
    for ((i = 0; i < secs * 10; i++)); do
        port_open "$port" || return 0
        sleep 0.1
    done
    return 1
}

# Stops the process named in a pid file and waits for it to go, so the next
# start can bind the same port. $2 is the polite signal for that daemon.
stop_pidfile() {
    local pidfile=$1 sig=${2:-TERM} pid i
    [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "-$sig" "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "pid $pid ($pidfile) ignored SIG$sig; sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

random_secret() {
    # Alphanumeric so it survives shell, SQL and PHP quoting untouched.
    LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "${1:-24}" || true
}

# Renders a template, replacing @KEY@ for each KEY=VALUE argument. sed rather
# than envsubst because gettext-base is not guaranteed on a minimal system.
render_template() {
    local src=$1 dst=$2 expr=() kv key val
    shift 2
    for kv in "$@"; do
        key=${kv%%=*}
        val=${kv#*=}
        val=${val//\\/\\\\}
        val=${val//|/\\|}
        val=${val//&/\\&}
        expr+=(-e "s|@${key}@|${val}|g")
    done
    sed "${expr[@]}" "$src" >"$dst.tmp"
    if grep -q '@[A-Z_][A-Z_]*@' "$dst.tmp"; then
        grep -n '@[A-Z_][A-Z_]*@' "$dst.tmp" >&2
        die "unrendered placeholder in $dst"
    fi
    mv "$dst.tmp" "$dst"
}

# Whether the web user can read a path (a repo under /root is not readable).
web_user_can_read() {
    runuser -u "$WPWA_WEB_USER" -- test -r "$1/wpwa.php" 2>/dev/null
}
