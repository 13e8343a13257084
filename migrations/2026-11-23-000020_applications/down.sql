DROP TABLE case_events;
DROP TABLE cases;
DROP TABLE case_number_counters;
DROP TABLE application_snapshots;
DROP TABLE application_attachments;
DROP TABLE application_members;
DROP TABLE applications;
DROP FUNCTION refuse_append_only_change();
