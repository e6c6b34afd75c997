# shellcheck shell=bash
# Installs the Debian 12 packages the demo and the tests need, asking apt only
# for what is missing so a rerun costs nothing and never touches the network.

WPWA_DEB_PACKAGES=(
    php8.2-cli php8.2-dev php8.2-fpm php8.2-mysql php8.2-curl php8.2-mbstring
    php8.2-xml php8.2-gd php8.2-intl php8.2-zip
    libclang-dev clang
    # scripts/fuzz: libfuzzer-sys compiles libFuzzer (C++) with the system's c++.
    g++
    mariadb-server nginx chromium phpunit
    # WordPress's Debian package symlinks into these; we copy through the links.
    libjs-underscore libjs-lodash libjs-cropper php-getid3 ca-certificates
    # curl for health checks and the demo smoke; dpkg-dev-free apt download.
    # unzip for a plugin the cache lacks (wordpress.org ships zips).
    curl unzip
    # scripts/bench-webhooks reads the SQLite store with the sqlite3 shell.
    sqlite3
    # The php level's static checks: phpcs (wordpress-plugin/phpcs.xml.dist), shellcheck.
    php-codesniffer shellcheck
    # The multi-node scripts' Galera cluster (scripts/galera) and its state
    # transfer.
    galera-4 rsync
    # scripts/bench-fpm-rss --hot-functions samples the worker with perf.
    linux-perf
)

deb_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

install_deps() {
    local missing=() pkg
    for pkg in "${WPWA_DEB_PACKAGES[@]}"; do
        deb_installed "$pkg" || missing+=("$pkg")
    done
    # A node from another source (e.g. NodeSource) ships its own npm and
    # conflicts with Debian's npm package, so judge node by its commands.
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)

    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing: ${missing[*]}"
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        log "system packages already installed"
    fi

    # rustup puts cargo in ~/.cargo/bin, which a non-login shell (CI) may
    # not have on its PATH.
    local cargo_bin="${CARGO_HOME:-${HOME:-/root}/.cargo}/bin"
    case ":$PATH:" in
        *":$cargo_bin:"*) ;;
        *) [ -d "$cargo_bin" ] && export PATH="$cargo_bin:$PATH" ;;
    esac
    command -v cargo >/dev/null 2>&1 ||
        die "cargo not found: install a Rust toolchain (rustup) first"
    return 0
}
