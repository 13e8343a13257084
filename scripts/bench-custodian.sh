#!/usr/bin/env bash
# BENCH ONLY. Custodian polling and feed throughput (docs/benchmarks.md).
#
# Seeds a scratch database `bench_tasks` with 100,000 decided cases and their
# custodian tasks (scripts/seed-custodian-tasks.sql) unless it exists, starts
# `hds serve` on it, and measures with wrk on loopback:
#   1. task-list polls answered 304 (If-None-Match = the current ETag)
#   2. task-list polls with changes (a stale ETag: 200 with a 50-task page)
#   3. feed reads (GET /events?after=<mid>&limit=100)
# then prints EXPLAIN (ANALYZE, BUFFERS) of the queries behind them.
#
#   ADMIN_URL=postgres://postgres@127.0.0.1:54329 HDS=target/release/hds scripts/bench-custodian.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN_URL=${ADMIN_URL:-$(scripts/db.sh admin-url | sed 's,/postgres$,,')}
DB_URL="$ADMIN_URL/bench_tasks"
HDS=${HDS:-${CARGO_TARGET_DIR:-target}/release/hds}
PORT=${PORT:-18099}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
FHI=983744516
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }

if ! psql -X -tAc "SELECT 1 FROM pg_database WHERE datname = 'bench_tasks'" "$ADMIN_URL/postgres" | grep -q 1; then
    psql -X -qc "CREATE DATABASE bench_tasks" "$ADMIN_URL/postgres"
    DATABASE_URL=$DB_URL "$HDS" migrate && DATABASE_URL=$DB_URL "$HDS" seed
    psql -X -q -v cases=100000 -v first=1 -f scripts/seed-custodian-tasks.sql "$DB_URL"
    psql -X -qc "VACUUM ANALYZE custodian_tasks" -c "VACUUM ANALYZE feed_events" "$DB_URL"
fi

LOCAL=$(mktemp -d)
export DATABASE_URL=$DB_URL HDS_BIND=127.0.0.1:$PORT HDS_LOCAL_DIR=$LOCAL HDS_DEV_KEY_PATH=$LOCAL/dev-key.pem RUST_LOG=warn
"$HDS" serve >/dev/null 2>"$LOCAL/serve.log" &
SERVER=$!
trap 'kill $SERVER; rm -rf "$LOCAL"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
TOKEN=$("$HDS" dev-token --role CUSTODIAN --org $FHI)
API=http://127.0.0.1:$PORT/api/v1
LIST="$API/tasks?state=ASSIGNED,ACKNOWLEDGED,IN_PREPARATION&limit=50"
ETAG=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "$LIST" | tr -d '\r' | awk 'tolower($1)=="etag:"{print $2}')
echo "tasks of FHI: $(psql -X -tAc "SELECT count(*) FROM custodian_tasks t JOIN custodians c ON c.id = t.custodian_id WHERE c.orgnr = '$FHI'" "$DB_URL"), list ETag $ETAG"
curl -s -o /dev/null -w "check: 304 expected, got %{http_code}\n" -H "Authorization: Bearer $TOKEN" -H "If-None-Match: $ETAG" "$LIST"

echo "== 1. task list, unchanged (304)"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" -H "If-None-Match: $ETAG" "$LIST"
echo "== 2. task list, changed (stale ETag: 200, 50 tasks)"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" -H 'If-None-Match: "stale"' "$LIST"
MID=$(psql -X -tAc "SELECT last / 2 FROM feed_counter" "$DB_URL")
echo "== 3. feed reads (after=$MID, limit=100)"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" "$API/events?after=$MID&limit=100"

echo "== plans"
CUST=$(psql -X -tAc "SELECT id FROM custodians WHERE orgnr = '$FHI'" "$DB_URL")
psql -X "$DB_URL" <<SQL
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT c.id AS custodian_id, COALESCE(k.changes, 0) AS changes
FROM custodians c LEFT JOIN custodian_task_counters k ON k.custodian_id = c.id
WHERE c.orgnr = '$FHI' AND c.retired_at IS NULL;

EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT t.*, cs.case_number, d.code, d.name_nb, d.name_en
FROM custodian_tasks t JOIN cases cs ON cs.id = t.case_id JOIN data_sources d ON d.id = t.data_source_id
WHERE t.custodian_id = '$CUST' AND t.state = ANY('{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}')
ORDER BY t.updated_at, t.id LIMIT 51;

EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM feed_events WHERE sequence > $MID AND custodian_id = '$CUST' ORDER BY sequence LIMIT 100;

EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT * FROM feed_events WHERE sequence > $MID AND custodian_id = (SELECT id FROM custodians WHERE orgnr = '974761122')
ORDER BY sequence LIMIT 100;
SQL
