DROP TABLE case_delivery_parts;
DROP INDEX cases_awaiting_delivery_queue;
ALTER TABLE cases
    DROP COLUMN awaiting_delivery,
    DROP COLUMN data_made_available_on;
