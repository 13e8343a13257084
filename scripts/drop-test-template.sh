#!/usr/bin/env bash
# Drops this checkout's test template (HDS_TEST_TEMPLATE, default hds_template)
# so the next test rebuilds it from the current migrations and reference data,
# and the test databases an interrupted run left behind (t_<template>_*).
set -euo pipefail
url="${HDS_TEST_ADMIN_URL:?}"
template="${HDS_TEST_TEMPLATE:-hds_template}"
psql -X -q -v ON_ERROR_STOP=1 "$url" -tAc \
  "SELECT datname FROM pg_database WHERE datname = '$template' OR datname LIKE 't\_${template}\_%'" |
while read -r db; do
  [ -n "$db" ] && psql -X -q "$url" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
done
exit 0
