-- BENCH AND TEST ONLY: never run against a real database.
--
-- Seeds :cases submitted, decided cases (numbers HDS-2020-<:first ...>), each
-- asking for MFR (custodian FHI) and one of BIVIRK (DMP), HELSEARKIV
-- (ARKIVVERKET) or NPR (FHI), with a DATA_PREPARATION task per source in a
-- spread of states and update times over the last year. A shortcut past the
-- applications and case handling API (which makes the same rows one case at
-- a time): the trigger still fills case_sources, and each task gets its
-- no.helsedata.task.assigned feed event, as in production (appended in bulk).
--
--   psql "$DATABASE_URL" -v cases=100000 -v first=1 -f scripts/seed-custodian-tasks.sql
--
-- Used by `make bench-custodian` (100,000 cases) and by the black-box test
-- tests/tests/custodians.rs (a few cases at a time).
\set ON_ERROR_STOP 1
\if :{?cases}
\else
\set cases 100000
\endif
\if :{?first}
\else
\set first 1
\endif
-- tests: every task in this state (version 1) instead of the spread
\if :{?state}
\else
\set state ''
\endif

BEGIN;
CREATE TEMP TABLE seed_numbers ON COMMIT DROP AS
SELECT g, gen_random_uuid() AS application_id,
       (ARRAY['BIVIRK', 'HELSEARKIV', 'NPR'])[1 + g % 3] AS second_source,
       now() - make_interval(secs => (random() * 365 * 86400)::int) AS at
FROM generate_series(:first, :first + :cases - 1) g;

INSERT INTO applications (id, owner_pid, status, content, submitted_at, created_at, updated_at)
SELECT application_id, '15058550040', 'SUBMITTED', '{}'::jsonb, at, at, at FROM seed_numbers;

INSERT INTO application_snapshots (application_id, content, submitted_at, submitted_by)
SELECT application_id,
       jsonb_build_object('content', jsonb_build_object(
           'project', jsonb_build_object('title', 'Benchmark project ' || g,
                                         'summary', 'A seeded project for load tests.'),
           'responsibility', jsonb_build_object(
               'institutionName', 'Universitetet i Oslo',
               'projectLeader', jsonb_build_object('name', 'Kari Nordmann', 'email', 'kari.nordmann@example.org')),
           'dataSources', jsonb_build_array(
               jsonb_build_object('code', 'MFR', 'variables', jsonb_build_array('VEKT', 'KJONN'),
                                  'periodFrom', 2010, 'periodTo', 2020),
               jsonb_build_object('code', second_source)))),
       at, 'person:150585*****'
FROM seed_numbers;

-- the cases_fill_sources trigger fills case_sources from the snapshot
INSERT INTO cases (application_id, case_number, status, received_at, received_on, created_at, updated_at,
                   decided_on)
SELECT application_id, 'HDS-2020-' || CASE WHEN g < 1000000 THEN lpad(g::text, 6, '0') ELSE g::text END, 'DECIDED', at, (at AT TIME ZONE 'Europe/Oslo')::date,
       at, at, (at AT TIME ZONE 'Europe/Oslo')::date
FROM seed_numbers;

-- One task per source. In bulk, the per-row feed trigger would update the
-- one-row feed counter once per task inside one transaction (quadratic in
-- the row versions it leaves), so it is off for this INSERT and the same
-- no.helsedata.task.assigned events are appended below in one statement.
SET LOCAL session_replication_role = replica;
INSERT INTO custodian_tasks (case_id, custodian_id, data_source_id, kind, state, state_reason, version,
                             created_at, updated_at)
SELECT cs.case_id, cs.custodian_id, cs.data_source_id, 'DATA_PREPARATION', st.state,
       CASE WHEN st.state = 'CANNOT_DELIVER' THEN 'seeded' END, st.version, n.at,
       n.at + make_interval(secs => (random() * 30 * 86400)::int)
FROM seed_numbers n
JOIN cases c ON c.application_id = n.application_id
JOIN case_sources cs ON cs.case_id = c.id
CROSS JOIN LATERAL (
    SELECT COALESCE(NULLIF(:'state', ''),
                    (ARRAY['DELIVERED', 'DELIVERED', 'DELIVERED', 'DELIVERED', 'IN_PREPARATION',
                           'ACKNOWLEDGED', 'ASSIGNED', 'CANNOT_DELIVER', 'DELIVERED', 'CANCELLED'])[1 + (n.g + cs.position) % 10]) AS state,
           CASE WHEN :'state' = '' THEN 1 + (n.g + cs.position) % 4 ELSE 1 END AS version
) st;
SET LOCAL session_replication_role = origin;

-- what the trigger would have appended, in one go (webhook outbox trigger included)
WITH counter AS (SELECT last FROM feed_counter FOR UPDATE),
new_tasks AS (
    SELECT t.*, row_number() OVER (ORDER BY n.g, t.id) AS rn
    FROM seed_numbers n
    JOIN cases c ON c.application_id = n.application_id
    JOIN custodian_tasks t ON t.case_id = c.id
)
INSERT INTO feed_events (sequence, type, source, subject, data, custodian_id, case_id)
SELECT counter.last + rn, 'no.helsedata.task.assigned', '/api/v1/tasks/' || t.id, t.id::text,
       jsonb_build_object('taskId', t.id, 'caseId', t.case_id, 'kind', t.kind, 'state', t.state,
                          'version', t.version),
       t.custodian_id, t.case_id
FROM new_tasks t, counter;
UPDATE feed_counter SET last = (SELECT COALESCE(max(sequence), 0) FROM feed_events);
-- and what the (statement-level) counter trigger would have counted
INSERT INTO custodian_task_counters AS k (custodian_id, changes)
SELECT t.custodian_id, count(*)
FROM seed_numbers n JOIN cases c ON c.application_id = n.application_id
JOIN custodian_tasks t ON t.case_id = c.id
GROUP BY t.custodian_id
ON CONFLICT (custodian_id) DO UPDATE SET changes = k.changes + EXCLUDED.changes, changed_at = now();
SELECT pg_notify('hds_feed', last::text) FROM feed_counter;
COMMIT;
ANALYZE custodian_tasks;
ANALYZE feed_events;
