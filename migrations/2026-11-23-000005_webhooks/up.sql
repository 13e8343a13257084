-- Webhooks: a nudge beside the feed. A custodian registers endpoints; every
-- feed event addressed to it becomes a delivery in the outbox, written by a
-- trigger in the same transaction as the event itself.

CREATE TABLE webhook_endpoints (
    id                     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    custodian_id           UUID NOT NULL REFERENCES custodians (id),
    url                    TEXT NOT NULL,
    -- feed event types to deliver; empty means all
    event_types            TEXT[] NOT NULL DEFAULT '{}',
    -- Standard Webhooks secret, "whsec_<base64>"
    secret                 TEXT NOT NULL CHECK (secret LIKE 'whsec\_%'),
    -- after a rotation the old secret still signs until it expires
    previous_secret        TEXT,
    previous_secret_until  TIMESTAMPTZ,
    enabled                BOOLEAN NOT NULL DEFAULT true,
    disabled_reason        TEXT,
    disabled_at            TIMESTAMPTZ,
    -- first failure of the current run of failures; NULL while healthy
    failing_since          TIMESTAMPTZ,
    created_by             TEXT NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    version                INT NOT NULL DEFAULT 1,
    CHECK (enabled OR disabled_reason IS NOT NULL)
);
CREATE INDEX webhook_endpoints_custodian ON webhook_endpoints (custodian_id);

CREATE TABLE webhook_deliveries (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    endpoint_id      UUID NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- the feed event: its id is the webhook-id, so retries carry the same id
    event_id         UUID NOT NULL,
    event_sequence   BIGINT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          JSONB NOT NULL,
    status           TEXT NOT NULL DEFAULT 'PENDING'
                     CHECK (status IN ('PENDING', 'DELIVERED', 'ABANDONED')),
    attempts         INT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- a dispatcher holds a delivery until this instant while it sends it
    lease_until      TIMESTAMPTZ,
    last_attempt_at  TIMESTAMPTZ,
    last_status      INT,
    last_error       TEXT,
    delivered_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

-- The outbox: one delivery per enabled endpoint of the event's custodian
-- that wants this type, in the transaction that appends the event.
CREATE FUNCTION enqueue_webhook_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.custodian_id IS NULL THEN
        RETURN NEW;
    END IF;
    INSERT INTO webhook_deliveries (endpoint_id, event_id, event_sequence, event_type, payload)
    SELECT e.id, NEW.id, NEW.sequence, NEW.type,
           jsonb_build_object('type', NEW.type, 'timestamp', NEW.time, 'data',
               jsonb_build_object('eventId', NEW.id, 'sequence', NEW.sequence,
                                  'source', NEW.source, 'subject', NEW.subject))
    FROM webhook_endpoints e
    WHERE e.custodian_id = NEW.custodian_id
      AND e.enabled
      AND (cardinality(e.event_types) = 0 OR NEW.type = ANY (e.event_types));
    RETURN NEW;
END $$;

CREATE TRIGGER feed_events_enqueue_webhooks
    AFTER INSERT ON feed_events
    FOR EACH ROW EXECUTE FUNCTION enqueue_webhook_deliveries();
