-- A custodian's code is its stable name (the API never changes it: an
-- update replaces everything else but the code). The statistics keep
-- each case's history in memory with its sources' custodian codes and read
-- a history again only when its case changes (case_history_versions), so a
-- code that changed under them would go unseen: the database refuses it.
CREATE FUNCTION refuse_custodian_code_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a custodian''s code does not change (% stays %)', OLD.id, OLD.code;
END $$;

CREATE TRIGGER custodian_codes_stay BEFORE UPDATE OF code ON custodians
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION refuse_custodian_code_change();
