-- Notifications (varsler) by e-mail: the contact address a person set and
-- verified, the custodians' functional address for new tasks, and the outbox
-- the worker sends from (docs/operations.md, "Notifications").

-- A person's contact address and language. Keyed by a pseudonymous key
-- (SHA-256 of the national identity number with a fixed prefix, computed by
-- the application): the number itself is not stored here. `email` is the
-- verified address; a change waits in `pending_email` until its code is given.
CREATE TABLE person_contacts (
    person_key       TEXT PRIMARY KEY CHECK (person_key ~ '^[0-9a-f]{64}$'),
    email            TEXT,
    language         TEXT NOT NULL DEFAULT 'NB' CHECK (language IN ('NB', 'EN')),
    verified_at      TIMESTAMPTZ,
    pending_email    TEXT,
    code_hash        TEXT,
    code_expires_at  TIMESTAMPTZ,
    code_attempts    INT NOT NULL DEFAULT 0 CHECK (code_attempts >= 0),
    codes_sent       INT NOT NULL DEFAULT 0 CHECK (codes_sent >= 0),
    codes_since      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((email IS NULL) = (verified_at IS NULL)),
    CHECK ((pending_email IS NULL) = (code_hash IS NULL))
);

-- The custodian's functional address (funksjonell adresse) for new tasks,
-- set by ADMIN; without one, the custodian's public contact address is used.
CREATE TABLE custodian_notification_addresses (
    custodian_id  UUID PRIMARY KEY REFERENCES custodians (id),
    email         TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_by    TEXT NOT NULL
);

-- The outbox: one row per message, written in the transaction of the event
-- that causes it. The worker renders the text (language, case number, link)
-- when it sends, so no text of the case is stored here; `data` holds only
-- what a template needs (a verification code until it is sent).
CREATE TABLE notifications (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    kind             TEXT NOT NULL,
    cause            TEXT NOT NULL,
    audience         TEXT NOT NULL CHECK (audience IN ('APPLICANT', 'CO_APPLICANT', 'CUSTODIAN', 'PERSON')),
    case_id          UUID REFERENCES cases (id),
    case_number      TEXT,
    application_id   UUID REFERENCES applications (id),
    custodian_id     UUID REFERENCES custodians (id),
    to_address       TEXT NOT NULL,
    language         TEXT NOT NULL CHECK (language IN ('NB', 'EN')),
    data             JSONB NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    attempts         INT NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    lease_until      TIMESTAMPTZ,
    last_attempt_at  TIMESTAMPTZ,
    last_error       TEXT,
    sent_at          TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notifications_newest ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_case ON notifications (case_id);
