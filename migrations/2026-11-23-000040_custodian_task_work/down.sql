DROP TRIGGER custodian_tasks_count_updates ON custodian_tasks;
DROP TRIGGER custodian_tasks_count_inserts ON custodian_tasks;
DROP FUNCTION count_custodian_task_changes();
DROP TABLE custodian_task_counters;
DROP TRIGGER cases_withdrawn_cancel_tasks ON cases;
DROP FUNCTION cancel_tasks_of_withdrawn_case();
DROP TRIGGER custodian_tasks_feed ON custodian_tasks;
DROP FUNCTION custodian_task_feed_event();
DROP TABLE task_hours;
DROP TABLE task_deliveries;
DROP TABLE task_progress_reports;
DROP TABLE task_events;
DROP FUNCTION refuse_task_event_change();
CREATE INDEX custodian_tasks_custodian ON custodian_tasks (custodian_id, updated_at, id);
DROP INDEX custodian_tasks_poll;
UPDATE custodian_tasks SET state = 'DELIVERED' WHERE state = 'DECIDED';
ALTER TABLE custodian_tasks DROP CONSTRAINT custodian_tasks_state_check;
ALTER TABLE custodian_tasks ADD CONSTRAINT custodian_tasks_state_check CHECK (state IN
    ('ASSIGNED', 'ACKNOWLEDGED', 'IN_PREPARATION', 'DELIVERED', 'CANNOT_DELIVER', 'CANCELLED'));
