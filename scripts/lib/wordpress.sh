# shellcheck shell=bash
# Fetches WordPress 6.8 (and its default theme) from Debian 13's archive, as
# DESIGN.md §7 describes: a private apt state directory pointed at trixie, so
# the system's apt configuration and package lists are never touched.

WPWA_WP_PACKAGES=(wordpress wordpress-theme-twentytwentyfive)

# The archive URI the system already uses for Debian (so a mirror or proxy
# configured by the admin is honoured). Reads deb822 and one-line sources.
debian_archive_uri() {
    local f uri=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk 'tolower($1)=="uris:" { for (i=2;i<=NF;i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
        [ -n "$uri" ] && break
    done
    if [ -z "$uri" ]; then
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            [ -f "$f" ] || continue
            uri=$(awk '$1=="deb" { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\// && $i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
            [ -n "$uri" ] && break
        done
    fi
    [ -n "$uri" ] || die "cannot find the Debian archive URI in /etc/apt/sources*"
    printf '%s\n' "${uri%/}"
}

# Replaces each symlink under $1 (an unpacked package root) with a copy of
# what it points at on the installed system. Relative links are resolved as if
# the package were installed at /, which is where Debian 12's libjs-* and
# php-getid3 put the targets.
resolve_package_links() {
    local root=$1 link target installed_link abs
    while IFS= read -r -d '' link; do
        target=$(readlink "$link")
        installed_link=/${link#"$root"/}
        case "$target" in
            /*) abs=$target ;;
            *) abs=$(realpath -m "$(dirname "$installed_link")/$target") ;;
        esac
        rm -f "$link"
        if [ -e "$root$abs" ]; then
            # Points inside the package itself (e.g. the theme directory).
            cp -rL "$root$abs" "$link"
        elif [ -e "$abs" ]; then
            cp -rL "$abs" "$link"
        else
            # Only Apache's .htaccess (-> /etc/wordpress/htaccess) ends here;
            # nginx does not read it.
            log "dropping dangling link ${installed_link} -> $target"
        fi
    done < <(find "$root" -type l -print0)
}

fetch_wordpress() {
    if [ -f "$WPWA_WP_DIR/.wpwa-complete" ]; then
        log "WordPress $(cat "$WPWA_WP_DIR/.wpwa-complete") cached in $WPWA_WP_DIR"
        return 0
    fi
    local work uri aptopts=() pkg ver
    work=$(mktemp -d /tmp/wpwa-wp-fetch.XXXXXX)
    uri=$(debian_archive_uri)
    mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/debs"
    cat >"$work/trixie.sources" <<SRC
Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    aptopts=(
        -o "Dir::Etc::sourcelist=$work/trixie.sources"
        -o "Dir::Etc::sourceparts=-"
        -o "Dir::State::Lists=$work/lists"
        -o "Dir::Cache::archives=$work/archives"
        -o "Dir::Cache::pkgcache="
        -o "Dir::Cache::srcpkgcache="
        -o "APT::Sandbox::User=root"
        -o "Acquire::Languages=none"
        -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false"
        -o "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false"
        -o "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false"
    )
    log "fetching WordPress ${WPWA_WP_VERSION_SERIES} from Debian 13 (trixie) via a private apt list"
    apt-get -qq "${aptopts[@]}" update >/dev/null
    (cd "$work/debs" && apt-get -qq "${aptopts[@]}" download "${WPWA_WP_PACKAGES[@]}" >/dev/null)
    for pkg in "$work"/debs/*.deb; do
        dpkg -x "$pkg" "$work/root"
    done
    resolve_package_links "$work/root"

    ver=$(sed -n "s/^\$wp_version = '\(.*\)';/\1/p" "$work/root/usr/share/wordpress/wp-includes/version.php")
    case "$ver" in
        "$WPWA_WP_VERSION_SERIES"*) ;;
        *) die "trixie shipped WordPress '$ver', expected $WPWA_WP_VERSION_SERIES.x" ;;
    esac

    local stage="$WPWA_WP_DIR.tmp.$$"
    rm -rf "$stage"
    mkdir -p "$stage"
    cp -a "$work/root/usr/share/wordpress/." "$stage/"
    # Debian keeps themes and the writable wp-content under /var/lib/wordpress.
    mkdir -p "$stage/wp-content/themes" "$stage/wp-content/uploads"
    cp -a "$work/root/var/lib/wordpress/wp-content/." "$stage/wp-content/" 2>/dev/null || true
    # Debian's wp-config.php reads /etc/wordpress; each site writes its own.
    rm -f "$stage/wp-config.php"
    printf '%s\n' "$ver" >"$stage/.wpwa-complete"
    mkdir -p "$WPWA_CACHE_DIR"
    rm -rf "$WPWA_WP_DIR"
    mv "$stage" "$WPWA_WP_DIR"
    rm -rf "$work"
    log "WordPress $ver unpacked to $WPWA_WP_DIR"
}
