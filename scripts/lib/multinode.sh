# shellcheck shell=bash
# shellcheck disable=SC2034 # SITE_* are read by site.sh and web.sh
# Several web nodes of one WordPress site on one database (issue 14's rig):
# each node its own nginx + php-fpm (with the wpwa extension), its own copy of
# the docroot and its own wpwa data folder, every node's wp-config.php naming
# the same database and `define( 'WPWA_STORE', MN_STORE )`; in front of them
# an nginx load balancer (round robin) on the site's URL. Built on site.sh and
# web.sh: a node is a site (SITE_STATE = MN_STATE/node-NAME) whose public URL
# is the load balancer's.
#
# What a node shares and what it does not:
#   - the database (WordPress's tables and, with MN_STORE=wordpress, wpwa's
#     {prefix}wpwa_* tables): one, possibly through a different server per
#     node (MN_DB_HOSTS, e.g. the nodes of a Galera cluster);
#   - wp-config.php's salts, keys and passwords: the same on every node (one
#     secrets.env in MN_STATE), so a login made on one node holds on another;
#   - wp-content/uploads: ONE folder (MN_STATE/uploads), linked into every
#     docroot. WordPress on several servers needs shared media (an NFS mount
#     or object storage in production): an image uploaded through node A is
#     served by node B, and a catalog sync slice on node B reads the product
#     images' files (type, size) that node A's CLI created;
#   - the wpwa data folder (MN_STATE/node-NAME/wpwa-data): NOT shared, as on
#     separate machines; with MN_STORE=sqlite each node has its own store.
#
# Every node answers with the response header `X-Wpwa-Node: NAME`; the load
# balancer passes it on, so a client knows which node served it. A client may
# pin itself to one node through the load balancer (same origin as the site,
# so a browser's REST calls go there too) with the cookie `wpwa_node=NAME` or
# the header `X-Wpwa-Node-Pin: NAME`; or talk to a node directly on its own
# port (MN_NODE_PORTS; PHP sees the load balancer's Host there too, so
# WordPress builds the same links on every node).
#
# Callers set, besides what site.sh needs (DB_NAME, DB_USER, SANDBOX_PORT,
# SITE_TITLE, SITE_KIND; WPWA_MARKETPLACE):
#   MN_STATE       state folder of the rig (node-a/, node-b/, lb/, uploads/)
#   MN_PORT        the load balancer's port on 127.0.0.1 (the site's URL)
#   MN_NODES       the nodes' names (default "a b")
#   MN_NODE_PORTS  each node's own nginx port, in order (default MN_PORT+1,
#                  MN_PORT+2, …)
#   MN_DB_HOSTS    each node's DB_HOST, in order (default "localhost" for all:
#                  the local MariaDB's socket), e.g. for a Galera helper
#                  MN_DB_HOSTS="127.0.0.1:3311 127.0.0.1:3312". The database
#                  user must be able to log in from there (db_create makes
#                  'user'@'localhost'; a TCP server needs its own grant).
#   MN_STORE       WPWA_STORE on every node: wordpress (default) | sqlite
#   MN_MU_PLUGINS  extra mu-plugin files copied into every node (optional)
#   FPM_PM, FPM_MAX_CHILDREN, FPM_MAX_REQUESTS, FPM_DISPLAY_ERRORS (web.sh),
#   the same for every node.
#
# Functions (the names are stable: other scripts build on them):
#   mn_vars             derives MN_URL, MN_SITE_JSON, defaults; call first
#   mn_up               MariaDB (when every node uses localhost), a fresh
#                       database (unless MN_DB_CREATE=0), the sandbox, every
#                       node, the load balancer; installs and seeds the site
#                       once, through the first node (MN_SITE_JSON); saves
#                       MN_STATE/mn.env
#   mn_down             stops the load balancer, every node and the sandbox
#                       (the database stays: db_drop DB_NAME DB_USER)
#   mn_node_stop NAME   stops one node's nginx and php-fpm (gracefully)
#   mn_node_start NAME  starts them again (after mn_node_stop or _kill)
#   mn_node_kill NAME   SIGKILL to one node's php-fpm, master and workers, in
#                       the middle of whatever they do; its nginx stays and
#                       answers 502 (the load balancer then uses the others)
#   mn_node_url NAME    prints the node's own URL
#   mn_node_env NAME    sets SITE_* (state, docroot, port, log…) to that node's,
#                       for site.sh/web.sh calls; use it in a subshell
#   mn_set_store ENGINE rewrites every node's wp-config.php with
#                       WPWA_STORE=ENGINE and restarts their php-fpm
#   mn_sql [ARGS]       the mysql client on the site's database, as the
#                       site's user, through the first node's DB host (SQL
#                       on stdin or -e)
#   mn_load STATE       in another script: reads STATE/mn.env (what mn_up
#                       saved) and calls mn_vars, to drive a running rig

