DROP TRIGGER case_sources_overview_entry ON case_sources;
DROP TRIGGER case_decisions_overview_entry ON case_decisions;
DROP TRIGGER cases_overview_entry ON cases;
DROP FUNCTION overview_case_changed();
DROP FUNCTION refresh_overview_entry(UUID);
DROP TABLE overview_entries;
