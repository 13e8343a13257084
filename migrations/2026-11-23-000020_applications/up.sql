-- Applications (søknader) on the common form, their attachments and members,
-- the frozen submitted snapshot, and the case each submission becomes.
-- The case-handling issue extends `cases` and `case_events`.

-- Refuses UPDATE and DELETE on append-only tables.
CREATE FUNCTION refuse_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

-- The application. Content is one JSONB document keyed by section (the API's
-- JSON form: project, purpose, dataKind, dataSources, linkage, responsibility,
-- legalBasis, fee, tableSpecifications, comments). A PATCH replaces whole
-- sections; the completeness check reads the document as a whole.
CREATE TABLE applications (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The owner's national identity number, needed for access control.
    -- Personal data: never logged; the audit trail has the masked form.
    owner_pid     TEXT NOT NULL CHECK (owner_pid ~ '^[0-9]{11}$'),
    status        TEXT NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'SUBMITTED')),
    content       JSONB NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(content) = 'object'),
    version       INT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    submitted_at  TIMESTAMPTZ,
    CHECK ((status = 'SUBMITTED') = (submitted_at IS NOT NULL))
);
CREATE INDEX applications_owner ON applications (owner_pid, created_at DESC, id DESC);

-- Co-applicants (medsøkere): read and edit drafts; only the owner submits or withdraws.
CREATE TABLE application_members (
    id              UUID NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    application_id  UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    pid             TEXT NOT NULL CHECK (pid ~ '^[0-9]{11}$'),
    added_by        TEXT NOT NULL,
    added_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, pid)
);
CREATE INDEX application_members_pid ON application_members (pid, application_id);

-- Attachments (vedlegg), stored in the database in the same transaction as
-- their metadata. `content_type` is what the bytes were sniffed as.
CREATE TABLE application_attachments (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id  UUID NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('PROJECT_DESCRIPTION', 'REK_DECISION', 'DPIA',
                        'TABLE_SPECIFICATION', 'VARIABLE_LIST', 'INFORMATION_LETTER', 'OTHER')),
    title           TEXT NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 200),
    filename        TEXT NOT NULL CHECK (filename <> '' AND length(filename) <= 200
                        AND filename !~ '[/\\[:cntrl:]]'),
    content_type    TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL CHECK (size_bytes >= 0),
    sha256          TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content         BYTEA NOT NULL,
    uploaded_by     TEXT NOT NULL,
    uploaded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (octet_length(content) = size_bytes)
);
CREATE INDEX application_attachments_application ON application_attachments (application_id, uploaded_at, id);

-- The submitted version, frozen: the content and the attachments' metadata
-- (with SHA-256) as they were at submission. Append-only.
CREATE TABLE application_snapshots (
    application_id  UUID PRIMARY KEY REFERENCES applications (id),
    content         JSONB NOT NULL,
    submitted_at    TIMESTAMPTZ NOT NULL,
    submitted_by    TEXT NOT NULL
);
CREATE TRIGGER application_snapshots_append_only
    BEFORE UPDATE OR DELETE ON application_snapshots
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER application_snapshots_no_truncate
    BEFORE TRUNCATE ON application_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

-- Case numbers HDS-<year>-<6 digits>: one counter row per year, incremented
-- with UPDATE ... RETURNING inside the submit transaction. The row lock
-- serialises concurrent submits; a rollback undoes the increment (no gaps).
CREATE TABLE case_number_counters (
    year        INT PRIMARY KEY CHECK (year BETWEEN 2000 AND 9999),
    last_value  INT NOT NULL CHECK (last_value BETWEEN 0 AND 999999)
);

-- The case (sak) a submitted application becomes. Statuses are the codes of
-- hds_domain::case::CaseState.
CREATE TABLE cases (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id  UUID NOT NULL UNIQUE REFERENCES applications (id),
    case_number     TEXT NOT NULL UNIQUE CHECK (case_number ~ '^HDS-[0-9]{4}-[0-9]{6}$'),
    status          TEXT NOT NULL CHECK (status IN ('SUBMITTED', 'AWAITING_APPLICANT', 'UNDER_REVIEW',
                        'DECIDED', 'REJECTED_NO_REPLY', 'WITHDRAWN', 'APPEALED',
                        'FORWARDED_TO_APPEALS_BODY', 'CLOSED')),
    -- The received instant, and its calendar date in Europe/Oslo (day 0 rules).
    received_at     TIMESTAMPTZ NOT NULL,
    received_on     DATE NOT NULL,
    version         INT NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX cases_status ON cases (status, received_at);

-- What happened to a case, append-only. `visible_to_applicant` selects the
-- applicant's timeline (received, questions, decision, deadline changes,
-- withdrawn); internal notes and assignments are false. `data` holds the
-- kind's details (e.g. a question's text and reply deadline).
CREATE TABLE case_events (
    id                    BIGSERIAL PRIMARY KEY,
    case_id               UUID NOT NULL REFERENCES cases (id),
    kind                  TEXT NOT NULL CHECK (kind ~ '^[A-Z][A-Z0-9_]*$'),
    occurred_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor                 TEXT NOT NULL,
    visible_to_applicant  BOOLEAN NOT NULL,
    status_before         TEXT,
    status_after          TEXT,
    data                  JSONB NOT NULL DEFAULT '{}'::jsonb,
    request_id            TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, id);
CREATE TRIGGER case_events_append_only
    BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER case_events_no_truncate
    BEFORE TRUNCATE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
