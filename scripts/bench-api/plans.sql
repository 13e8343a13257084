-- BENCH ONLY (make bench-api): the plans of the prepared hot-path statements,
-- as a prepared statement gets them: the custom plan (parameters known) and
-- the generic plan PostgreSQL may switch to after five executions.
--   psql -v custodian=<FHI's id> -v after=<a feed sequence> -f plans.sql
\set ON_ERROR_STOP 1
\pset pager off

PREPARE poll(text[]) AS SELECT "custodians"."orgnr", "custodians"."id", "custodian_task_counters"."changes" FROM ("custodians" LEFT OUTER JOIN "custodian_task_counters" ON ("custodian_task_counters"."custodian_id" = "custodians"."id")) WHERE (("custodians"."orgnr" = ANY($1)) AND ("custodians"."retired_at" IS NULL));
PREPARE page(uuid, text[]) AS SELECT c.id, COALESCE(k.changes, 0), p.id, p.case_id, p.custodian_id, p.data_source_id, p.kind, p.state, p.state_reason, p.version, p.created_at, p.updated_at, p.case_number, p.source_code, p.source_name_nb, p.source_name_en FROM custodians c LEFT JOIN custodian_task_counters k ON k.custodian_id = c.id LEFT JOIN LATERAL (SELECT t.*, cs.case_number, d.code AS source_code, d.name_nb AS source_name_nb, d.name_en AS source_name_en FROM custodian_tasks t JOIN cases cs ON cs.id = t.case_id JOIN data_sources d ON d.id = t.data_source_id WHERE t.custodian_id = c.id AND t.state = ANY($2) ORDER BY t.updated_at, t.id LIMIT 51) p ON true WHERE c.id = $1 AND c.retired_at IS NULL ORDER BY p.updated_at, p.id;
PREPARE first_page(text, text[]) AS SELECT c.id, COALESCE(k.changes, 0), p.id, p.case_id, p.custodian_id, p.data_source_id, p.kind, p.state, p.state_reason, p.version, p.created_at, p.updated_at, p.case_number, p.source_code, p.source_name_nb, p.source_name_en FROM custodians c LEFT JOIN custodian_task_counters k ON k.custodian_id = c.id LEFT JOIN LATERAL (SELECT t.*, cs.case_number, d.code AS source_code, d.name_nb AS source_name_nb, d.name_en AS source_name_en FROM custodian_tasks t JOIN cases cs ON cs.id = t.case_id JOIN data_sources d ON d.id = t.data_source_id WHERE t.custodian_id = c.id AND t.state = ANY($2) ORDER BY t.updated_at, t.id LIMIT 51) p ON true WHERE c.orgnr = $1 AND c.retired_at IS NULL ORDER BY p.updated_at, p.id;
PREPARE feed(text, bigint, bigint) AS SELECT k.last, e.sequence, e.id, e.type, e.source, e.subject, e.time, e.data, e.custodian_id, e.case_id FROM feed_counter k JOIN custodians c ON c.orgnr = $1 AND c.retired_at IS NULL LEFT JOIN LATERAL (SELECT * FROM feed_events f WHERE (f.custodian_id, f.sequence) > (c.id, $2) AND (f.custodian_id, f.sequence) <= (c.id, 9223372036854775807) ORDER BY f.custodian_id, f.sequence LIMIT $3) e ON true;
PREPARE facts(text[]) AS SELECT d.id, d.code, d.name_nb, d.name_en, d.data_kinds, d.channel, d.external_url, d.retired_at IS NOT NULL, ARRAY(SELECT p.purpose_code FROM data_source_purposes p WHERE p.data_source_id = d.id), COALESCE(v.names, '{}'), COALESCE(v.identifying, '{}'), COALESCE(v.retired, '{}') FROM data_sources d CROSS JOIN LATERAL (SELECT array_agg(x.name) AS names, array_agg(x.identifying) AS identifying, array_agg(x.retired_at IS NOT NULL) AS retired FROM variables x WHERE x.data_source_id = d.id) v WHERE d.code = ANY($1);

\echo '== the poll (304): custom, then generic'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE poll('{983744516}');
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE poll('{983744516}');

\echo '== the task page (200, 50 tasks): custom, then generic'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}');
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}');

\echo '== the first poll (no ETag: the page finds the custodian by orgnr): custom, then generic'
SET plan_cache_mode = force_custom_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}');
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}');

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
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE page(:'custodian', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE poll('{983744516}') \g /dev/null
EXECUTE poll('{983744516}') \g /dev/null
EXECUTE poll('{983744516}') \g /dev/null
EXECUTE poll('{983744516}') \g /dev/null
EXECUTE poll('{983744516}') \g /dev/null
EXECUTE poll('{983744516}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
EXECUTE first_page('983744516', '{ACKNOWLEDGED,ASSIGNED,IN_PREPARATION}') \g /dev/null
SELECT name, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY name;
