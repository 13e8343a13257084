-- Issue 12: the statutory clock runs until the data are made available
-- (helseregisterloven § 19 f), not only until the decision.
--
-- A decided case is *awaiting delivery* while a granted source is neither
-- delivered nor reported undeliverable; its due date (`due_on`) stays set
-- until then, so the queue and the job runner see late deliveries.
ALTER TABLE cases
    ADD COLUMN awaiting_delivery      BOOLEAN NOT NULL DEFAULT false,
    -- the day the last granted source was delivered or reported undeliverable
    ADD COLUMN data_made_available_on DATE;

CREATE INDEX cases_awaiting_delivery_queue ON cases (queue_due_on, id) WHERE awaiting_delivery;

-- Each granted source's part in making the data available: the custodian's
-- postponement with a preliminary reply (foreløpig svar), the delivery date
-- agreed with the applicant (avtalt frist), and how it ended (delivered, or
-- reported impossible with a reason). Written with the case events, in the
-- transaction of the custodian's task action.
CREATE TABLE case_delivery_parts (
    case_id                   UUID NOT NULL REFERENCES cases (id),
    data_source_id            UUID NOT NULL REFERENCES data_sources (id),
    postponed_on              DATE,
    postponement_expected_on  DATE,
    postponement_reason       TEXT,
    agreed_on                 DATE,
    settlement                TEXT CHECK (settlement IN ('DELIVERED', 'CANNOT_DELIVER')),
    -- the delivery date, or the day the report was made
    settled_on                DATE,
    -- the day the part was due when it ended: its lateness is counted
    -- against this, whatever a later postponement of the case moves
    -- (NULL for parts that ended before this column existed)
    settled_due_on            DATE,
    -- how it was delivered (DELIVERED)
    method                    TEXT,
    -- why it cannot be delivered (CANNOT_DELIVER)
    reason                    TEXT,
    -- the custodian that delivered or reported
    settled_by_custodian_id   UUID REFERENCES custodians (id),
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, data_source_id),
    CHECK ((postponed_on IS NULL) = (postponement_expected_on IS NULL)
           AND (postponed_on IS NULL) = (postponement_reason IS NULL)),
    CHECK ((settlement IS NULL) = (settled_on IS NULL)
           AND (settlement IS NULL) = (settled_by_custodian_id IS NULL)),
    CHECK (settled_due_on IS NULL OR settlement IS NOT NULL),
    CHECK (settlement IS DISTINCT FROM 'DELIVERED' OR method IS NOT NULL),
    CHECK (settlement IS DISTINCT FROM 'CANNOT_DELIVER' OR btrim(reason) <> '')
);

-- A custodian's postponement and agreed date are task events too (the task
-- keeps its state; its version moves).
ALTER TABLE task_events DROP CONSTRAINT task_events_kind_check;
ALTER TABLE task_events ADD CONSTRAINT task_events_kind_check
    CHECK (kind IN ('ACKNOWLEDGED', 'PROGRESS_REPORTED', 'DELIVERED', 'CANNOT_DELIVER',
                    'DECIDED', 'HOURS_REPORTED', 'DELIVERY_POSTPONED', 'DELIVERY_DATE_AGREED'));

-- Parts already ended before this migration: delivered and undeliverable
-- preparation tasks.
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
       COALESCE(NULLIF(btrim(t.state_reason), ''), 'not stated'), t.custodian_id,
       e.occurred_at, e.occurred_at
FROM custodian_tasks t
JOIN task_events e ON e.task_id = t.id AND e.kind = 'CANNOT_DELIVER'
WHERE t.kind = 'DATA_PREPARATION' AND t.state = 'CANNOT_DELIVER'
ON CONFLICT DO NOTHING;

-- Decided cases with a granted source still open await delivery, due on the
-- statutory deadline or the later postponed date.
UPDATE cases c
SET awaiting_delivery = true,
    due_on = GREATEST(c.statutory_deadline, c.postponement_expected_on)
WHERE c.status IN ('DECIDED', 'APPEALED', 'FORWARDED_TO_APPEALS_BODY')
  AND EXISTS (
      SELECT 1 FROM case_decisions d
      WHERE d.case_id = c.id AND d.round = c.decision_round AND d.outcome <> 'REFUSED'
        AND NOT EXISTS (SELECT 1 FROM case_delivery_parts p
                        WHERE p.case_id = c.id AND p.data_source_id = d.data_source_id
                          AND p.settlement IS NOT NULL));

UPDATE cases c
SET data_made_available_on = (SELECT max(p.settled_on) FROM case_delivery_parts p WHERE p.case_id = c.id)
WHERE NOT c.awaiting_delivery AND c.decided_on IS NOT NULL
  AND EXISTS (SELECT 1 FROM case_delivery_parts p WHERE p.case_id = c.id AND p.settlement IS NOT NULL);
