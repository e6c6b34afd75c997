# shellcheck shell=bash
# Sources every shared library; entry points source just this file.
_wpwa_lib_dir=$(dirname "${BASH_SOURCE[0]}")
# shellcheck source=scripts/lib/common.sh
. "$_wpwa_lib_dir/common.sh"
# shellcheck source=scripts/lib/deps.sh
. "$_wpwa_lib_dir/deps.sh"
# shellcheck source=scripts/lib/build.sh
. "$_wpwa_lib_dir/build.sh"
# shellcheck source=scripts/lib/wordpress.sh
. "$_wpwa_lib_dir/wordpress.sh"
# shellcheck source=scripts/lib/plugins.sh
. "$_wpwa_lib_dir/plugins.sh"
# shellcheck source=scripts/lib/mariadb.sh
. "$_wpwa_lib_dir/mariadb.sh"
# shellcheck source=scripts/lib/mysqld.sh
. "$_wpwa_lib_dir/mysqld.sh"
# shellcheck source=scripts/lib/galera.sh
. "$_wpwa_lib_dir/galera.sh"
# shellcheck source=scripts/lib/web.sh
. "$_wpwa_lib_dir/web.sh"
# shellcheck source=scripts/lib/sandbox.sh
. "$_wpwa_lib_dir/sandbox.sh"
# shellcheck source=scripts/lib/site.sh
. "$_wpwa_lib_dir/site.sh"
# shellcheck source=scripts/lib/multinode.sh
. "$_wpwa_lib_dir/multinode.sh"
unset _wpwa_lib_dir
