-- Custodian task work (issue 6): the custodian's acknowledgements, progress
-- reports, deliveries, hours worked and decisions on its tasks, and a feed
-- event for every task creation and state change.

-- A DECISION task ends DECIDED when the custodian records its decision.
ALTER TABLE custodian_tasks DROP CONSTRAINT custodian_tasks_state_check;
ALTER TABLE custodian_tasks ADD CONSTRAINT custodian_tasks_state_check CHECK (state IN
    ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PREPARATION', 'DELIVERED', 'CANNOT_DELIVER', 'DECIDED', 'CANCELLED'));

-- Polling: the ETag aggregate (count, max(updated_at), sum(version)) and the
-- page itself come from this index alone (index-only scans). It replaces the
-- narrower (custodian_id, updated_at, id) index.
CREATE INDEX custodian_tasks_poll ON custodian_tasks (custodian_id, updated_at, id)
    INCLUDE (state, kind, version);
DROP INDEX custodian_tasks_custodian;

-- Everything that happens to a task, append-only: who, when, the state
-- before and after, and what was reported (progress, delivery, reason, hours).
CREATE TABLE task_events (
    id            BIGSERIAL PRIMARY KEY,
    task_id       UUID NOT NULL REFERENCES custodian_tasks (id),
    kind          TEXT NOT NULL CHECK (kind IN ('ACKNOWLEDGED', 'PROGRESS_REPORTED', 'DELIVERED',
                      'CANNOT_DELIVER', 'DECIDED', 'HOURS_REPORTED')),
    state_before  TEXT NOT NULL,
    state_after   TEXT NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL,
    actor         TEXT NOT NULL,
    data          JSONB NOT NULL DEFAULT '{}'::jsonb,
    request_id    TEXT
);
CREATE INDEX task_events_task ON task_events (task_id, id);

-- Progress reports (framdriftsrapporter).
CREATE TABLE task_progress_reports (
    id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id               UUID NOT NULL REFERENCES custodian_tasks (id),
    note                  TEXT NOT NULL CHECK (btrim(note) <> '' AND length(note) <= 5000),
    percent_complete      INT CHECK (percent_complete BETWEEN 0 AND 100),
    expected_delivery_on  DATE,
    reported_at           TIMESTAMPTZ NOT NULL,
    reported_by           TEXT NOT NULL
);
CREATE INDEX task_progress_reports_task ON task_progress_reports (task_id, reported_at);

-- Deliveries (utleveringer): when, how, and what was delivered.
CREATE TABLE task_deliveries (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id       UUID NOT NULL REFERENCES custodian_tasks (id),
    delivered_on  DATE NOT NULL,
    method        TEXT NOT NULL CHECK (method IN ('EMAIL', 'SECURE_FILE_TRANSFER',
                      'REMOTE_ACCESS', 'PHYSICAL_MEDIA', 'OTHER')),
    contents      TEXT NOT NULL CHECK (btrim(contents) <> '' AND length(contents) <= 5000),
    recorded_at   TIMESTAMPTZ NOT NULL,
    recorded_by   TEXT NOT NULL
);
CREATE UNIQUE INDEX task_deliveries_task ON task_deliveries (task_id);

-- Hours worked (timer), for the custodian's own invoice later.
CREATE TABLE task_hours (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_id         UUID NOT NULL REFERENCES custodian_tasks (id),
    worked_on       DATE NOT NULL,
    -- hundredths of an hour: 1.25 h = 125
    hundredths      INT NOT NULL CHECK (hundredths > 0 AND hundredths <= 2400),
    description     TEXT NOT NULL CHECK (btrim(description) <> '' AND length(description) <= 2000),
    recorded_at     TIMESTAMPTZ NOT NULL,
    recorded_by     TEXT NOT NULL
);
CREATE INDEX task_hours_task ON task_hours (task_id, worked_on);

CREATE FUNCTION refuse_task_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'task events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER task_events_append_only
    BEFORE UPDATE OR DELETE ON task_events
    FOR EACH ROW EXECUTE FUNCTION refuse_task_event_change();

-- A feed event, addressed to the task's custodian, for every task created
-- and every state change, in the transaction that makes it (whichever code
-- path: case handling creates and cancels tasks, the custodian acts on them).
CREATE FUNCTION custodian_task_feed_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state IS NOT DISTINCT FROM NEW.state THEN
        RETURN NEW;
    END IF;
    PERFORM append_feed_event(
        'no.helsedata.task.' || CASE WHEN TG_OP = 'INSERT' THEN 'assigned' ELSE lower(NEW.state) END,
        '/api/v1/tasks/' || NEW.id,
        NEW.id::text,
        jsonb_build_object('taskId', NEW.id, 'caseId', NEW.case_id, 'kind', NEW.kind,
                           'state', NEW.state, 'version', NEW.version),
        NEW.custodian_id,
        NEW.case_id);
    RETURN NEW;
END $$;
CREATE TRIGGER custodian_tasks_feed
    AFTER INSERT OR UPDATE OF state ON custodian_tasks
    FOR EACH ROW EXECUTE FUNCTION custodian_task_feed_event();

-- A withdrawn case cancels its custodians' open tasks, whichever code path
-- withdraws it (the applicant's withdrawal route sets the status directly).
CREATE FUNCTION cancel_tasks_of_withdrawn_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE custodian_tasks
       SET state = 'CANCELLED', state_reason = 'the application was withdrawn',
           version = version + 1, updated_at = now()
     WHERE case_id = NEW.id AND state IN ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PREPARATION');
    RETURN NEW;
END $$;
CREATE TRIGGER cases_withdrawn_cancel_tasks
    AFTER UPDATE OF status ON cases
    FOR EACH ROW WHEN (NEW.status = 'WITHDRAWN' AND OLD.status IS DISTINCT FROM 'WITHDRAWN')
    EXECUTE FUNCTION cancel_tasks_of_withdrawn_case();

-- The task list's ETag: one counter per custodian, raised (in the writing
-- transaction) by every insert or update of one of its tasks. An unchanged
-- poll reads one row by primary key, however many tasks the custodian has.
-- Statement-level, so a bulk change (e.g. cancelling a case's tasks) raises
-- each custodian's counter once per statement.
CREATE TABLE custodian_task_counters (
    custodian_id  UUID PRIMARY KEY REFERENCES custodians (id),
    changes       BIGINT NOT NULL,
    changed_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO custodian_task_counters (custodian_id, changes)
SELECT custodian_id, sum(version) FROM custodian_tasks GROUP BY custodian_id;

CREATE FUNCTION count_custodian_task_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO custodian_task_counters AS k (custodian_id, changes)
    SELECT custodian_id, count(*) FROM changed_tasks GROUP BY custodian_id
    ON CONFLICT (custodian_id) DO UPDATE
        SET changes = k.changes + EXCLUDED.changes, changed_at = now();
    RETURN NULL;
END $$;
CREATE TRIGGER custodian_tasks_count_inserts
    AFTER INSERT ON custodian_tasks REFERENCING NEW TABLE AS changed_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION count_custodian_task_changes();
CREATE TRIGGER custodian_tasks_count_updates
    AFTER UPDATE ON custodian_tasks REFERENCING NEW TABLE AS changed_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION count_custodian_task_changes();

-- A new decision round (a reversal on appeal) that changes what is granted
-- for a source changes its open DATA_PREPARATION task: the version moves (so
-- ETags and If-Match see it) and the custodian gets a
-- no.helsedata.task.decision_changed event. A refusal then cancels the task
-- (case handling), which is its own event.
CREATE FUNCTION decision_changes_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    t custodian_tasks;
BEGIN
    IF EXISTS (SELECT 1 FROM case_decisions p
               WHERE p.case_id = NEW.case_id AND p.data_source_id = NEW.data_source_id
                 AND p.round = NEW.round - 1 AND p.outcome = NEW.outcome
                 AND p.conditions = NEW.conditions
                 AND p.granted_variables IS NOT DISTINCT FROM NEW.granted_variables
                 AND p.granted_period_from IS NOT DISTINCT FROM NEW.granted_period_from
                 AND p.granted_period_to IS NOT DISTINCT FROM NEW.granted_period_to) THEN
        RETURN NEW;
    END IF;
    FOR t IN
        UPDATE custodian_tasks SET version = version + 1, updated_at = now()
         WHERE case_id = NEW.case_id AND data_source_id = NEW.data_source_id
           AND kind = 'DATA_PREPARATION' AND state IN ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PREPARATION')
        RETURNING *
    LOOP
        PERFORM append_feed_event('no.helsedata.task.decision_changed', '/api/v1/tasks/' || t.id, t.id::text,
            jsonb_build_object('taskId', t.id, 'caseId', t.case_id, 'kind', t.kind, 'state', t.state,
                               'version', t.version),
            t.custodian_id, t.case_id);
    END LOOP;
    RETURN NEW;
END $$;
CREATE TRIGGER case_decisions_change_tasks
    AFTER INSERT ON case_decisions
    FOR EACH ROW EXECUTE FUNCTION decision_changes_tasks();
