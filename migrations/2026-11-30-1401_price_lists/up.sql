-- Fees (issue 14, helseregisterloven § 19 g): who sends invoices
-- (invoicing parties) and their price lists as data with validity periods.
-- Amounts are øre (BIGINT), hours hundredths of an hour, VAT rates basis
-- points: never floating point. The rules are hds_domain::fees
-- (docs/fees.md); this schema keeps their history and refuses what they
-- forbid even when a write bypasses them.

-- The EXCLUDE constraint below compares the party (text) with = inside a
-- GiST index, which needs btree_gist (a trusted contrib extension: a
-- database owner may create it).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Who invoices: HDS for case handling, and custodians for preparing data.
-- A custodian's own party has the custodian's code; a party may also invoice
-- for some of a custodian's sources in its place (Kreftregisteret, part of
-- FHI since 2024, bills the KREFT source on its own terms). The seller's
-- details are what an EHF invoice needs.
CREATE TABLE invoicing_parties (
    code                   TEXT PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]*$' AND length(code) <= 32),
    -- the custodian whose staff and systems see this party's invoice bases;
    -- NULL for HDS (HDS staff)
    custodian_id           UUID REFERENCES custodians (id),
    -- sources this party invoices for in place of the custodian's own party
    data_sources           TEXT[] NOT NULL DEFAULT '{}',
    legal_name             TEXT NOT NULL CHECK (btrim(legal_name) <> '' AND length(legal_name) <= 300),
    orgnr                  TEXT NOT NULL CHECK (orgnr ~ '^[0-9]{9}$'),
    street                 TEXT,
    postal_code            TEXT,
    city                   TEXT,
    country                TEXT NOT NULL DEFAULT 'NO' CHECK (country ~ '^[A-Z]{2}$'),
    vat_registered         BOOLEAN NOT NULL DEFAULT false,
    in_foretaksregisteret  BOOLEAN NOT NULL DEFAULT false,
    bank_account           TEXT,
    -- payment terms of its invoices (a setting: the sources name none)
    payment_days           INT NOT NULL DEFAULT 30 CHECK (payment_days BETWEEN 0 AND 365),
    -- reference data: where these facts come from
    source                 TEXT,
    -- raised with every price list version added: the price list's ETag
    version                INT NOT NULL DEFAULT 0,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((code = 'HDS') = (custodian_id IS NULL)),
    CHECK (code <> 'HDS' OR data_sources = '{}')
);
CREATE INDEX invoicing_parties_custodian ON invoicing_parties (custodian_id);

-- One row per version of a party's prices. A version is never changed: a
-- new price is a new version with a later start, and the open-ended version
-- before it is ended the day before (the only UPDATE the trigger allows).
CREATE TABLE price_list_versions (
    id                             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    party                          TEXT NOT NULL REFERENCES invoicing_parties (code),
    valid_from                     DATE NOT NULL,
    valid_to                       DATE CHECK (valid_to IS NULL OR valid_to >= valid_from),
    basic_fee_one_source_ore       BIGINT NOT NULL CHECK (basic_fee_one_source_ore >= 0),
    basic_fee_several_sources_ore  BIGINT NOT NULL CHECK (basic_fee_several_sources_ore >= 0),
    hourly_rate_ore                BIGINT NOT NULL CHECK (hourly_rate_ore >= 0),
    -- EXACT, or PER_STARTED_HOUR within a scope (ENTRY, DAY or CASE)
    rounding                       TEXT NOT NULL CHECK (rounding IN ('EXACT', 'PER_STARTED_HOUR')),
    rounding_scope                 TEXT CHECK (rounding_scope IN ('ENTRY', 'DAY', 'CASE')),
    free_hundredths                     INT NOT NULL DEFAULT 0 CHECK (free_hundredths BETWEEN 0 AND 1000000),
    free_hours_for                 TEXT NOT NULL DEFAULT 'ALL_APPLICATIONS'
                                       CHECK (free_hours_for IN ('ALL_APPLICATIONS', 'ANONYMOUS_DATA_ONLY')),
    -- EN 16931 categories: O (outside VAT), E (exempt), S (standard, with a rate)
    vat_category                   TEXT NOT NULL CHECK (vat_category IN ('O', 'E', 'S')),
    vat_rate_basis_points          INT CHECK (vat_rate_basis_points BETWEEN 1 AND 10000),
    vat_reason                     TEXT CHECK (length(vat_reason) <= 300),
    estimated_low_hundredths            INT CHECK (estimated_low_hundredths BETWEEN 0 AND 1000000),
    estimated_high_hundredths           INT CHECK (estimated_high_hundredths BETWEEN 0 AND 1000000),
    exemptions                     TEXT[] NOT NULL DEFAULT '{}'
                                       CHECK (exemptions <@ ARRAY['STUDENT', 'CHANGE_REQUEST', 'APPEAL']),
    -- reference data: the public source of these prices, and what is assumed
    source                         TEXT,
    note                           TEXT,
    created_at                     TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by                     TEXT NOT NULL,
    CHECK ((rounding = 'EXACT') = (rounding_scope IS NULL)),
    CHECK ((vat_category = 'S') = (vat_rate_basis_points IS NOT NULL)),
    CHECK ((vat_category = 'S') = (vat_reason IS NULL)),
    CHECK ((estimated_low_hundredths IS NULL) = (estimated_high_hundredths IS NULL)),
    CHECK (estimated_low_hundredths <= estimated_high_hundredths),
    -- on any day at most one version of a party is in force
    CONSTRAINT price_list_versions_no_overlap
        EXCLUDE USING gist (party WITH =, daterange(valid_from, valid_to, '[]') WITH &&)
);
CREATE INDEX price_list_versions_party ON price_list_versions (party, valid_from);

CREATE FUNCTION price_list_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'price list versions are kept as history (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL
       OR (to_jsonb(NEW) - 'valid_to') IS DISTINCT FROM (to_jsonb(OLD) - 'valid_to') THEN
        RAISE EXCEPTION 'a price is never changed: add a version with a later start (only an open-ended version may be ended)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER price_list_versions_kept
    BEFORE UPDATE OR DELETE ON price_list_versions
    FOR EACH ROW EXECUTE FUNCTION price_list_version_guard();
CREATE TRIGGER price_list_versions_no_truncate
    BEFORE TRUNCATE ON price_list_versions
    FOR EACH STATEMENT EXECUTE FUNCTION price_list_version_guard();
