# shellcheck shell=bash
# The third-party WordPress plugins the demo and the tests run with: the one
# place their versions are pinned. They are never part of the repository: they
# come from a local plugin cache, WPWA_CACHE_DIR/plugins/<slug>-<version>/
# (beside the cached WordPress), and where the cache lacks one, from
# wordpress.org's download of that exact version, as a user's machine with
# internet gets it. Either way the main file's Version: header must equal the pin.

# slug|version|main file (inside the plugin's folder). Activation order:
# WooCommerce first, each marketplace after what it needs.
WPWA_PLUGIN_PINS=(
    "woocommerce|10.7.0|woocommerce.php"
    "wc-frontend-manager|6.7.27|wc_frontend_manager.php"
    "wc-multivendor-marketplace|3.7.3|wc-multivendor-marketplace.php"
    "dokan-lite|4.2.0|dokan.php"
    "dc-woocommerce-multi-vendor|5.0.9|dc_product_vendor.php"
    "wc-vendors|2.6.8|class-wc-vendors.php"
)
WPWA_PLUGIN_CACHE="$WPWA_CACHE_DIR/plugins"

# The Version: header of a plugin's main file, read the way WordPress's
# get_file_data() reads it (first 8 KiB, any comment decoration).
plugin_header_version() {
    head -c 8192 "$1" | tr '\r' '\n' |
        sed -n 's/^[[:space:]]*\(<?php\)\{0,1\}[[:space:]/*#@]*Version:[[:space:]]*\([^[:space:]]*\).*/\2/Ip' |
        head -n 1
}

# Dies unless $1 (a plugin main file) declares version $2.
plugin_check_version() {
    local file=$1 want=$2 got
    [ -f "$file" ] || die "plugin main file $file is missing"
    got=$(plugin_header_version "$file")
    [ "$got" = "$want" ] ||
        die "$file declares Version: '${got:-none}', but $want is pinned (scripts/lib/plugins.sh); replace that cache folder"
}

# Downloads one pinned plugin from wordpress.org into the cache.
plugin_download() {
    local slug=$1 version=$2 dir=$3 work url
    url="https://downloads.wordpress.org/plugin/$slug.$version.zip"
    work=$(mktemp -d /tmp/wpwa-plugin.XXXXXX)
    log "plugin cache lacks $slug $version; downloading $url"
    if ! curl -fsSL --retry 2 --max-time 300 -o "$work/plugin.zip" "$url"; then
        rm -rf "$work"
        die "cannot download $url (no internet?): put $slug $version into $dir by hand"
    fi
    unzip -q "$work/plugin.zip" -d "$work/unpacked" || { rm -rf "$work"; die "$url is not a readable zip"; }
    [ -d "$work/unpacked/$slug" ] || { rm -rf "$work"; die "$url holds no $slug/ folder"; }
    mkdir -p "$WPWA_PLUGIN_CACHE"
    rm -rf "$dir.tmp.$$"
    mv "$work/unpacked/$slug" "$dir.tmp.$$"
    chmod -R a+rX "$dir.tmp.$$"
    mv "$dir.tmp.$$" "$dir"
    rm -rf "$work"
}

# Makes sure every pinned plugin is in the cache, at its pinned version.
plugins_fetch() {
    local pin slug version main dir
    for pin in "${WPWA_PLUGIN_PINS[@]}"; do
        IFS='|' read -r slug version main <<<"$pin"
        dir="$WPWA_PLUGIN_CACHE/$slug-$version"
        [ -f "$dir/$main" ] || plugin_download "$slug" "$version" "$dir"
        plugin_check_version "$dir/$main" "$version"
    done
}

# Puts every pinned plugin into the site's wp-content/plugins/<slug>: a
# hard-linked copy of the cache (instant, no extra space) when both are on one
# file system, else a copy. Not symlinks: marketplace plugins build their
# asset URLs from the real path of their files. The cache stays root's and
# read-only to php-fpm's user, so a plugin writing into its own folder cannot
# change the cache through a hard link.
plugins_install() {
    local plugins="$SITE_DOCROOT/wp-content/plugins" pin slug version main src dst
    mkdir -p "$plugins"
    for pin in "${WPWA_PLUGIN_PINS[@]}"; do
        IFS='|' read -r slug version main <<<"$pin"
        src="$WPWA_PLUGIN_CACHE/$slug-$version"
        dst="$plugins/$slug"
        # A demo rerun keeps what it has when it is the pinned version.
        if [ -f "$dst/$main" ] && [ "$(plugin_header_version "$dst/$main")" = "$version" ]; then
            continue
        fi
        rm -rf "$dst"
        cp -al "$src" "$dst" 2>/dev/null || { rm -rf "$dst"; cp -a "$src" "$dst"; }
        plugin_check_version "$dst/$main" "$version"
    done
}
