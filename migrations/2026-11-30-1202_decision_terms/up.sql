-- Issue 12: a complete decision (vedtak) per source: the period the access
-- is valid for, what becomes of the data after it (delete or return, by
-- when), the decision on exemption from confidentiality (dispensasjon fra
-- taushetsplikt), and, where tables were asked for, an outcome per table.
-- The rules are the domain's (`hds_domain::case::check_complete_decisions`).
ALTER TABLE case_decisions
    ADD COLUMN access_from            DATE,
    ADD COLUMN access_to              DATE,
    ADD COLUMN disposal               TEXT CHECK (disposal IN ('DELETE', 'RETURN')),
    ADD COLUMN dispose_by             DATE,
    -- NULL: no decision on exemption (not needed, e.g. anonymous data or consent)
    ADD COLUMN exemption_granted      BOOLEAN,
    ADD COLUMN exemption_legal_basis  TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN exemption_conditions   TEXT[] NOT NULL DEFAULT '{}',
    ADD CHECK (access_to IS NULL OR access_from IS NULL OR access_to >= access_from),
    ADD CHECK (dispose_by IS NULL OR access_to IS NULL OR dispose_by >= access_to);

-- The outcome per table asked for (tabellbestilling), by the table's index
-- in the submitted application's `tableSpecifications`.
CREATE TABLE case_decision_tables (
    decision_id  UUID NOT NULL REFERENCES case_decisions (id),
    table_index  INT NOT NULL CHECK (table_index >= 0),
    outcome      TEXT NOT NULL CHECK (outcome IN ('GRANTED', 'PARTLY_GRANTED', 'REFUSED')),
    reason       TEXT,
    PRIMARY KEY (decision_id, table_index),
    CHECK (outcome = 'GRANTED' OR btrim(reason) <> '')
);
