#!/usr/bin/env bash
# Catalogue benchmark (docs/benchmarks.md, "Catalogue"):
#   1. a scratch database with the shipped catalogue (migrate + seed);
#   2. `hds serve` on loopback; page response times of the public lists and
#      searches, measured with curl (N requests each after a warm-up);
#   3. 50,000 extra variables (scripts/bench-catalogue-seed.sql), same measurements;
#   4. EXPLAIN (ANALYZE, BUFFERS) of the list and search queries as the
#      repository (crates/persistence/src/catalogue/) builds them.
# The scratch database is dropped at the end.
#
# Environment: HDS_BIN (default target/release/hds if built, else target/debug/hds),
# ADMIN_URL (default $HDS_TEST_ADMIN_URL or `scripts/db.sh admin-url`),
# N (requests per measurement, default 200), PORT (default 18432).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
if [ -z "${HDS_BIN:-}" ]; then
  if [ -x "$target/release/hds" ]; then HDS_BIN="$target/release/hds"; else HDS_BIN="$target/debug/hds"; fi
fi
ADMIN_URL="${ADMIN_URL:-${HDS_TEST_ADMIN_URL:-$("$root/scripts/db.sh" admin-url)}}"
N="${N:-200}"
PORT="${PORT:-18432}"
db="hds_bench_catalogue_$$"
url="${ADMIN_URL%/*}/$db"
base="http://127.0.0.1:$PORT/api/v1"

psql -X -q "$ADMIN_URL" -c "CREATE DATABASE $db" >/dev/null
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  psql -X -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
}
trap cleanup EXIT

export DATABASE_URL="$url" HDS_MIGRATE_ON_START=false HDS_BIND="127.0.0.1:$PORT" RUST_LOG=warn
export HDS_LOCAL_DIR="${HDS_LOCAL_DIR:-$(mktemp -d)}"
"$HDS_BIN" migrate >/dev/null
"$HDS_BIN" seed >/dev/null
"$HDS_BIN" serve >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done

b64() { printf '%s' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }

# One line of the table: median and p95 in ms, response size, item count.
measure() {
  local label="$1" path="$2"
  for _ in $(seq 1 10); do curl -s -o /dev/null "$base$path"; done
  local times
  times=$(for _ in $(seq 1 "$N"); do curl -s -o /dev/null -w '%{time_total}\n' "$base$path"; done)
  local items bytes
  items=$(curl -s "$base$path" | jq '.items | length')
  bytes=$(curl -s -o /dev/null -w '%{size_download}' "$base$path")
  printf '%s\n' "$times" | python3 -c '
import sys, statistics
t = sorted(float(x) * 1000 for x in sys.stdin if x.strip())
p95 = t[int(len(t) * 0.95) - 1]
print(f"| {sys.argv[1]} | {statistics.median(t):.1f} | {p95:.1f} | {sys.argv[2]} | {sys.argv[3]} |")
' "$label" "$items" "$bytes"
}

run() {
  local variables
  variables=$(psql -X -qtA "$url" -c "SELECT count(*) FROM variables")
  echo
  echo "### $1 ($variables variables), $N requests each"
  echo
  echo "| page | median ms | p95 ms | items | bytes |"
  echo "|---|---:|---:|---:|---:|"
  measure "data sources, first page" "/data-sources"
  measure "data sources, search q=fødsel" "/data-sources?q=f%C3%B8dsel"
  measure "variables, first page" "/variables"
  measure "variables, a middle page (cursor after BENCH_025000)" "/variables?cursor=$(b64 '["BENCH_025000",null]')"
  measure "variables of NPR, first page" "/data-sources/NPR/variables"
  measure "variables of NPR, a middle page" "/data-sources/NPR/variables?cursor=$(b64 '["BENCH_025000",null]')"
  measure "variables, search q=fødsel (common word)" "/variables?q=f%C3%B8dsel"
  local next
  next=$(curl -s "$base/variables?q=f%C3%B8dsel" | jq -r '.nextCursor // empty')
  if [ -n "$next" ]; then measure "variables, search q=fødsel, page 2" "/variables?q=f%C3%B8dsel&cursor=$next"; fi
  measure "variables, search q=fødselsvekt" "/variables?q=f%C3%B8dselsvekt"
  measure "variables, search q=birth weight, lang=en" "/variables?q=birth%20weight&lang=en"
  measure "variables, search q=xyzzy (no match)" "/variables?q=xyzzy"
}

explain() {
  echo
  echo "#### $1"
  echo
  echo '```'
  psql -X -qtA "$url" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) $2" | sed -E 's/ +$//'
  echo '```'
}

