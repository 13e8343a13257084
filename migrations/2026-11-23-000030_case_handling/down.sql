DROP TABLE custodian_tasks;
DROP TABLE case_decisions;
ALTER TABLE cases DROP CONSTRAINT cases_open_question_fk;
DROP TABLE case_questions;
DROP TRIGGER cases_fill_sources ON cases;
DROP FUNCTION fill_case_sources();
DROP TABLE case_sources;
DROP TRIGGER cases_last_change_default ON cases;
DROP FUNCTION case_last_change_default();
DROP INDEX cases_queue;
DROP INDEX cases_assignee_queue;
DROP INDEX cases_status_queue;
DROP INDEX cases_next_job;
DROP INDEX cases_due_open;
DROP INDEX cases_overdue_unflagged;
ALTER TABLE cases
    DROP COLUMN queue_due_on,
    DROP COLUMN last_change_on,
    DROP COLUMN assignee,
    DROP COLUMN assignee_name,
    DROP COLUMN completed_on,
    DROP COLUMN linkage,
    DROP COLUMN statutory_deadline,
    DROP COLUMN due_on,
    DROP COLUMN clock_paused,
    DROP COLUMN postponement_expected_on,
    DROP COLUMN open_question_id,
    DROP COLUMN decision_round,
    DROP COLUMN decided_on,
    DROP COLUMN decision_appeal_deadline,
    DROP COLUMN details,
    DROP COLUMN next_job_on,
    DROP COLUMN overdue_flagged_for;
