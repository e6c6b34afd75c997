# shellcheck shell=bash
# The local WhatsApp sandbox (target/release/wpwa-sandbox) for a site.
# Callers set SITE_STATE and SANDBOX_PORT.

sandbox_start() {
    stop_pidfile "$SITE_STATE/run/sandbox.pid" TERM
    if [ ! -x "$WPWA_SANDBOX_BIN" ]; then
        log "warning: $WPWA_SANDBOX_BIN not built; no sandbox"
        return 1
    fi
    port_open "$SANDBOX_PORT" && die "127.0.0.1:$SANDBOX_PORT is already in use"
    # setsid: a Ctrl-C in the terminal reaches the demo script, which then
    # stops the sandbox itself, in order.
    setsid "$WPWA_SANDBOX_BIN" --listen "127.0.0.1:$SANDBOX_PORT" \
        >"$SITE_STATE/log/sandbox.log" 2>&1 </dev/null &
    echo $! >"$SITE_STATE/run/sandbox.pid"
    local i
    for ((i = 0; i < 100; i++)); do
        if curl -fsS --max-time 1 "http://127.0.0.1:$SANDBOX_PORT/health" >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$(cat "$SITE_STATE/run/sandbox.pid")" 2>/dev/null || break
        sleep 0.1
    done
    cat "$SITE_STATE/log/sandbox.log" >&2 || true
    die "sandbox did not answer /health on 127.0.0.1:$SANDBOX_PORT"
}

sandbox_stop() {
    stop_pidfile "$SITE_STATE/run/sandbox.pid" TERM
}