VARIABLE_COLUMNS="v.id, v.data_source_id, v.name, v.label_nb, v.label_en, v.description_nb, v.description_en, v.value_type, v.code_list, v.period_from, v.period_to, v.identifying, v.sensitive, v.retired_at, v.version, v.created_at, v.updated_at"
PAGE="SELECT p.*, ds.code AS source_code, ds.name_nb AS source_name_nb, ds.name_en AS source_name_en FROM (SELECT * FROM (SELECT $VARIABLE_COLUMNS"
NOT_RETIRED="v.retired_at IS NULL AND v.data_source_id <> ALL (ARRAY(SELECT r.id FROM data_sources r WHERE r.retired_at IS NOT NULL))"
SOURCE_COLUMNS="ds.id, ds.code, ds.name_nb, ds.name_en, ds.kind, ds.custodian_id, ds.description_nb, ds.description_en, ds.data_kinds, ds.decision_authority, ds.channel, ds.external_url, ds.period_from, ds.period_to, ds.processing_notice_nb, ds.processing_notice_en, ds.retired_at, ds.version, ds.created_at, ds.updated_at, c.code AS custodian_code, c.name AS custodian_name, c.short_name AS custodian_short_name, ARRAY(SELECT p.purpose_code FROM data_source_purposes p WHERE p.data_source_id = ds.id ORDER BY p.purpose_code) AS purposes"
NB="to_tsquery('norwegian'::regconfig, 'fødsel:*')"

plans() {
  local npr
  npr=$(psql -X -qtA "$url" -c "SELECT id FROM data_sources WHERE code = 'NPR'")
  echo
  echo "### Query plans (with 50,000 extra variables)"
  explain "Variables across sources, a middle page (keyset on name, id)" \
    "$PAGE, NULL::real AS rank FROM variables v WHERE true AND $NOT_RETIRED) s WHERE (s.name, s.id) > ('BENCH_025000', '00000000-0000-0000-0000-000000000000') ORDER BY s.name, s.id LIMIT 51) p JOIN data_sources ds ON ds.id = p.data_source_id ORDER BY p.name, p.id"
  explain "Variables of one source (NPR), a middle page (keyset on name)" \
    "$PAGE, NULL::real AS rank FROM variables v WHERE true AND v.data_source_id = '$npr' AND v.retired_at IS NULL) s WHERE s.name > 'BENCH_025000' ORDER BY s.name LIMIT 51) p JOIN data_sources ds ON ds.id = p.data_source_id ORDER BY p.name"
  explain "Variable search q=fødsel (nb), first page" \
    "$PAGE, ts_rank(v.search_nb, $NB) AS rank FROM variables v WHERE true AND v.search_nb @@ $NB AND $NOT_RETIRED) s ORDER BY rank DESC, s.name, s.id LIMIT 51) p JOIN data_sources ds ON ds.id = p.data_source_id ORDER BY rank DESC, p.name, p.id"
  explain "Variable search q=fødselsvekt (nb), first page" \
    "$PAGE, ts_rank(v.search_nb, to_tsquery('norwegian'::regconfig, 'fødselsvekt:*')) AS rank FROM variables v WHERE true AND v.search_nb @@ to_tsquery('norwegian'::regconfig, 'fødselsvekt:*') AND $NOT_RETIRED) s ORDER BY rank DESC, s.name, s.id LIMIT 51) p JOIN data_sources ds ON ds.id = p.data_source_id ORDER BY rank DESC, p.name, p.id"
  explain "Data source search q=fødsel (nb)" \
    "SELECT * FROM (SELECT $SOURCE_COLUMNS, ts_rank(ds.search_nb, $NB) AS rank FROM data_sources ds JOIN custodians c ON c.id = ds.custodian_id WHERE true AND ds.search_nb @@ $NB AND ds.retired_at IS NULL) s ORDER BY s.rank DESC, s.code LIMIT 51"
  explain "Data sources filtered by purpose and decision authority" \
    "SELECT * FROM (SELECT $SOURCE_COLUMNS, NULL::real AS rank FROM data_sources ds JOIN custodians c ON c.id = ds.custodian_id WHERE true AND ds.retired_at IS NULL AND EXISTS (SELECT 1 FROM data_source_purposes p WHERE p.data_source_id = ds.id AND p.purpose_code = 'HEALTH_ANALYSIS') AND ds.decision_authority = 'HDS') s ORDER BY s.code LIMIT 51"
}

echo "## Catalogue benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $HDS_BIN, $(nproc) cores, PostgreSQL $(psql -X -qtA "$url" -c 'SHOW server_version')"
run "Shipped catalogue"
psql -X -q "$url" -f "$root/scripts/bench-catalogue-seed.sql" >/dev/null
run "Shipped catalogue + 50,000 variables"
plans
