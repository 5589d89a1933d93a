#!/usr/bin/env bash
# Make sure the PostgreSQL client tools the tests and benchmarks drive are installed:
# psql and pgbench (and, for `sixfold bench`, the PostgreSQL 15 server), and the Ruby,
# PHP and Java clients the Rails, Doctrine and JDBC tests drive (ruby, ruby-activerecord,
# ruby-pg; php-cli, php-pgsql, php-doctrine-dbal; a JDK and libpostgresql-jdbc-java).
# Installs the Debian/Ubuntu packages when one is missing; does nothing when they are all
# there.
set -euo pipefail
packages=()
missing=0
for tool in psql pgbench; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
done
if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || command -v postgres >/dev/null 2>&1; then :; else missing=1; fi
if [ "$missing" = 1 ]; then
    packages+=(postgresql postgresql-contrib)
fi
if ! command -v ruby >/dev/null 2>&1 || ! ruby -e 'require "active_record"; require "pg"' >/dev/null 2>&1; then
    packages+=(ruby ruby-activerecord ruby-pg)
fi
if ! command -v php >/dev/null 2>&1 || ! php -r 'exit(extension_loaded("pdo_pgsql") && is_file("/usr/share/php/Doctrine/DBAL/autoload.php") ? 0 : 1);' >/dev/null 2>&1; then
    packages+=(php-cli php-pgsql php-doctrine-dbal)
fi
if ! command -v javac >/dev/null 2>&1; then
    packages+=(default-jdk-headless)  # (the source launcher, `java App.java`, needs the compiler)
fi
if [ ! -f /usr/share/java/postgresql.jar ]; then
    packages+=(libpostgresql-jdbc-java)
fi
if [ "${#packages[@]}" = 0 ]; then
    exit 0
fi
echo "installing ${packages[*]} with apt-get" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}" >/dev/null
