# shellcheck shell=bash
# Private MariaDB servers: a mysqld of Debian's mariadb-server with its own
# directory (my.cnf, datadir, socket, pid file, error log) and its own TCP
# port on 127.0.0.1, for the scripts that stop, restart or cluster a server
# (scripts/galera, scripts/bench-faults). Each reads only its own my.cnf
# (--defaults-file), so the system server on /run/mysqld/mysqld.sock, which
# the tests use, is never touched. Root reaches an instance over its socket
# (unix_socket auth, as Debian's root@localhost); sites reach it over TCP.
#
# An instance is named by its directory DIR:
#   DIR/my.cnf  DIR/data/  DIR/mysqld.sock  DIR/mysqld.pid  DIR/error.log

# Usage: mysqld_init DIR PORT [EXTRA_CNF_LINES]. Writes DIR/my.cnf and an
# empty datadir with the system tables. EXTRA_CNF_LINES go at the end of the
# [mysqld] section (Galera's wsrep_* settings, for one).
mysqld_init() {
    local dir=$1 port=$2 extra=${3:-}
    port_open "$port" && die "127.0.0.1:$port is already in use (another private mysqld?)"
    rm -rf "$dir"
    install -d -m 755 "$dir"
    install -d -o mysql -g mysql -m 750 "$dir/data" "$dir/tmp"
    # The server writes its pid file and socket in DIR.
    chown mysql:mysql "$dir"
    cat >"$dir/my.cnf" <<CNF
[mysqld]
user = mysql
datadir = $dir/data
tmpdir = $dir/tmp
socket = $dir/mysqld.sock
pid-file = $dir/mysqld.pid
log-error = $dir/error.log
port = $port
bind-address = 127.0.0.1
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default-storage-engine = InnoDB
innodb_buffer_pool_size = 128M
innodb_log_file_size = 64M
max_connections = 200
$extra

[client]
socket = $dir/mysqld.sock
CNF
    chmod 644 "$dir/my.cnf"
    mariadb-install-db --defaults-file="$dir/my.cnf" --user=mysql \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$dir/install.log" 2>&1 ||
        { tail -n 20 "$dir/install.log" >&2; die "mariadb-install-db failed for $dir"; }
}

mysqld_pid() {
    local dir=$1 pid
    pid=$(cat "$dir/mysqld.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

mysqld_running() {
    mysqladmin --no-defaults --connect-timeout=2 -S "$1/mysqld.sock" -u root ping >/dev/null 2>&1
}

# Usage: mysqld_start DIR [SECS [MYSQLD_ARGS...]]. Starts the server detached
# (setsid: a Ctrl-C in the calling script does not reach it) and waits up to
# SECS (default 60; a Galera joiner copies its state first) until it answers.
mysqld_start() {
    local dir=$1 secs=${2:-60} i pid
    shift 2 || shift $#
    if mysqld_running "$dir"; then
        return 0
    fi
    rm -f "$dir/mysqld.pid"
    (setsid mysqld --defaults-file="$dir/my.cnf" "$@" >>"$dir/error.log" 2>&1 </dev/null &)
    for ((i = 0; i < secs * 10; i++)); do
        mysqld_running "$dir" && return 0
        if ((i > 50)) && [ -z "$(mysqld_pid "$dir")" ] && ! pgrep -f -- "--defaults-file=$dir/my.cnf" >/dev/null; then
            break
        fi
        sleep 0.1
    done
    tail -n 30 "$dir/error.log" >&2 || true
    die "mysqld in $dir did not come up"
}

# A clean shutdown (committed transactions stay), waited for, so the port
# and datadir are free when it returns.
mysqld_stop() {
    local dir=$1 pid i
    pid=$(mysqld_pid "$dir" || true)
    [ -n "$pid" ] || return 0
    mysqladmin --no-defaults -S "$dir/mysqld.sock" -u root shutdown >/dev/null 2>&1 ||
        kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "mysqld $pid ($dir) did not stop in 60 s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
}

# Usage: mysqld_sql DIR [MARIADB_ARGS...] (SQL on stdin or with -e): as root.
mysqld_sql() {
    local dir=$1
    shift
    mariadb --no-defaults --protocol=socket -S "$dir/mysqld.sock" -u root "$@"
}

# One value of SHOW GLOBAL STATUS: mysqld_status DIR NAME.
mysqld_status() {
    mysqld_sql "$1" -N -B -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | cut -f2
}

# Usage: mysqld_db_create DIR NAME USER PASSWORD. A fresh database and a user
# that connects over TCP from 127.0.0.1 (the web nodes' DB_HOST
# 127.0.0.1:PORT) or over the socket.
mysqld_db_create() {
    local dir=$1 name=$2 user=$3 pass=$4 host
    {
        echo "DROP DATABASE IF EXISTS \`$name\`;"
        echo "CREATE DATABASE \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
        for host in 127.0.0.1 localhost; do
            echo "CREATE USER IF NOT EXISTS '$user'@'$host' IDENTIFIED BY '$pass';"
            echo "ALTER USER '$user'@'$host' IDENTIFIED BY '$pass';"
            echo "GRANT ALL PRIVILEGES ON \`$name\`.* TO '$user'@'$host';"
        done
    } | mysqld_sql "$dir"
}
