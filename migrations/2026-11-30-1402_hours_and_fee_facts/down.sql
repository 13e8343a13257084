DROP TABLE case_origins;
DROP TABLE case_fee_estimates;
DROP TABLE fee_waivers;
DROP TRIGGER task_hours_no_truncate ON task_hours;
DROP TRIGGER task_hours_append_only ON task_hours;
DROP INDEX task_hours_ledger;
-- corrections have no place in the old shape
DELETE FROM task_hours WHERE correction_kind IS NOT NULL;
ALTER TABLE task_hours
    DROP CONSTRAINT task_hours_original_positive,
    DROP CONSTRAINT task_hours_correction_check,
    DROP CONSTRAINT task_hours_corrects_fkey,
    DROP CONSTRAINT task_hours_task_id_id_key,
    DROP CONSTRAINT task_hours_hundredths_check,
    DROP COLUMN corrects_id,
    DROP COLUMN correction_kind,
    DROP COLUMN activity,
    DROP COLUMN seq;
ALTER TABLE task_hours ADD CONSTRAINT task_hours_hundredths_check CHECK (hundredths > 0 AND hundredths <= 2400);
DROP TABLE case_hours;
DROP FUNCTION refuse_ledger_change();
