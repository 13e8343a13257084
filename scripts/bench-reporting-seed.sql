-- BENCH ONLY: never run against a real database.
--
-- After scripts/bench-seed.sql: what the statistics read beyond what that
-- seed writes, for the cases that lack it, so that the reporting benchmark
-- (scripts/bench-reporting.py, docs/benchmarks.md) computes real figures:
-- the MARKED_COMPLETE event with the statutory deadline the seed set, a
-- task_deliveries row for every DELIVERED task (delivered on the day it was
-- last updated), and the CANNOT_DELIVER task event of every task in that
-- state, and for each of those the case's delivery part (case_delivery_parts,
-- which the statistics read), as migration 2026-11-30-1201 backfills them. Set-based, one transaction, the append-only guards disabled for
-- the load as in bench-seed.sql. bench-seed.sql's snapshots have no
-- purpose (which submission requires): each gets one of the three, in turn.
\set ON_ERROR_STOP 1
BEGIN;
ALTER TABLE application_snapshots DISABLE TRIGGER ALL;
UPDATE application_snapshots s
   SET content = jsonb_set(s.content, '{content,purpose}', to_jsonb(
       (ARRAY['MEDICAL_AND_HEALTH_RESEARCH', 'OTHER_RESEARCH', 'HEALTH_ANALYSIS'])
       [1 + abs(hashtext(s.application_id::text)) % 3]))
 WHERE s.content #>> '{content,purpose}' IS NULL;
ALTER TABLE application_snapshots ENABLE TRIGGER ALL;
ALTER TABLE case_events DISABLE TRIGGER ALL;
ALTER TABLE task_deliveries DISABLE TRIGGER ALL;
ALTER TABLE task_events DISABLE TRIGGER ALL;

INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant, status_before,
                         status_after, data)
SELECT c.id, 'MARKED_COMPLETE', c.received_at + interval '1 hour', 'h-0123456789abcdef', true,
       'SUBMITTED', 'UNDER_REVIEW',
       jsonb_build_object('completedOn', c.completed_on::text, 'linkage', 'NONE',
                          'statutoryDeadline', c.statutory_deadline::text)
FROM cases c
WHERE c.completed_on IS NOT NULL AND c.statutory_deadline IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'MARKED_COMPLETE');

INSERT INTO task_deliveries (task_id, delivered_on, method, contents, recorded_at, recorded_by)
SELECT t.id, (t.updated_at AT TIME ZONE 'Europe/Oslo')::date, 'SECURE_FILE_TRANSFER',
       'benchmark', t.updated_at, 'org:983744516'
FROM custodian_tasks t
WHERE t.state = 'DELIVERED'
  AND NOT EXISTS (SELECT 1 FROM task_deliveries d WHERE d.task_id = t.id);

INSERT INTO task_events (task_id, kind, state_before, state_after, occurred_at, actor, data)
SELECT t.id, 'CANNOT_DELIVER', 'IN_PREPARATION', 'CANNOT_DELIVER', t.updated_at, 'org:983744516',
       '{"reason": "seeded"}'::jsonb
FROM custodian_tasks t
WHERE t.state = 'CANNOT_DELIVER'
  AND NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id = t.id AND e.kind = 'CANNOT_DELIVER');

INSERT INTO case_delivery_parts (case_id, data_source_id, settlement, settled_on, method,
                                 settled_by_custodian_id, created_at, updated_at)
SELECT t.case_id, t.data_source_id, 'DELIVERED', d.delivered_on, d.method, t.custodian_id,
       d.recorded_at, d.recorded_at
FROM custodian_tasks t
JOIN task_deliveries d ON d.task_id = t.id
WHERE t.kind = 'DATA_PREPARATION' AND t.state = 'DELIVERED'
ON CONFLICT DO NOTHING;

INSERT INTO case_delivery_parts (case_id, data_source_id, settlement, settled_on, reason,
                                 settled_by_custodian_id, created_at, updated_at)
SELECT t.case_id, t.data_source_id, 'CANNOT_DELIVER', (e.occurred_at AT TIME ZONE 'Europe/Oslo')::date,
       'seeded', t.custodian_id, e.occurred_at, e.occurred_at
FROM custodian_tasks t
JOIN task_events e ON e.task_id = t.id AND e.kind = 'CANNOT_DELIVER'
WHERE t.kind = 'DATA_PREPARATION' AND t.state = 'CANNOT_DELIVER'
ON CONFLICT DO NOTHING;

-- The seeds load with the triggers off: raise every case's history version
-- as the triggers would have (migration 2026-11-30-1502), so that a server
-- that kept the histories in memory reads them again.
INSERT INTO case_history_versions (case_id, version) SELECT id, 1 FROM cases
ON CONFLICT (case_id) DO UPDATE SET version = case_history_versions.version + 1;
-- and every decided case's entry in the public overview (migration
-- 2026-11-30-1503), which its triggers would have kept.
SELECT count(refresh_overview_entry(id)) FROM cases WHERE decided_on IS NOT NULL;
ALTER TABLE case_events ENABLE TRIGGER ALL;
ALTER TABLE task_deliveries ENABLE TRIGGER ALL;
ALTER TABLE task_events ENABLE TRIGGER ALL;
COMMIT;
