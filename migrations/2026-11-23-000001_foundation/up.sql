-- Foundation: the audit trail and idempotency keys every later table relies on.

-- Every state change writes one audit event in the same transaction.
-- Events are append-only: the database itself refuses to change or delete them.
CREATE TABLE audit_events (
    id            BIGSERIAL PRIMARY KEY,
    occurred_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor         TEXT NOT NULL,            -- who: "person:<masked>", "org:<orgnr>", "system"
    action        TEXT NOT NULL,            -- what: e.g. CUSTODIAN_UPDATED
    entity_type   TEXT NOT NULL,            -- e.g. custodian, data_source, case
    entity_id     TEXT NOT NULL,
    before_state  JSONB,
    after_state   JSONB,
    request_id    TEXT
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id);

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- Idempotency-Key on creating POSTs: the first response is stored and replayed.
CREATE TABLE idempotency_keys (
    principal     TEXT NOT NULL,
    key           TEXT NOT NULL,
    method        TEXT NOT NULL,
    path          TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        SMALLINT NOT NULL,
    headers       JSONB NOT NULL DEFAULT '{}'::jsonb,
    body          BYTEA NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