mn_vars() {
    : "${MN_STATE:?MN_STATE is not set}" "${MN_PORT:?MN_PORT is not set}"
    MN_NODES=${MN_NODES:-a b}
    MN_STORE=${MN_STORE:-wordpress}
    local n i=1 ports="" hosts=""
    for n in $MN_NODES; do
        ports+="${ports:+ }$((MN_PORT + i))"
        hosts+="${hosts:+ }localhost"
        i=$((i + 1))
    done
    MN_NODE_PORTS=${MN_NODE_PORTS:-$ports}
    MN_DB_HOSTS=${MN_DB_HOSTS:-$hosts}
    MN_URL="http://127.0.0.1:$MN_PORT"
    MN_SITE_JSON="$MN_STATE/site.json"
    MN_UPLOADS="$MN_STATE/uploads"
    MN_FIRST=${MN_NODES%% *}
}

# The Nth word (0-based) of a list.
mn_nth() {
    local list
    read -ra list <<<"$1"
    [ "$2" -lt "${#list[@]}" ] || die "multinode: no entry $2 in '$1'"
    printf '%s\n' "${list[$2]}"
}

mn_index() { # name -> its position in MN_NODES
    local n i=0
    for n in $MN_NODES; do
        [ "$n" = "$1" ] && { echo "$i"; return 0; }
        i=$((i + 1))
    done
    die "multinode: no node '$1' (nodes: $MN_NODES)"
}

mn_node_env() {
    local i
    i=$(mn_index "$1")
    SITE_STATE="$MN_STATE/node-$1"
    SITE_PORT=$(mn_nth "$MN_NODE_PORTS" "$i")
    SITE_DB_HOST=$(mn_nth "$MN_DB_HOSTS" "$i")
    SITE_PUBLIC_URL=$MN_URL
    SITE_CANONICAL_HOST="127.0.0.1:$MN_PORT"
    SITE_NGINX_EXTRA="add_header X-Wpwa-Node $1 always;"
    SITE_EXTRA_DEFINES="define( 'WPWA_STORE', '$MN_STORE' );"
    site_vars
}

mn_node_url() {
    echo "http://127.0.0.1:$(mn_nth "$MN_NODE_PORTS" "$(mn_index "$1")")"
}

# One node's docroot, plugins, mu-plugins and wp-config.php (site_prepare),
# with the rig's shared secrets and uploads.
mn_node_prepare() {
    (
        mn_node_env "$1"
        mkdir -p "$SITE_STATE"
        cp "$MN_STATE/secrets.env" "$SITE_STATE/secrets.env"
        site_prepare
        if [ -n "${MN_MU_PLUGINS:-}" ]; then
            # shellcheck disable=SC2086 # a list of files
            install -m 644 $MN_MU_PLUGINS "$SITE_DOCROOT/wp-content/mu-plugins/"
        fi
        rm -rf "$SITE_DOCROOT/wp-content/uploads"
        ln -s "$MN_UPLOADS" "$SITE_DOCROOT/wp-content/uploads"
    )
}

mn_node_start() {
    (
        mn_node_env "$1"
        web_start with-ext
    )
}

mn_node_stop() {
    (
        mn_node_env "$1"
        web_stop
    )
}

mn_node_kill() {
    (
        mn_node_env "$1"
        local pidfile="$SITE_STATE/run/php-fpm.pid" master
        master=$(cat "$pidfile" 2>/dev/null || true)
        [ -n "$master" ] || die "multinode: node $1 has no php-fpm running"
        # The workers first (children of the master), then the master, so no
        # worker is respawned in between.
        pkill -KILL -P "$master" 2>/dev/null || true
        kill -KILL "$master" 2>/dev/null || true
        rm -f "$pidfile"
        log "node $1: php-fpm (master $master) killed with SIGKILL"
    )
}

