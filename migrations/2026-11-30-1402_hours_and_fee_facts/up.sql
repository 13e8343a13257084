-- Fees (issue 14): the hours worked that invoices bill, and the facts of a
-- case the fee rules read besides the application (waivers, the case
-- handler's estimate of HDS's hours, what the case is when it is not a new
-- application).

-- Refuses any change to an append-only ledger.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: a correction is a new entry (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- HDS's hours on a case (timeføring): an append-only ledger. A correction
-- is a new entry that REPLACES an earlier entry (stating the corrected work
-- in full; 0 hours withdraws it) or ADJUSTS it (adding its time, often
-- negative). hds_domain::fees::hours folds the ledger in `seq` order.
CREATE TABLE case_hours (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    -- the order recorded (instants may tie)
    seq               BIGINT GENERATED ALWAYS AS IDENTITY,
    case_id           UUID NOT NULL REFERENCES cases (id),
    worked_on         DATE NOT NULL,
    -- hundredths of an hour: 1.25 h = 125; negative only on an adjustment
    hundredths        INT NOT NULL CHECK (hundredths BETWEEN -2400 AND 2400),
    activity          TEXT NOT NULL CHECK (activity IN ('CASE_HANDLING', 'APPEAL_HANDLING')),
    note              TEXT NOT NULL CHECK (btrim(note) <> '' AND length(note) <= 2000),
    correction_kind   TEXT CHECK (correction_kind IN ('REPLACES', 'ADJUSTS')),
    corrects_id       UUID,
    recorded_at       TIMESTAMPTZ NOT NULL,
    -- the case handler's pseudonymous id (h-...)
    recorded_by       TEXT NOT NULL,
    UNIQUE (case_id, id),
    -- a correction corrects an entry of the same case
    FOREIGN KEY (case_id, corrects_id) REFERENCES case_hours (case_id, id),
    CHECK ((correction_kind IS NULL) = (corrects_id IS NULL)),
    CHECK (correction_kind IS NOT NULL OR hundredths > 0)
);
CREATE INDEX case_hours_case ON case_hours (case_id, seq);
CREATE TRIGGER case_hours_append_only
    BEFORE UPDATE OR DELETE ON case_hours
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER case_hours_no_truncate
    BEFORE TRUNCATE ON case_hours
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

-- Custodians' hours on tasks get the same corrections and activities, and
-- become append-only too.
ALTER TABLE task_hours DROP CONSTRAINT task_hours_hundredths_check;
ALTER TABLE task_hours
    ADD COLUMN seq              BIGINT GENERATED ALWAYS AS IDENTITY,
    ADD COLUMN activity         TEXT NOT NULL DEFAULT 'CASE_HANDLING'
                                    CHECK (activity IN ('CASE_HANDLING', 'APPEAL_HANDLING')),
    ADD COLUMN correction_kind  TEXT CHECK (correction_kind IN ('REPLACES', 'ADJUSTS')),
    ADD COLUMN corrects_id      UUID,
    ADD CONSTRAINT task_hours_hundredths_check CHECK (hundredths BETWEEN -2400 AND 2400),
    ADD CONSTRAINT task_hours_task_id_id_key UNIQUE (task_id, id),
    ADD CONSTRAINT task_hours_corrects_fkey
        FOREIGN KEY (task_id, corrects_id) REFERENCES task_hours (task_id, id),
    ADD CONSTRAINT task_hours_correction_check CHECK ((correction_kind IS NULL) = (corrects_id IS NULL)),
    ADD CONSTRAINT task_hours_original_positive CHECK (correction_kind IS NOT NULL OR hundredths > 0);
CREATE INDEX task_hours_ledger ON task_hours (task_id, seq);
CREATE TRIGGER task_hours_append_only
    BEFORE UPDATE OR DELETE ON task_hours
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER task_hours_no_truncate
    BEFORE TRUNCATE ON task_hours
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();

-- A case handler's waiver (fritak) of one party's fee, with the reason
-- printed on the invoice line. Append-only; the audit trail has who.
CREATE TABLE fee_waivers (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    seq         BIGINT GENERATED ALWAYS AS IDENTITY,
    case_id     UUID NOT NULL REFERENCES cases (id),
    -- HDS or the invoicing party's code
    party       TEXT NOT NULL CHECK (party ~ '^[A-Z][A-Z0-9_]*$'),
    covers      TEXT NOT NULL CHECK (covers IN ('EVERYTHING', 'BASIC_FEE', 'HOURS')),
    reason      TEXT NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 500),
    granted_on  DATE NOT NULL,
    granted_at  TIMESTAMPTZ NOT NULL,
    granted_by  TEXT NOT NULL
);
CREATE INDEX fee_waivers_case ON fee_waivers (case_id, seq);
CREATE TRIGGER fee_waivers_append_only
    BEFORE UPDATE OR DELETE ON fee_waivers
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

-- The case handler's estimate of HDS's hours on a case, for the cost
-- estimate (replaces the typical range on HDS's price list).
CREATE TABLE case_fee_estimates (
    case_id     UUID PRIMARY KEY REFERENCES cases (id),
    low_hundredths   INT NOT NULL CHECK (low_hundredths BETWEEN 0 AND 1000000),
    high_hundredths  INT NOT NULL CHECK (high_hundredths BETWEEN 0 AND 1000000),
    set_at      TIMESTAMPTZ NOT NULL,
    set_by      TEXT NOT NULL,
    CHECK (low_hundredths <= high_hundredths)
);

-- What a case is for the fee rules when it is not a new application: a
-- change request (endringssøknad) to an earlier case, or an appeal handled
-- as a case of its own. Issue 13 (change requests) is to insert the row when
-- it creates such a case; nothing else writes it. A change request is free
-- once the original case has its decision (cases.decided_on of
-- original_case_id; hds_domain::fees::exemptions, ground CHANGE_REQUEST).
CREATE TABLE case_origins (
    case_id           UUID PRIMARY KEY REFERENCES cases (id),
    kind              TEXT NOT NULL CHECK (kind IN ('CHANGE_REQUEST', 'APPEAL')),
    original_case_id  UUID NOT NULL REFERENCES cases (id),
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (original_case_id <> case_id)
);
