-- BENCH ONLY: never run against a real database.
--
-- Bulk-loads :cases submitted and decided cases (the :first-th to the
-- (:first + :cases - 1)-th seeded), numbered after the current year's case
-- number counter (HDS-<year>-000001 ..., seven digits past 999,999), each with what submission and case handling would
-- have left: the application and its frozen snapshot, the case and its
-- sources, a GRANTED decision per source, the SUBMITTED and DECIDED case
-- events, a DATA_PREPARATION task per source (custodian FHI for MFR, and
-- DMP, Arkivverket or FHI for the second source) in a spread of states and
-- update times, and the feed events (no.helsedata.case.received,
-- no.helsedata.task.assigned) and counters the triggers would have written.
--
--   psql "$DATABASE_URL" -v first=1 -v cases=100000 -f scripts/bench-seed.sql
--
-- Set-based, in one transaction: each table is filled by one INSERT ...
-- SELECT over generate_series. The row triggers (feed events, case sources,
-- counters, append-only guards, foreign keys) are disabled per table for
-- the load (ALTER TABLE ... DISABLE TRIGGER ALL is transactional) and what
-- they would have written is written here in bulk: one trigger call per row
-- appending to the one-row feed counter is what made a row-by-row load take
-- minutes per 100,000. Foreign keys hold by construction (every id comes
-- from the rows inserted before it), and the checks at the end say so.
-- Run it again with the next :first to grow the database (10k -> 100k -> 1M).
\set ON_ERROR_STOP 1
\if :{?cases}
\else
\set cases 10000
\endif
\if :{?first}
\else
\set first 1
\endif

BEGIN;
SET LOCAL work_mem = '256MB';
SET LOCAL maintenance_work_mem = '512MB';
ALTER TABLE applications DISABLE TRIGGER ALL;
ALTER TABLE application_snapshots DISABLE TRIGGER ALL;
ALTER TABLE cases DISABLE TRIGGER ALL;
ALTER TABLE case_sources DISABLE TRIGGER ALL;
ALTER TABLE case_decisions DISABLE TRIGGER ALL;
ALTER TABLE case_events DISABLE TRIGGER ALL;
ALTER TABLE custodian_tasks DISABLE TRIGGER ALL;
ALTER TABLE feed_events DISABLE TRIGGER ALL;

-- one row per case: its ids, its number, its second source and when it was
-- received (spread over the 300 days before the last 50, so that decisions
-- and task updates are in the past; numbered in the current year whatever
-- the received date: bench data)
-- the case numbers continue the year's counter (API submits between two
-- seeds take numbers too)
CREATE TEMP TABLE seed_year ON COMMIT DROP AS
SELECT y.year, COALESCE(k.last_value, 0)::bigint AS base
FROM (SELECT extract(year FROM now() AT TIME ZONE 'Europe/Oslo')::int AS year) y
LEFT JOIN case_number_counters k ON k.year = y.year;

CREATE TEMP TABLE seed ON COMMIT DROP AS
SELECT g,
       gen_random_uuid() AS application_id,
       gen_random_uuid() AS case_id,
       'HDS-' || y.year || '-'
           || CASE WHEN y.base + g - :first + 1 < 1000000 THEN lpad((y.base + g - :first + 1)::text, 6, '0')
                   ELSE (y.base + g - :first + 1)::text END AS case_number,
       (ARRAY['BIVIRK', 'HELSEARKIV', 'NPR'])[1 + g % 3] AS second_source,
       now() - interval '50 days' - interval '300 days' * (((g * 7919) % 100003) / 100003.0) AS at
FROM generate_series(:first::bigint, :first + :cases - 1) g, seed_year y;

INSERT INTO applications (id, owner_pid, status, content, version, submitted_at, created_at, updated_at)
SELECT application_id, '15058550040', 'SUBMITTED',
       jsonb_build_object('project', jsonb_build_object('title', 'Benchmark project ' || g)),
       3, at, at - interval '2 days', at
FROM seed;

