-- Fees (issue 14): invoice bases (fakturagrunnlag) once issued, their lines,
-- credit notes, gapless numbers per invoicing party and year, and events on
-- the change feed. A DRAFT is never stored: it is computed from the price
-- list, the hours and the facts whenever it is read. Issuing stores it,
-- numbered and locked; crediting adds a credit note that references it.

-- Gapless numbers: the issuing transaction locks its counter row
-- (INSERT ... ON CONFLICT DO UPDATE), so a rolled-back issue gives its
-- number back and two issues never share one.
CREATE TABLE invoice_number_counters (
    party       TEXT NOT NULL REFERENCES invoicing_parties (code),
    year        INT NOT NULL,
    -- INVOICE or CREDIT_NOTE: each has its own series
    series      TEXT NOT NULL CHECK (series IN ('INVOICE', 'CREDIT_NOTE')),
    last_value  INT NOT NULL CHECK (last_value >= 1),
    PRIMARY KEY (party, year, series)
);

CREATE TABLE invoice_bases (
    id                        UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id                   UUID NOT NULL REFERENCES cases (id),
    case_number               TEXT NOT NULL,
    party                     TEXT NOT NULL REFERENCES invoicing_parties (code),
    -- who besides HDS staff may read it: the party's custodian (NULL for HDS)
    custodian_id              UUID REFERENCES custodians (id),
    status                    TEXT NOT NULL CHECK (status IN ('ISSUED', 'CREDITED')),
    number                    TEXT NOT NULL UNIQUE,
    issued_on                 DATE NOT NULL,
    due_on                    DATE NOT NULL CHECK (due_on >= issued_on),
    -- the payer as it was when issued: an institution by its organisation
    -- number, or a private person by name (never a national identity number)
    payer_kind                TEXT NOT NULL CHECK (payer_kind IN ('ORGANISATION', 'PERSON')),
    payer_name                TEXT NOT NULL,
    payer_orgnr               TEXT CHECK (payer_orgnr ~ '^[0-9]{9}$'),
    payer_street              TEXT,
    payer_postal_code         TEXT,
    payer_city                TEXT,
    payer_country             TEXT NOT NULL CHECK (payer_country ~ '^[A-Z]{2}$'),
    payer_reference           TEXT,
    total_excluding_vat_ore   BIGINT NOT NULL,
    total_vat_ore             BIGINT NOT NULL,
    total_including_vat_ore   BIGINT NOT NULL CHECK (total_including_vat_ore > 0),
    version                   INT NOT NULL DEFAULT 1,
    issued_at                 TIMESTAMPTZ NOT NULL,
    issued_by                 TEXT NOT NULL,
    credited_at               TIMESTAMPTZ,
    CHECK ((payer_kind = 'ORGANISATION') = (payer_orgnr IS NOT NULL)),
    CHECK (total_including_vat_ore = total_excluding_vat_ore + total_vat_ore),
    CHECK ((status = 'CREDITED') = (credited_at IS NOT NULL))
);
-- one invoice in force per case and party; after a credit note, a new one may be issued
CREATE UNIQUE INDEX invoice_bases_one_issued ON invoice_bases (case_id, party) WHERE status = 'ISSUED';
CREATE INDEX invoice_bases_case ON invoice_bases (case_id, issued_at);
CREATE INDEX invoice_bases_custodian ON invoice_bases (custodian_id, issued_at);

-- The lines of an issued basis, stored as issued.
CREATE TABLE invoice_lines (
    id                     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_basis_id       UUID NOT NULL REFERENCES invoice_bases (id),
    line_number            INT NOT NULL CHECK (line_number >= 1),
    kind                   TEXT NOT NULL CHECK (kind IN ('BASIC_FEE', 'HOURS', 'FREE_HOURS', 'EXEMPTION')),
    exemption_ground       TEXT CHECK (exemption_ground IN ('STUDENT', 'CHANGE_REQUEST', 'APPEAL', 'WAIVER')),
    description            TEXT NOT NULL,
    activity               TEXT CHECK (activity IN ('CASE_HANDLING', 'APPEAL_HANDLING')),
    period_from            DATE,
    period_to              DATE,
    -- hundredths (1.25 h = 125; one piece = 100)
    quantity_hundredths    BIGINT NOT NULL,
    unit                   TEXT NOT NULL CHECK (unit IN ('HUR', 'EA')),
    unit_price_ore         BIGINT NOT NULL CHECK (unit_price_ore >= 0),
    amount_ore             BIGINT NOT NULL,
    vat_category           TEXT NOT NULL CHECK (vat_category IN ('O', 'E', 'S')),
    vat_rate_basis_points  INT CHECK (vat_rate_basis_points BETWEEN 1 AND 10000),
    vat_reason             TEXT,
    reason                 TEXT,
    UNIQUE (invoice_basis_id, line_number),
    CHECK ((kind = 'EXEMPTION') = (exemption_ground IS NOT NULL)),
    CHECK ((period_from IS NULL) = (period_to IS NULL)),
    CHECK ((vat_category = 'S') = (vat_rate_basis_points IS NOT NULL)),
    CHECK ((vat_category = 'S') = (vat_reason IS NULL))
);