mn_lb_render() {
    local state="$MN_STATE/lb" n i=0 port all="" each="" pins=""
    mkdir -p "$state/run" "$state/log" "$state/tmp" "$state/conf"
    for n in $MN_NODES; do
        port=$(mn_nth "$MN_NODE_PORTS" "$i")
        all+="server 127.0.0.1:$port max_fails=1 fail_timeout=2s; "
        each+="upstream wpwa_node_$n { server 127.0.0.1:$port; keepalive 8; } "
        pins+="$n wpwa_node_$n; "
        i=$((i + 1))
    done
    render_template "$WPWA_ROOT/tests/wordpress/nginx-lb.conf.in" "$state/conf/nginx.conf" \
        STATE="$state" WEB_USER="$WPWA_WEB_USER" PORT="$MN_PORT" \
        UPSTREAM_ALL="${all}keepalive 32;" UPSTREAM_EACH="$each" PIN_MAP="$pins"
}

mn_lb_start() {
    mn_lb_render
    local state="$MN_STATE/lb" args
    args=(-c "$state/conf/nginx.conf" -p "$state/" -e "$state/log/nginx-error.log")
    stop_pidfile "$state/run/nginx.pid" TERM
    port_open "$MN_PORT" && die "127.0.0.1:$MN_PORT is already in use"
    nginx -t -q "${args[@]}" || die "load balancer: nginx config test failed"
    nginx "${args[@]}"
    wait_port "$MN_PORT" 20 || die "the load balancer did not listen on 127.0.0.1:$MN_PORT"
}

mn_lb_stop() {
    stop_pidfile "$MN_STATE/lb/run/nginx.pid" TERM
}

mn_save_env() {
    local v
    {
        for v in MN_STATE MN_PORT MN_NODES MN_NODE_PORTS MN_DB_HOSTS MN_STORE DB_NAME DB_USER \
            SANDBOX_PORT SITE_TITLE SITE_KIND WPWA_MARKETPLACE; do
            printf '%s=%q\n' "$v" "${!v:-}"
        done
    } >"$MN_STATE/mn.env"
}

mn_load() {
    # shellcheck disable=SC1091 # written by mn_save_env
    . "$1/mn.env"
    mn_vars
    SITE_STATE=$MN_STATE
    site_secrets
}

mn_up() {
    mn_vars
    local n local_db=1
    for n in $MN_DB_HOSTS; do [ "$n" = localhost ] || local_db=0; done
    mkdir -p "$MN_STATE"
    chmod 755 "$MN_STATE"
    # The rig's secrets (salts, database and user passwords, test token).
    SITE_STATE=$MN_STATE
    site_secrets
    web_prepare_dirs # the sandbox's pid and log
    install -d -o "$WPWA_WEB_USER" -g "$WPWA_WEB_USER" -m 755 "$MN_UPLOADS"
    fetch_wordpress
    [ "$local_db" = 1 ] && mariadb_start
    [ "${MN_DB_CREATE:-1}" = 1 ] && db_create "$DB_NAME" "$DB_USER" "$DB_PASSWORD" fresh
    (SITE_STATE=$MN_STATE && sandbox_start)
    for n in $MN_NODES; do mn_node_prepare "$n"; done
    for n in $MN_NODES; do mn_node_start "$n"; done
    mn_lb_start
    mn_save_env
    # Installed and seeded once, through the first node: the database is one.
    (
        mn_node_env "$MN_FIRST"
        site_install
        site_seed
        cp "$SITE_JSON" "$MN_SITE_JSON"
    )
}

mn_sql() {
    local host port args=()
    host=$(mn_nth "$MN_DB_HOSTS" 0)
    if [ "$host" = localhost ]; then
        args=(--protocol=socket)
    else
        port=${host##*:}
        [ "$port" = "$host" ] && port=3306
        args=(--protocol=tcp -h "${host%:*}" -P "$port")
    fi
    MYSQL_PWD=$DB_PASSWORD mysql "${args[@]}" -u "$DB_USER" --batch --skip-column-names "$DB_NAME" "$@"
}

mn_down() {
    local n
    mn_lb_stop
    for n in $MN_NODES; do mn_node_stop "$n"; done
    (SITE_STATE=$MN_STATE && sandbox_stop)
}

mn_set_store() {
    local n
    MN_STORE=$1
    for n in $MN_NODES; do
        (
            mn_node_env "$n"
            site_write_config
            web_render
            fpm_start with-ext
        )
    done
    mn_save_env
}
