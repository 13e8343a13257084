#!/usr/bin/env bash
# Drops the test template database so the next test rebuilds it from the
# current migrations and reference data. Also drops test databases left over
# from an interrupted run.
set -euo pipefail
url="${HDS_TEST_ADMIN_URL:?}"
psql -X -q -v ON_ERROR_STOP=1 "$url" -tAc \
  "SELECT datname FROM pg_database WHERE datname = 'hds_template' OR datname LIKE 'hds\_test\_%'" |
while read -r db; do
  [ -n "$db" ] && psql -X -q "$url" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
done
exit 0