-- A credit note (kreditnota) credits one issued basis in full. Its lines are
-- the basis's lines negated (hds_domain::fees::state), so they are not
-- stored a second time.
CREATE TABLE credit_notes (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_basis_id  UUID NOT NULL UNIQUE REFERENCES invoice_bases (id),
    number            TEXT NOT NULL UNIQUE,
    issued_on         DATE NOT NULL,
    reason            TEXT NOT NULL CHECK (btrim(reason) <> '' AND length(reason) <= 500),
    issued_at         TIMESTAMPTZ NOT NULL,
    issued_by         TEXT NOT NULL
);

-- Locked: an issued basis is never edited. Its only change is to CREDITED
-- (with credited_at and the next version), once; its lines and credit notes
-- never change; nothing is deleted.
CREATE FUNCTION invoice_basis_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status = 'ISSUED' AND NEW.status = 'CREDITED'
       AND NEW.version = OLD.version + 1 AND NEW.credited_at IS NOT NULL
       AND (to_jsonb(NEW) - ARRAY['status', 'version', 'credited_at'])
           = (to_jsonb(OLD) - ARRAY['status', 'version', 'credited_at']) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an issued invoice basis is locked: correct it with a credit note and a new basis (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER invoice_bases_locked
    BEFORE UPDATE OR DELETE ON invoice_bases
    FOR EACH ROW EXECUTE FUNCTION invoice_basis_guard();
CREATE TRIGGER invoice_bases_no_truncate
    BEFORE TRUNCATE ON invoice_bases
    FOR EACH STATEMENT EXECUTE FUNCTION invoice_basis_guard();

CREATE FUNCTION refuse_invoice_document_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of an issued invoice are locked (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER invoice_lines_locked
    BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION refuse_invoice_document_change();
CREATE TRIGGER invoice_lines_no_truncate
    BEFORE TRUNCATE ON invoice_lines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_invoice_document_change();
CREATE TRIGGER credit_notes_locked
    BEFORE UPDATE OR DELETE ON credit_notes
    FOR EACH ROW EXECUTE FUNCTION refuse_invoice_document_change();

-- Lines are written with their basis, in the issuing transaction: at commit
-- the lines must add up to the basis's total (so a line added later, in
-- another transaction, is refused).
CREATE FUNCTION invoice_lines_add_up() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- a line names its basis; a basis is itself
    basis_id UUID := COALESCE((to_jsonb(NEW) ->> 'invoice_basis_id')::uuid, NEW.id);
BEGIN
    IF (SELECT COALESCE(sum(amount_ore), 0) FROM invoice_lines WHERE invoice_basis_id = basis_id)
       IS DISTINCT FROM (SELECT total_excluding_vat_ore FROM invoice_bases WHERE id = basis_id) THEN
        RAISE EXCEPTION 'the lines of invoice basis % do not add up to its total', basis_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER invoice_lines_add_up
    AFTER INSERT ON invoice_lines DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_add_up();
CREATE CONSTRAINT TRIGGER invoice_bases_add_up
    AFTER INSERT ON invoice_bases DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_add_up();

-- Events on the change feed, in the issuing or crediting transaction, so
-- that custodians' finance systems can follow: no.helsedata.invoice.issued
-- and no.helsedata.invoice.credited, addressed to the party's custodian
-- (HDS's own invoices: HDS staff only).
CREATE FUNCTION invoice_feed_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    note credit_notes;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM append_feed_event('no.helsedata.invoice.issued', '/api/v1/invoice-bases/' || NEW.id,
            NEW.id::text,
            jsonb_build_object('invoiceBasisId', NEW.id, 'caseId', NEW.case_id, 'caseNumber', NEW.case_number,
                               'party', NEW.party, 'number', NEW.number, 'status', NEW.status,
                               'totalIncludingVatOre', NEW.total_including_vat_ore, 'version', NEW.version),
            NEW.custodian_id, NEW.case_id);
    ELSIF NEW.status = 'CREDITED' AND OLD.status IS DISTINCT FROM 'CREDITED' THEN
        SELECT * INTO note FROM credit_notes WHERE invoice_basis_id = NEW.id;
        PERFORM append_feed_event('no.helsedata.invoice.credited', '/api/v1/invoice-bases/' || NEW.id,
            NEW.id::text,
            jsonb_build_object('invoiceBasisId', NEW.id, 'caseId', NEW.case_id, 'caseNumber', NEW.case_number,
                               'party', NEW.party, 'number', NEW.number, 'status', NEW.status,
                               'creditNoteId', note.id, 'creditNoteNumber', note.number,
                               'version', NEW.version),
            NEW.custodian_id, NEW.case_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER invoice_bases_feed
    AFTER INSERT OR UPDATE OF status ON invoice_bases
    FOR EACH ROW EXECUTE FUNCTION invoice_feed_event();
