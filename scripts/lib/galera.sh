# shellcheck shell=bash
# A three-node MariaDB Galera cluster on loopback (Debian's mariadb-server and
# galera-4), each node a private mysqld (scripts/lib/mysqld.sh) under
# GALERA_DIR/nodeN:
#
#   node  client port  group (gcomm)  IST   SST (rsync)
#   1     3311         4711           4712  4713
#   2     3312         4721           4722  4723
#   3     3313         4731           4732  4733
#
# Node 1 bootstraps the cluster (--wsrep-new-cluster); nodes 2 and 3 join it
# and receive its state by rsync SST (mariabackup when installed). Callers may
# set GALERA_DIR (default /tmp/wpwa-galera) and GALERA_NODES (default 3).

GALERA_DIR=${GALERA_DIR:-/tmp/wpwa-galera}
GALERA_NODES=${GALERA_NODES:-3}
GALERA_PROVIDER=/usr/lib/galera/libgalera_smm.so

galera_node_dir() { echo "$GALERA_DIR/node$1"; }
galera_client_port() { echo $((3310 + $1)); }
galera_group_port() { echo $((4701 + 10 * $1)); }

# The client addresses of the nodes, one per node: "127.0.0.1:3311 …".
galera_hosts() {
    local n out=()
    for ((n = 1; n <= GALERA_NODES; n++)); do out+=("127.0.0.1:$(galera_client_port "$n")"); done
    echo "${out[*]}"
}

galera_node_cnf() {
    local n=$1 group sst members=() m
    group=$(galera_group_port "$n")
    for ((m = 1; m <= GALERA_NODES; m++)); do members+=("127.0.0.1:$(galera_group_port "$m")"); done
    sst=rsync
    command -v mariabackup >/dev/null 2>&1 && sst=mariabackup
    local IFS=,
    cat <<CNF
# Galera: row-based replication, interleaved auto-increment locks.
binlog_format = ROW
innodb_autoinc_lock_mode = 2
# The cluster, not one node's log flush, is what keeps a commit.
innodb_flush_log_at_trx_commit = 2
wsrep_on = ON
wsrep_provider = $GALERA_PROVIDER
wsrep_cluster_name = wpwa_galera
wsrep_cluster_address = gcomm://${members[*]}
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$group
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$group;ist.recv_addr=127.0.0.1:$((group + 1));gcache.size=64M"
wsrep_sst_method = $sst
wsrep_sst_receive_address = 127.0.0.1:$((group + 2))
wsrep_slave_threads = 2
CNF
}

galera_running() {
    local n
    for ((n = 1; n <= GALERA_NODES; n++)); do
        mysqld_running "$(galera_node_dir "$n")" || return 1
    done
}

# Waits until every node sees a cluster of GALERA_NODES and is Synced.
galera_wait_synced() {
    local secs=${1:-120} i n ok
    for ((i = 0; i < secs * 2; i++)); do
        ok=1
        for ((n = 1; n <= GALERA_NODES; n++)); do
            local dir
            dir=$(galera_node_dir "$n")
            if [ "$(mysqld_status "$dir" wsrep_cluster_size)" != "$GALERA_NODES" ] ||
                [ "$(mysqld_status "$dir" wsrep_local_state_comment)" != Synced ]; then
                ok=0
                break
            fi
        done
        [ "$ok" = 1 ] && return 0
        sleep 0.5
    done
    galera_status >&2 || true
    die "the Galera cluster did not reach $GALERA_NODES Synced nodes in $secs s"
}

# A fresh cluster: datadirs are created anew (a test rig keeps no state
# across runs). Does nothing when every node already answers.
galera_up() {
    local n dir
    if galera_running; then
        log "Galera cluster already running in $GALERA_DIR"
        galera_wait_synced 60
        return 0
    fi
    [ -f "$GALERA_PROVIDER" ] || die "$GALERA_PROVIDER missing: install galera-4"
    galera_down
    install -d -m 755 "$GALERA_DIR"
    for ((n = 1; n <= GALERA_NODES; n++)); do
        dir=$(galera_node_dir "$n")
        log "Galera node $n: initialising $dir (port $(galera_client_port "$n"))"
        mysqld_init "$dir" "$(galera_client_port "$n")" "$(galera_node_cnf "$n")"
    done
    log "Galera node 1: bootstrapping the cluster"
    mysqld_start "$(galera_node_dir 1)" 60 --wsrep-new-cluster
    for ((n = 2; n <= GALERA_NODES; n++)); do
        log "Galera node $n: joining (state transfer)"
        mysqld_start "$(galera_node_dir "$n")" 180
    done
    galera_wait_synced 120
    log "Galera cluster up: $GALERA_NODES nodes Synced ($(galera_hosts))"
}

# Stops the nodes, last joiner first, and removes the run directory.
galera_down() {
    local n
    for ((n = GALERA_NODES; n >= 1; n--)); do
        mysqld_stop "$(galera_node_dir "$n")"
    done
    rm -rf "$GALERA_DIR"
}

# Per node: state, cluster size, and the conflict counters.
galera_status() {
    local n dir
    printf '%-5s %-6s %-10s %-7s %-14s %-13s %s\n' node port state cluster cert_failures bf_aborts commits
    for ((n = 1; n <= GALERA_NODES; n++)); do
        dir=$(galera_node_dir "$n")
        if mysqld_running "$dir"; then
            printf '%-5s %-6s %-10s %-7s %-14s %-13s %s\n' "$n" "$(galera_client_port "$n")" \
                "$(mysqld_status "$dir" wsrep_local_state_comment)" \
                "$(mysqld_status "$dir" wsrep_cluster_size)" \
                "$(mysqld_status "$dir" wsrep_local_cert_failures)" \
                "$(mysqld_status "$dir" wsrep_local_bf_aborts)" \
                "$(mysqld_status "$dir" wsrep_local_commits)"
        else
            printf '%-5s %-6s %s\n' "$n" "$(galera_client_port "$n")" down
        fi
    done
}

# Summed over the nodes: galera_sum wsrep_local_cert_failures.
galera_sum() {
    local n sum=0 v
    for ((n = 1; n <= GALERA_NODES; n++)); do
        v=$(mysqld_status "$(galera_node_dir "$n")" "$1")
        sum=$((sum + ${v:-0}))
    done
    echo "$sum"
}

# Usage: galera_db_create NAME USER PASSWORD: on node 1; Galera replicates the
# database and the account to the others.
galera_db_create() {
    mysqld_db_create "$(galera_node_dir 1)" "$@"
}
