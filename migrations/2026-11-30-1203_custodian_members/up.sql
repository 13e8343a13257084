-- Issue 12: custodians' own case handlers (seed 004: "egne saksbehandlere")
-- act as persons. An ADMIN links a person, logged in with ID-porten or
-- HelseID, to a custodian; the person then acts for it (tasks, decisions,
-- deliveries) under their own name. Unlinking takes effect at once: the link
-- is read on every request.
--
-- No national identity number is stored: a person is known by a pseudonymous
-- key, `m-` and a SHA-256 digest of the number (as case handlers are `h-...`).
CREATE TABLE custodian_members (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    custodian_id       UUID NOT NULL REFERENCES custodians (id),
    person_key         TEXT NOT NULL CHECK (person_key ~ '^m-[0-9a-f]{32}$'),
    identity_provider  TEXT NOT NULL CHECK (identity_provider IN ('ID_PORTEN', 'HELSE_ID')),
    name               TEXT NOT NULL CHECK (btrim(name) <> ''),
    linked_by          TEXT NOT NULL,
    linked_at          TIMESTAMPTZ NOT NULL,
    unlinked_by        TEXT,
    unlinked_at        TIMESTAMPTZ,
    CHECK ((unlinked_by IS NULL) = (unlinked_at IS NULL))
);
-- A person acts for one custodian at a time.
CREATE UNIQUE INDEX custodian_members_active ON custodian_members (person_key)
    WHERE unlinked_at IS NULL;
CREATE INDEX custodian_members_custodian ON custodian_members (custodian_id, linked_at);

-- A custodian that is a unit of another organisation (Kreftregisteret within
-- FHI since 2024) has no organisation number of its own: its staff act as
-- persons, and no Maskinporten token names it.
ALTER TABLE custodians ALTER COLUMN orgnr DROP NOT NULL;
