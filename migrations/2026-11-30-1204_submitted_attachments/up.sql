-- Issue 12: the submitted version keeps its files. Submission copies each
-- attachment's metadata into `submitted_attachments` and its bytes into
-- `attachment_blobs` (by SHA-256, stored once), both append-only: whatever
-- later happens to the draft's attachments, what was submitted stays as it
-- was, and case handlers and deciding custodians read it from here.
CREATE TABLE attachment_blobs (
    sha256      TEXT PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes  BIGINT NOT NULL CHECK (size_bytes >= 0),
    content     BYTEA NOT NULL,
    stored_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE submitted_attachments (
    application_id  UUID NOT NULL REFERENCES applications (id),
    attachment_id   UUID NOT NULL,
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL,
    sha256          TEXT NOT NULL REFERENCES attachment_blobs (sha256),
    uploaded_at     TIMESTAMPTZ NOT NULL,
    submitted_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, attachment_id)
);

CREATE TRIGGER attachment_blobs_append_only
    BEFORE UPDATE OR DELETE ON attachment_blobs
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER attachment_blobs_no_truncate
    BEFORE TRUNCATE ON attachment_blobs
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER submitted_attachments_append_only
    BEFORE UPDATE OR DELETE ON submitted_attachments
    FOR EACH ROW EXECUTE FUNCTION refuse_append_only_change();
CREATE TRIGGER submitted_attachments_no_truncate
    BEFORE TRUNCATE ON submitted_attachments
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_append_only_change();

-- Applications submitted before this migration.
INSERT INTO attachment_blobs (sha256, size_bytes, content)
SELECT DISTINCT ON (a.sha256) a.sha256, a.size_bytes, a.content
FROM application_attachments a
JOIN applications p ON p.id = a.application_id
WHERE p.submitted_at IS NOT NULL
ORDER BY a.sha256
ON CONFLICT DO NOTHING;

INSERT INTO submitted_attachments (application_id, attachment_id, kind, title, filename,
                                   content_type, size_bytes, sha256, uploaded_at, submitted_at)
SELECT a.application_id, a.id, a.kind, a.title, a.filename, a.content_type, a.size_bytes,
       a.sha256, a.uploaded_at, p.submitted_at
FROM application_attachments a
JOIN applications p ON p.id = a.application_id
WHERE p.submitted_at IS NOT NULL;
