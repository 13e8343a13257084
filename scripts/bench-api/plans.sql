-- BENCH ONLY (make bench-api): the plans of the prepared hot-path statements,
-- as a prepared statement gets them: the custom plan (parameters known) and
-- the generic plan PostgreSQL may switch to after five executions.
--   psql -v custodian=<FHI's id> -v after=<a feed sequence> -f plans.sql
\set ON_ERROR_STOP 1
\pset pager off

PREPARE poll(text, bigint) AS SELECT "custodians"."id", "custodian_task_counters"."changes" FROM ("custodians" LEFT OUTER JOIN "custodian_task_counters" ON ("custodian_task_counters"."custodian_id" = "custodians"."id")) WHERE (("custodians"."orgnr" = $1) AND ("custodians"."retired_at" IS NULL)) LIMIT $2;
PREPARE page(uuid, text[], bigint) AS SELECT "custodian_tasks"."id", "custodian_tasks"."case_id", "custodian_tasks"."custodian_id", "custodian_tasks"."data_source_id", "custodian_tasks"."kind", "custodian_tasks"."state", "custodian_tasks"."state_reason", "custodian_tasks"."version", "custodian_tasks"."created_at", "custodian_tasks"."updated_at", "cases"."case_number", "data_sources"."code", "data_sources"."name_nb", "data_sources"."name_en" FROM (("custodian_tasks" INNER JOIN "cases" ON ("custodian_tasks"."case_id" = "cases"."id")) INNER JOIN "data_sources" ON ("custodian_tasks"."data_source_id" = "data_sources"."id")) WHERE (("custodian_tasks"."custodian_id" = $1) AND ("custodian_tasks"."state" = ANY($2))) ORDER BY "custodian_tasks"."updated_at" ASC, "custodian_tasks"."id" ASC LIMIT $3;
PREPARE feed(text, bigint, bigint) AS SELECT k.last, e.sequence, e.id, e.type, e.source, e.subject, e.time, e.data, e.custodian_id, e.case_id FROM feed_counter k JOIN custodians c ON c.orgnr = $1 AND c.retired_at IS NULL LEFT JOIN LATERAL (SELECT * FROM feed_events f WHERE (f.custodian_id, f.sequence) > (c.id, $2) AND (f.custodian_id, f.sequence) <= (c.id, 9223372036854775807) ORDER BY f.custodian_id, f.sequence LIMIT $3) e ON true;
PREPARE facts(text[]) AS SELECT d.id, d.code, d.name_nb, d.name_en, d.data_kinds, d.channel, d.external_url, d.retired_at IS NOT NULL, ARRAY(SELECT p.purpose_code FROM data_source_purposes p WHERE p.data_source_id = d.id), COALESCE(v.names, '{}'), COALESCE(v.identifying, '{}'), COALESCE(v.retired, '{}') FROM data_sources d CROSS JOIN LATERAL (SELECT array_agg(x.name) AS names, array_agg(x.identifying) AS identifying, array_agg(x.retired_at IS NOT NULL) AS retired FROM variables x WHERE x.data_source_id = d.id) v WHERE d.code = ANY($1);

\echo '== the poll (304): custom, then generic'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE poll('983744516', 1);
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE poll('983744516', 1);

\echo '== the task page (200, 50 tasks): custom, then generic'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51);
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51);

\echo '== a custodian feed page (100 events): custom, then generic'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE feed('983744516', :after, 100);
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE feed('983744516', :after, 100);

\echo '== the feed page of a custodian with no events: generic (reads no more than the page)'
SELECT orgnr AS quiet FROM custodians c WHERE NOT EXISTS (SELECT 1 FROM custodian_task_counters k WHERE k.custodian_id = c.id) ORDER BY orgnr LIMIT 1 \gset
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE feed(:'quiet', 0, 100);

\echo '== the catalogue facts of submit: generic'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE facts('{MFR}');

\echo '== which plan the task page gets when PostgreSQL chooses (after ten executions)'
SET plan_cache_mode = auto;
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}', 51) \g /dev/null
EXECUTE poll('983744516', 1) \g /dev/null
EXECUTE poll('983744516', 1) \g /dev/null
EXECUTE poll('983744516', 1) \g /dev/null
EXECUTE poll('983744516', 1) \g /dev/null
EXECUTE poll('983744516', 1) \g /dev/null
EXECUTE poll('983744516', 1) \g /dev/null
SELECT name, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY name;
