-- The change feed (hendelsesstrøm) that custodian systems and other clients
-- poll: GET /api/v1/events?after=<sequence>.
--
-- Sequence numbers are handed out from a one-row counter that the appending
-- transaction updates, so they are assigned in commit order: a transaction
-- holds the counter row until it commits, and the next writer waits. A reader
-- that has seen sequence N therefore never later finds an event below N, and
-- a rolled-back transaction takes its number back (no gaps at all).

CREATE TABLE feed_counter (
    singleton  BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    last       BIGINT NOT NULL
);
INSERT INTO feed_counter (last) VALUES (0);

CREATE TABLE feed_events (
    sequence      BIGINT PRIMARY KEY,
    id            UUID NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    type          TEXT NOT NULL CHECK (type ~ '^no\.helsedata\.[a-z_.]+$'),
    source        TEXT NOT NULL,
    subject       TEXT,
    time          TIMESTAMPTZ NOT NULL DEFAULT now(),
    data          JSONB NOT NULL DEFAULT '{}'::jsonb,
    -- who may read it besides HDS staff: a custodian, or nobody else
    custodian_id  UUID REFERENCES custodians (id),
    case_id       UUID
);
CREATE INDEX feed_events_custodian ON feed_events (custodian_id, sequence);

CREATE FUNCTION refuse_feed_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'feed events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER feed_events_append_only
    BEFORE UPDATE OR DELETE ON feed_events
    FOR EACH ROW EXECUTE FUNCTION refuse_feed_change();

-- Appends one event and wakes long-polling readers (NOTIFY is delivered at commit).
CREATE FUNCTION append_feed_event(
    p_type TEXT, p_source TEXT, p_subject TEXT, p_data JSONB, p_custodian_id UUID, p_case_id UUID
) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    seq BIGINT;
BEGIN
    UPDATE feed_counter SET last = last + 1 RETURNING last INTO seq;
    INSERT INTO feed_events (sequence, type, source, subject, data, custodian_id, case_id)
    VALUES (seq, p_type, p_source, p_subject, p_data, p_custodian_id, p_case_id);
    PERFORM pg_notify('hds_feed', seq::text);
    RETURN seq;
END $$;
