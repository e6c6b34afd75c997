# shellcheck shell=bash
# Builds the extension and the sandbox through scripts/build (one definition
# of the cargo invocations, shared with developers running it by hand).
# WPWA_SKIP_BUILD=1 uses whatever target/release holds (scripts/test sets it
# for the demo smoke, having just built).

build_all() {
    if [ "${WPWA_SKIP_BUILD:-0}" = 1 ]; then
        log "WPWA_SKIP_BUILD=1: using the existing build in target/release"
        [ -f "$WPWA_EXT_SO" ] || log "warning: $WPWA_EXT_SO missing"
        [ -x "$WPWA_SANDBOX_BIN" ] || log "warning: $WPWA_SANDBOX_BIN missing"
        return 0
    fi
    [ -f "$WPWA_ROOT/Cargo.toml" ] || die "no Cargo.toml in $WPWA_ROOT"
    log "building the extension and the sandbox (cargo --release; incremental in target/)"
    "$WPWA_ROOT/scripts/build"
    [ -f "$WPWA_EXT_SO" ] || die "build did not produce $WPWA_EXT_SO"
    [ -x "$WPWA_SANDBOX_BIN" ] || die "build did not produce $WPWA_SANDBOX_BIN"
}
