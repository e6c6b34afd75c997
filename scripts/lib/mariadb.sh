# shellcheck shell=bash
# MariaDB: the system server (Debian's mariadb-server), reached as root over
# its unix socket (Debian's root@localhost uses unix_socket auth). Each site
# gets its own database and user.

mariadb_running() {
    mysqladmin --connect-timeout=2 ping >/dev/null 2>&1
}

mariadb_start() {
    if mariadb_running; then
        mariadb_allow_connections
        return 0
    fi
    log "starting MariaDB"
    # No systemd in containers: the SysV script works; mysqld_safe is the
    # last resort when even that is unavailable.
    if ! service mariadb start >/dev/null 2>&1; then
        log "service mariadb start failed; starting mysqld_safe directly"
        install -d -o mysql -g mysql /run/mysqld
        (setsid mysqld_safe --user=mysql >/dev/null 2>&1 &)
    fi
    local i
    for ((i = 0; i < 300; i++)); do
        if mariadb_running; then
            mariadb_allow_connections
            return 0
        fi
        sleep 0.1
    done
    die "MariaDB did not come up"
}

# Every php-fpm child holds a connection: two web nodes at 64 children each
# (scripts/bench-webhooks), beside the test site, pass Debian's default of
# 151. Raised on the running server only; the system's configuration stays.
mariadb_allow_connections() {
    mysql --protocol=socket -u root -e "SET GLOBAL max_connections = GREATEST(@@max_connections, 600)" >/dev/null 2>&1 ||
        log "could not raise MariaDB's max_connections"
}

# Usage: db_create NAME USER PASSWORD [fresh]. With "fresh" the database is
# dropped first (tests); without, an existing one is kept (demo reruns).
db_create() {
    local name=$1 user=$2 pass=$3 fresh=${4:-}
    local drop=""
    [ "$fresh" = fresh ] && drop="DROP DATABASE IF EXISTS \`$name\`;"
    mysql --protocol=socket -u root <<SQL
$drop
CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pass';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL PRIVILEGES ON \`$name\`.* TO '$user'@'localhost';
FLUSH PRIVILEGES;
SQL
}

db_drop() {
    local name=$1 user=$2
    mysql --protocol=socket -u root -e "DROP DATABASE IF EXISTS \`$name\`; DROP USER IF EXISTS '$user'@'localhost';" 2>/dev/null || true
}
