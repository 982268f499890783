#!/usr/bin/env bash
# Makes sure the local PostgreSQL the tests use is up; starts the cluster when it is not.
source "$(dirname "$0")/lib.sh"
if pg_isready -q -h 127.0.0.1 -p 5432; then exit 0; fi
say "Khởi động PostgreSQL"
as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done
echo "PostgreSQL không khởi động được" >&2; exit 1
