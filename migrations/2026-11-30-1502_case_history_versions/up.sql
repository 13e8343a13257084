-- What the statistics keep in memory (issue 15, docs/reporting.md "How the
-- histories are kept"): one version per case, raised in the same
-- transaction as any row a case history is read from is written (the case,
-- its sources, decisions, delivery parts, origin and every case event), so
-- that a reader can tell which cases changed since it last read them, in
-- whatever order their transactions commit. The row is never deleted and
-- its version only grows: the number of rows and the sum of the versions
-- change with every change to any history.
CREATE TABLE case_history_versions (
    case_id  UUID PRIMARY KEY REFERENCES cases (id),
    version  BIGINT NOT NULL CHECK (version > 0)
);

CREATE FUNCTION raise_case_history_version(changed UUID) RETURNS void LANGUAGE sql AS $$
    INSERT INTO case_history_versions (case_id, version) VALUES (changed, 1)
    ON CONFLICT (case_id) DO UPDATE SET version = case_history_versions.version + 1;
$$;

-- For the tables whose rows name their case in `case_id`.
CREATE FUNCTION case_history_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM raise_case_history_version(OLD.case_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        PERFORM raise_case_history_version(NEW.case_id);
    END IF;
    RETURN NULL;
END $$;

-- For `cases` itself.
CREATE FUNCTION case_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM raise_case_history_version(NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER cases_history_version AFTER INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION case_row_changed();
CREATE TRIGGER cases_history_version_update
    AFTER UPDATE OF case_number, application_id, received_on, completed_on ON cases
    FOR EACH ROW WHEN (OLD.case_number IS DISTINCT FROM NEW.case_number
                       OR OLD.application_id IS DISTINCT FROM NEW.application_id
                       OR OLD.received_on IS DISTINCT FROM NEW.received_on
                       OR OLD.completed_on IS DISTINCT FROM NEW.completed_on)
    EXECUTE FUNCTION case_row_changed();
CREATE TRIGGER case_events_history_version AFTER INSERT ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_history_changed();
CREATE TRIGGER case_sources_history_version AFTER INSERT OR UPDATE OR DELETE ON case_sources
    FOR EACH ROW EXECUTE FUNCTION case_history_changed();
CREATE TRIGGER case_decisions_history_version AFTER INSERT OR UPDATE OR DELETE ON case_decisions
    FOR EACH ROW EXECUTE FUNCTION case_history_changed();
CREATE TRIGGER case_delivery_parts_history_version AFTER INSERT OR UPDATE OR DELETE ON case_delivery_parts
    FOR EACH ROW EXECUTE FUNCTION case_history_changed();
CREATE TRIGGER case_origins_history_version AFTER INSERT OR UPDATE OR DELETE ON case_origins
    FOR EACH ROW EXECUTE FUNCTION case_history_changed();

-- A version is never lowered and its row never removed.
CREATE FUNCTION refuse_history_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.case_id = OLD.case_id AND NEW.version > OLD.version THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case_history_versions only grow';
END $$;
CREATE TRIGGER case_history_versions_grow BEFORE UPDATE OR DELETE ON case_history_versions
    FOR EACH ROW EXECUTE FUNCTION refuse_history_version_change();
CREATE TRIGGER case_history_versions_no_truncate BEFORE TRUNCATE ON case_history_versions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_version_change();

-- Cases before this migration.
INSERT INTO case_history_versions (case_id, version) SELECT id, 1 FROM cases;
