-- The public overview of granted access (issue 15, docs/reporting.md): one
-- row per decided case whose decision in force grants a source, with what
-- may be published, kept by the database in the transaction that changes
-- any of it (the case's decision date and round, its decisions, its
-- sources; the submitted application is append-only). Reading the overview,
-- a search or every entry as CSV is then one scan of this table instead of
-- aggregating every case's decisions. Withheld entries stay here and are
-- left out when read (overview_withholdings); the sources' names are read
-- from data_sources, so a renamed source shows its new name at once.
CREATE TABLE overview_entries (
    case_id      UUID PRIMARY KEY REFERENCES cases (id),
    case_number  TEXT NOT NULL,
    decided_on   DATE NOT NULL,
    title        TEXT,
    institution  TEXT,
    purpose      TEXT,
    valid_from   TEXT,
    valid_to     TEXT,
    -- the granted sources, in the case's order: ids and codes
    source_ids   UUID[] NOT NULL,
    codes        TEXT[] NOT NULL,
    -- what a search word is matched against besides the sources' names:
    -- the title, the institution and the codes, separated by spaces
    search_text  TEXT NOT NULL
);
CREATE INDEX overview_entries_decided ON overview_entries (decided_on DESC, case_number DESC);

CREATE FUNCTION refresh_overview_entry(changed UUID) RETURNS void LANGUAGE sql AS $$
    DELETE FROM overview_entries WHERE case_id = changed;
    INSERT INTO overview_entries (case_id, case_number, decided_on, title, institution, purpose,
                                  valid_from, valid_to, source_ids, codes, search_text)
    SELECT c.id, c.case_number, c.decided_on,
           s.content #>> '{content,project,title}',
           s.content #>> '{content,responsibility,institutionName}',
           s.content #>> '{content,purpose}',
           s.content #>> '{content,project,startDate}',
           s.content #>> '{content,project,endDate}',
           g.ids, g.codes,
           concat_ws(' ', s.content #>> '{content,project,title}',
                          s.content #>> '{content,responsibility,institutionName}',
                          array_to_string(g.codes, ' '))
      FROM cases c
      JOIN application_snapshots s ON s.application_id = c.application_id
     CROSS JOIN LATERAL (
           SELECT array_agg(cs.data_source_id ORDER BY cs.position) AS ids,
                  array_agg(cs.data_source_code ORDER BY cs.position) AS codes
             FROM case_sources cs
             JOIN case_decisions d ON d.case_id = cs.case_id AND d.data_source_id = cs.data_source_id
                                  AND d.round = c.decision_round
            WHERE cs.case_id = c.id AND d.outcome IN ('GRANTED', 'PARTLY_GRANTED')) g
     WHERE c.id = changed AND c.decided_on IS NOT NULL AND g.codes IS NOT NULL
    -- two transactions writing the same case at once: the later one's entry
    ON CONFLICT (case_id) DO UPDATE
       SET case_number = EXCLUDED.case_number, decided_on = EXCLUDED.decided_on,
           title = EXCLUDED.title, institution = EXCLUDED.institution,
           purpose = EXCLUDED.purpose, valid_from = EXCLUDED.valid_from,
           valid_to = EXCLUDED.valid_to, source_ids = EXCLUDED.source_ids,
           codes = EXCLUDED.codes, search_text = EXCLUDED.search_text;
$$;

CREATE FUNCTION overview_case_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'cases' THEN
        PERFORM refresh_overview_entry(NEW.id);
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM refresh_overview_entry(OLD.case_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        PERFORM refresh_overview_entry(NEW.case_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cases_overview_entry
    AFTER UPDATE OF case_number, application_id, decided_on, decision_round ON cases
    FOR EACH ROW WHEN (OLD.case_number IS DISTINCT FROM NEW.case_number
                       OR OLD.application_id IS DISTINCT FROM NEW.application_id
                       OR OLD.decided_on IS DISTINCT FROM NEW.decided_on
                       OR OLD.decision_round IS DISTINCT FROM NEW.decision_round)
    EXECUTE FUNCTION overview_case_changed();
CREATE TRIGGER case_decisions_overview_entry AFTER INSERT OR UPDATE OR DELETE ON case_decisions
    FOR EACH ROW EXECUTE FUNCTION overview_case_changed();
CREATE TRIGGER case_sources_overview_entry AFTER INSERT OR UPDATE OR DELETE ON case_sources
    FOR EACH ROW EXECUTE FUNCTION overview_case_changed();

-- Cases decided before this migration.
SELECT refresh_overview_entry(id) FROM cases WHERE decided_on IS NOT NULL;
