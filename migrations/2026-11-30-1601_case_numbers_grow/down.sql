-- Back to six digits only (fails while a seven-digit case number exists).
ALTER TABLE cases DROP CONSTRAINT cases_case_number_check;
ALTER TABLE cases ADD CONSTRAINT cases_case_number_check
    CHECK (case_number ~ '^HDS-[0-9]{4}-[0-9]{6}$');
ALTER TABLE case_number_counters DROP CONSTRAINT case_number_counters_last_value_check;
ALTER TABLE case_number_counters ADD CONSTRAINT case_number_counters_last_value_check
    CHECK (last_value BETWEEN 0 AND 999999);
