-- Fails while task events of the two new kinds exist (task events are append-only).
ALTER TABLE task_events DROP CONSTRAINT task_events_kind_check;
ALTER TABLE task_events ADD CONSTRAINT task_events_kind_check
    CHECK (kind IN ('ACKNOWLEDGED', 'PROGRESS_REPORTED', 'DELIVERED', 'CANNOT_DELIVER',
                    'DECIDED', 'HOURS_REPORTED'));
DROP TABLE case_delivery_parts;
DROP INDEX cases_awaiting_delivery_queue;
ALTER TABLE cases
    DROP COLUMN awaiting_delivery,
    DROP COLUMN data_made_available_on;
