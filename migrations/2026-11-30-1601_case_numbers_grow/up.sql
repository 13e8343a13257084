-- Case numbers past 999,999 in one year grow to seven digits
-- (HDS-2026-1000000) instead of wrapping onto an earlier number: the
-- counter may pass 999,999, and the number has at least six digits, with no
-- leading zero beyond six (one spelling per number; hds_domain::case::CaseNumber).
ALTER TABLE case_number_counters DROP CONSTRAINT case_number_counters_last_value_check;
ALTER TABLE case_number_counters ADD CONSTRAINT case_number_counters_last_value_check
    CHECK (last_value >= 0);
ALTER TABLE cases DROP CONSTRAINT cases_case_number_check;
ALTER TABLE cases ADD CONSTRAINT cases_case_number_check
    CHECK (case_number ~ '^HDS-[0-9]{4}-([0-9]{6}|[1-9][0-9]{6,})$');
