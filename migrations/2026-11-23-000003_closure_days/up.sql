-- Extra closure days (e.g. 24 and 31 December when the office closes): data,
-- not code. They are non-working days in every deadline computation.
CREATE TABLE closure_days (
    day        DATE PRIMARY KEY,
    reason     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
