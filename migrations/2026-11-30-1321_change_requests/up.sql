-- Issue 13: change requests (endringssøknad) and documents sent later
-- (ettersending).

-- Refuses any change to the append-only tables below (this migration runs
-- before the fees' refuse_ledger_change, so it has its own).
CREATE FUNCTION refuse_link_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- A change request is an application of its own (its proposed version,
-- submitted at once) with a case of its own (own case number, completeness,
-- statutory clock, decision), linked to the original application and case.
-- The original's versions are: 1, its submitted snapshot; then each change
-- request's snapshot in the order made (version_no). Append-only.
CREATE TABLE change_requests (
    -- the change request's own application (its proposed version)
    application_id           UUID PRIMARY KEY REFERENCES applications (id),
    case_id                  UUID NOT NULL UNIQUE REFERENCES cases (id),
    original_application_id  UUID NOT NULL REFERENCES applications (id),
    original_case_id         UUID NOT NULL REFERENCES cases (id),
    version_no               INT NOT NULL CHECK (version_no >= 2),
    -- the version the change is measured against (in force when made)
    base_version_no          INT NOT NULL CHECK (base_version_no >= 1 AND base_version_no < version_no),
    description              TEXT NOT NULL CHECK (btrim(description) <> '' AND length(description) <= 20000),
    -- [{pointer, old, new}]: what changed against the base version
    changes                  JSONB NOT NULL CHECK (jsonb_typeof(changes) = 'array'),
    -- the data sources its decision covers (only what changed)
    sources                  TEXT[] NOT NULL,
    created_at               TIMESTAMPTZ NOT NULL,
    created_by               TEXT NOT NULL,
    UNIQUE (original_application_id, version_no),
    CHECK (original_application_id <> application_id)
);
CREATE INDEX change_requests_original_case ON change_requests (original_case_id, version_no);
CREATE TRIGGER change_requests_append_only
    BEFORE UPDATE OR DELETE ON change_requests
    FOR EACH ROW EXECUTE FUNCTION refuse_link_change();

-- Attachments sent after submission (ettersendt): the attachment row itself
-- is in application_attachments like any other (the submitted ones are
-- never deleted, so they stay readable); this says when it came, which
-- attachment it replaces (a new version of it), which question it answers,
-- and which data source it concerns (its custodian sees it). Append-only.
CREATE TABLE attachments_sent_later (
    attachment_id     UUID PRIMARY KEY REFERENCES application_attachments (id),
    case_id           UUID NOT NULL REFERENCES cases (id),
    replaces_id       UUID REFERENCES application_attachments (id),
    question_id       UUID REFERENCES case_questions (id),
    data_source_code  TEXT,
    sent_at           TIMESTAMPTZ NOT NULL,
    CHECK (replaces_id IS DISTINCT FROM attachment_id)
);
CREATE INDEX attachments_sent_later_case ON attachments_sent_later (case_id, sent_at);
-- one newer version per attachment: a replacement replaces the latest
CREATE UNIQUE INDEX attachments_sent_later_one_successor ON attachments_sent_later (replaces_id)
    WHERE replaces_id IS NOT NULL;
CREATE TRIGGER attachments_sent_later_append_only
    BEFORE UPDATE OR DELETE ON attachments_sent_later
    FOR EACH ROW EXECUTE FUNCTION refuse_link_change();