INSERT INTO application_snapshots (application_id, content, submitted_at, submitted_by)
SELECT application_id,
       jsonb_build_object('applicationId', application_id, 'version', 2, 'caseNumber', case_number,
           'content', jsonb_build_object(
               'project', jsonb_build_object('title', 'Benchmark project ' || g,
                                             'summary', 'A seeded project for load tests.'),
               'responsibility', jsonb_build_object(
                   'institutionName', 'Universitetet i Oslo',
                   'projectLeader', jsonb_build_object('name', 'Kari Nordmann',
                                                       'email', 'kari.nordmann@example.org')),
               'dataSources', jsonb_build_array(
                   jsonb_build_object('code', 'MFR', 'variables', jsonb_build_array('VEKT', 'KJONN'),
                                      'periodFrom', 2010, 'periodTo', 2020),
                   jsonb_build_object('code', second_source))),
           'attachments', '[]'::jsonb),
       at, 'person:150585*****'
FROM seed;

INSERT INTO cases (id, application_id, case_number, status, received_at, received_on, version,
                   created_at, updated_at, last_change_on, completed_on, statutory_deadline,
                   decided_on, decision_appeal_deadline)
SELECT case_id, application_id, case_number, 'DECIDED', at, (at AT TIME ZONE 'Europe/Oslo')::date, 3,
       at, at + interval '20 days', (at AT TIME ZONE 'Europe/Oslo')::date + 20,
       (at AT TIME ZONE 'Europe/Oslo')::date, (at AT TIME ZONE 'Europe/Oslo')::date + 42,
       (at AT TIME ZONE 'Europe/Oslo')::date + 20, (at AT TIME ZONE 'Europe/Oslo')::date + 41
FROM seed;

-- what fill_case_sources would have written
INSERT INTO case_sources (case_id, data_source_id, data_source_code, custodian_id,
                          decision_authority, requested, position)
SELECT s.case_id, ds.id, ds.code, ds.custodian_id, ds.decision_authority, src.requested, src.position
FROM seed s
CROSS JOIN LATERAL (VALUES
    (1, 'MFR', jsonb_build_object('code', 'MFR', 'variables', jsonb_build_array('VEKT', 'KJONN'),
                                  'periodFrom', 2010, 'periodTo', 2020)),
    (2, s.second_source, jsonb_build_object('code', s.second_source))
) AS src (position, code, requested)
JOIN data_sources ds ON ds.code = src.code;

INSERT INTO case_decisions (case_id, data_source_id, round, outcome, legal_basis, text, decided_on,
                            decided_at, decided_by, authority)
SELECT cs.case_id, cs.data_source_id, 1, 'GRANTED', ARRAY['helseregisterloven § 19 a'],
       'Innvilget (benchmark).', (s.at AT TIME ZONE 'Europe/Oslo')::date + 20,
       s.at + interval '20 days', 'h-0123456789abcdef', 'HDS'
FROM seed s JOIN case_sources cs ON cs.case_id = s.case_id;

INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant, status_before,
                         status_after, data)
SELECT s.case_id, e.kind, e.at, e.actor, true, e.before, e.after, e.data
FROM seed s
CROSS JOIN LATERAL (VALUES
    ('SUBMITTED', s.at, 'person:150585*****', NULL, 'SUBMITTED',
     jsonb_build_object('caseNumber', s.case_number,
                        'receivedOn', ((s.at AT TIME ZONE 'Europe/Oslo')::date)::text)),
    ('DECIDED', s.at + interval '20 days', 'h-0123456789abcdef', 'UNDER_REVIEW', 'DECIDED',
     '{}'::jsonb)
) AS e (kind, at, actor, before, after, data);

-- one task per source, in a spread of states and update times
INSERT INTO custodian_tasks (case_id, custodian_id, data_source_id, kind, state, state_reason, version,
                             created_at, updated_at)
SELECT cs.case_id, cs.custodian_id, cs.data_source_id, 'DATA_PREPARATION', st.state,
       CASE WHEN st.state = 'CANNOT_DELIVER' THEN 'seeded' END, 1 + (s.g + cs.position) % 4,
       s.at + interval '20 days',
       s.at + interval '20 days' + make_interval(secs => ((s.g * 104729 + cs.position) % 2592000)::int)
