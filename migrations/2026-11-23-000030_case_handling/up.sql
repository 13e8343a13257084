-- Case handling (issue 5): the statutory clock, assignment, questions to the
-- applicant, postponements, decisions per data source, appeals, the tasks
-- custodians get, and what the job runner needs. Everything a case handler's
-- work queue filters or sorts on is an indexed column; the rest is in child
-- tables. The domain's `hds_domain::case::Case` is loaded from these columns.

ALTER TABLE cases
    -- the date of the latest command (the domain refuses back-dated commands)
    ADD COLUMN last_change_on            DATE,
    -- the case handler assigned: a pseudonymous handler id ("h-" + 16 hex of
    -- SHA-256 over the handler's national id) and the name from the token
    ADD COLUMN assignee                  TEXT CHECK (assignee ~ '^h-[0-9a-f]{16}$'),
    ADD COLUMN assignee_name             TEXT,
    -- the statutory clock: day 0, 30 or 60 working days
    ADD COLUMN completed_on              DATE,
    ADD COLUMN linkage                   TEXT CHECK (linkage IN ('SINGLE_SOURCE',
                                             'IDENTIFIABLE_DATA_FROM_SEVERAL_REGISTERS',
                                             'STATISTICS_FROM_SEVERAL_SOURCES')),
    ADD COLUMN statutory_deadline        DATE,
    -- Case::due_date(): the postponed date or the statutory deadline, while
    -- under review or awaiting the applicant; NULL otherwise
    ADD COLUMN due_on                    DATE,
    -- the clock is paused while a question waits after completeness
    ADD COLUMN clock_paused              BOOLEAN NOT NULL DEFAULT false,
    -- the latest postponement with a preliminary reply (foreløpig svar):
    -- the expected date here, its date and reason in `details`
    ADD COLUMN postponement_expected_on  DATE,
    -- the open question (also kept as the reason of a rejection for no reply)
    ADD COLUMN open_question_id          UUID,
    -- the decision (vedtak): per-source outcomes are in case_decisions
    ADD COLUMN decision_round            INT NOT NULL DEFAULT 1,
    ADD COLUMN decided_on                DATE,
    ADD COLUMN decision_appeal_deadline  DATE,
    -- the rest of the domain case, never filtered on: postponedOn,
    -- postponementReason, rejectedOn, rejectionAppealDeadline, appealedOn,
    -- appealAgainst, forwardedOn, withdrawnOn, closedOn (dates YYYY-MM-DD)
    ADD COLUMN details                   JSONB NOT NULL DEFAULT '{}'::jsonb
                                             CHECK (jsonb_typeof(details) = 'object'),
    -- the first day a scheduled job (reminder, rejection) is due: the day
    -- after the current reply deadline; NULL when none
    ADD COLUMN next_job_on               DATE,
    -- the due date an OVERDUE event was recorded for (once per due date)
    ADD COLUMN overdue_flagged_for       DATE,
    -- the queue's sort key: the due date, open-ended cases last
    ADD COLUMN queue_due_on              DATE GENERATED ALWAYS AS (COALESCE(due_on, DATE '9999-12-31')) STORED;

UPDATE cases SET last_change_on = received_on;
ALTER TABLE cases ALTER COLUMN last_change_on SET NOT NULL;
-- A new case's last change is its receipt (submission inserts only the basics).
CREATE FUNCTION case_last_change_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.last_change_on := COALESCE(NEW.last_change_on, NEW.received_on);
    RETURN NEW;
END $$;
CREATE TRIGGER cases_last_change_default BEFORE INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION case_last_change_default();

CREATE INDEX cases_queue ON cases (queue_due_on, id);
CREATE INDEX cases_assignee_queue ON cases (assignee, queue_due_on, id);
CREATE INDEX cases_status_queue ON cases (status, queue_due_on, id);
-- the job runner's claims
CREATE INDEX cases_next_job ON cases (next_job_on) WHERE next_job_on IS NOT NULL;
CREATE INDEX cases_due_open ON cases (due_on) WHERE due_on IS NOT NULL;
-- cases whose due date has not been flagged overdue yet: the overdue rule
-- reads only these (O(unflagged), not O(overdue))
CREATE INDEX cases_overdue_unflagged ON cases (due_on, id)
    WHERE due_on IS NOT NULL AND overdue_flagged_for IS DISTINCT FROM due_on;

-- The data sources a case asks for, with their custodian and decision
-- authority as they were at submission. Filled from the frozen snapshot when
-- the case row is inserted (trigger below), so submission needs no change.
CREATE TABLE case_sources (
    case_id             UUID NOT NULL REFERENCES cases (id),
    data_source_id      UUID NOT NULL REFERENCES data_sources (id),
    data_source_code    TEXT NOT NULL,
    custodian_id        UUID NOT NULL REFERENCES custodians (id),
    decision_authority  TEXT NOT NULL CHECK (decision_authority IN ('HDS', 'CUSTODIAN')),
    -- what was asked for: {code, variables, periodFrom, periodTo}
    requested           JSONB NOT NULL DEFAULT '{}'::jsonb,
    position            INT NOT NULL,
    PRIMARY KEY (case_id, data_source_id)
);
CREATE INDEX case_sources_source ON case_sources (data_source_code, case_id);
CREATE INDEX case_sources_custodian ON case_sources (custodian_id, case_id);

CREATE FUNCTION fill_case_sources() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_sources (case_id, data_source_id, data_source_code, custodian_id,
                              decision_authority, requested, position)
    SELECT NEW.id, ds.id, ds.code, ds.custodian_id, ds.decision_authority, src.value, src.ordinality
    FROM application_snapshots s
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(s.content #> '{content,dataSources}') = 'array'
             THEN s.content #> '{content,dataSources}' ELSE '[]'::jsonb END
    ) WITH ORDINALITY AS src (value, ordinality)
    JOIN data_sources ds ON ds.code = src.value ->> 'code'
    WHERE s.application_id = NEW.application_id
    ON CONFLICT DO NOTHING;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_fill_sources AFTER INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION fill_case_sources();

-- Cases submitted before this migration.
INSERT INTO case_sources (case_id, data_source_id, data_source_code, custodian_id,
                          decision_authority, requested, position)
SELECT c.id, ds.id, ds.code, ds.custodian_id, ds.decision_authority, src.value, src.ordinality
FROM cases c
JOIN application_snapshots s ON s.application_id = c.application_id
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(s.content #> '{content,dataSources}') = 'array'
         THEN s.content #> '{content,dataSources}' ELSE '[]'::jsonb END
) WITH ORDINALITY AS src (value, ordinality)
JOIN data_sources ds ON ds.code = src.value ->> 'code'
ON CONFLICT DO NOTHING;

-- Questions to the applicant (spørsmål til søker) and their answers.
CREATE TABLE case_questions (
    id                       UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id                  UUID NOT NULL REFERENCES cases (id),
    text                     TEXT NOT NULL CHECK (btrim(text) <> '' AND length(text) <= 10000),
    asked_on                 DATE NOT NULL,
    asked_at                 TIMESTAMPTZ NOT NULL,
    asked_by                 TEXT NOT NULL,
    reply_deadline           DATE NOT NULL,
    clock_paused             BOOLEAN NOT NULL,
    reminder_sent_on         DATE,
    reminder_reply_deadline  DATE,
    answered_on              DATE,
    answered_at              TIMESTAMPTZ,
    answered_by              TEXT,
    answer                   TEXT CHECK (answer IS NULL OR (btrim(answer) <> '' AND length(answer) <= 20000)),
    -- why it closed without an answer: REJECTED_NO_REPLY, REJECTION_LIFTED, WITHDRAWN
    closed_without_answer    TEXT,
    CHECK ((reminder_sent_on IS NULL) = (reminder_reply_deadline IS NULL)),
    CHECK ((answered_on IS NULL) = (answer IS NULL))
);
CREATE INDEX case_questions_case ON case_questions (case_id, asked_at, id);
ALTER TABLE cases ADD CONSTRAINT cases_open_question_fk
    FOREIGN KEY (open_question_id) REFERENCES case_questions (id);

-- Decisions (vedtak) per data source. `round` 1 is the first decision; a
-- reversal on appeal writes the next round. The case's current decision is
-- the rows of cases.decision_round.
CREATE TABLE case_decisions (
    id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id              UUID NOT NULL REFERENCES cases (id),
    data_source_id       UUID NOT NULL REFERENCES data_sources (id),
    round                INT NOT NULL CHECK (round >= 1),
    outcome              TEXT NOT NULL CHECK (outcome IN ('GRANTED', 'PARTLY_GRANTED', 'REFUSED')),
    -- e.g. "helseregisterloven § 19 a", "forskrift om Medisinsk fødselsregister § 3-1"
    legal_basis          TEXT[] NOT NULL CHECK (cardinality(legal_basis) >= 1),
    conditions           TEXT[] NOT NULL DEFAULT '{}',
    text                 TEXT NOT NULL CHECK (btrim(text) <> ''),
    -- what a PARTLY_GRANTED decision grants
    granted_variables    TEXT[],
    granted_period_from  INT,
    granted_period_to    INT,
    decided_on           DATE NOT NULL,
    decided_at           TIMESTAMPTZ NOT NULL,
    decided_by           TEXT NOT NULL,
    authority            TEXT NOT NULL CHECK (authority IN ('HDS', 'CUSTODIAN')),
    UNIQUE (case_id, data_source_id, round),
    FOREIGN KEY (case_id, data_source_id) REFERENCES case_sources (case_id, data_source_id)
);

-- Work for a custodian on a case: deciding for a source it has decision
-- authority over, or preparing and delivering a granted source's data. The
-- custodian issue exposes these; case handling creates and cancels them.
CREATE TABLE custodian_tasks (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id         UUID NOT NULL REFERENCES cases (id),
    custodian_id    UUID NOT NULL REFERENCES custodians (id),
    data_source_id  UUID NOT NULL REFERENCES data_sources (id),
    kind            TEXT NOT NULL CHECK (kind IN ('DECISION', 'DATA_PREPARATION')),
    state           TEXT NOT NULL DEFAULT 'ASSIGNED' CHECK (state IN ('ASSIGNED', 'ACKNOWLEDGED',
                        'IN_PREPARATION', 'DELIVERED', 'CANNOT_DELIVER', 'CANCELLED')),
    state_reason    TEXT,
    version         INT NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (case_id, data_source_id, kind),
    FOREIGN KEY (case_id, data_source_id) REFERENCES case_sources (case_id, data_source_id)
);
CREATE INDEX custodian_tasks_custodian ON custodian_tasks (custodian_id, updated_at, id);
CREATE INDEX custodian_tasks_case ON custodian_tasks (case_id);