FROM seed s
JOIN case_sources cs ON cs.case_id = s.case_id
CROSS JOIN LATERAL (
    SELECT (ARRAY['DELIVERED', 'DELIVERED', 'DELIVERED', 'DELIVERED', 'IN_PREPARATION',
                  'ACKNOWLEDGED', 'ASSIGNED', 'CANNOT_DELIVER', 'DELIVERED', 'CANCELLED'])
           [1 + (s.g + cs.position) % 10] AS state
) st;

-- the feed events the triggers and submit would have appended, numbered
-- after the current counter in the order they happened
WITH counter AS (SELECT last FROM feed_counter FOR UPDATE),
new_events AS (
    SELECT 'no.helsedata.case.received' AS type, '/api/v1/cases/' || s.case_id AS source,
           s.case_number AS subject, s.at AS time,
           jsonb_build_object('caseId', s.case_id, 'caseNumber', s.case_number,
                              'applicationId', s.application_id, 'status', 'SUBMITTED') AS data,
           NULL::uuid AS custodian_id, s.case_id, s.g, 0 AS position, s.case_id AS id
    FROM seed s
    UNION ALL
    SELECT 'no.helsedata.task.assigned', '/api/v1/tasks/' || t.id, t.id::text, t.created_at,
           jsonb_build_object('taskId', t.id, 'caseId', t.case_id, 'kind', t.kind, 'state', 'ASSIGNED',
                              'version', 1),
           t.custodian_id, t.case_id, s.g, 1, t.id
    FROM seed s JOIN custodian_tasks t ON t.case_id = s.case_id
),
numbered AS (
    SELECT e.*, row_number() OVER (ORDER BY e.g, e.position, e.id) AS rn FROM new_events e
)
INSERT INTO feed_events (sequence, type, source, subject, time, data, custodian_id, case_id)
SELECT counter.last + rn, type, source, subject, time, data, custodian_id, case_id
FROM numbered, counter;
UPDATE feed_counter SET last = (SELECT COALESCE(max(sequence), 0) FROM feed_events);

-- what the statement-level counter trigger would have counted
INSERT INTO custodian_task_counters AS k (custodian_id, changes)
SELECT t.custodian_id, count(*)
FROM seed s JOIN custodian_tasks t ON t.case_id = s.case_id
GROUP BY t.custodian_id
ON CONFLICT (custodian_id) DO UPDATE SET changes = k.changes + EXCLUDED.changes, changed_at = now();

-- the year's case number counter: the next submit continues after the seed
INSERT INTO case_number_counters AS k (year, last_value)
SELECT year, base + :cases FROM seed_year
ON CONFLICT (year) DO UPDATE SET last_value = EXCLUDED.last_value;

ALTER TABLE applications ENABLE TRIGGER ALL;
ALTER TABLE application_snapshots ENABLE TRIGGER ALL;
ALTER TABLE cases ENABLE TRIGGER ALL;
ALTER TABLE case_sources ENABLE TRIGGER ALL;
ALTER TABLE case_decisions ENABLE TRIGGER ALL;
ALTER TABLE case_events ENABLE TRIGGER ALL;
ALTER TABLE custodian_tasks ENABLE TRIGGER ALL;
ALTER TABLE feed_events ENABLE TRIGGER ALL;

-- what the disabled foreign keys would have checked (each id above comes from
-- a row inserted before it), and the counts
DO $$
DECLARE
    n BIGINT := (SELECT count(*) FROM seed);
BEGIN
    IF (SELECT count(*) FROM seed s JOIN cases c ON c.id = s.case_id
                                    JOIN applications a ON a.id = c.application_id) <> n
       OR (SELECT count(*) FROM seed s JOIN case_sources cs ON cs.case_id = s.case_id) <> 2 * n
       OR (SELECT count(*) FROM seed s JOIN custodian_tasks t ON t.case_id = s.case_id
                                       JOIN case_sources cs ON cs.case_id = t.case_id
                                                           AND cs.data_source_id = t.data_source_id) <> 2 * n
       OR (SELECT last FROM feed_counter) <> (SELECT max(sequence) FROM feed_events) THEN
        RAISE EXCEPTION 'bench seed: inconsistent rows';
    END IF;
END $$;
COMMIT;
