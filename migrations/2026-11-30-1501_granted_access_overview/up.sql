-- The public overview of granted access (issue 15, docs/reporting.md):
-- an entry a case handler withholds from it, with the reason. Undoing the
-- withholding deletes the row; both are in the audit trail.
CREATE TABLE overview_withholdings (
    case_id      UUID PRIMARY KEY REFERENCES cases (id),
    reason       TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    withheld_at  TIMESTAMPTZ NOT NULL,
    withheld_by  TEXT NOT NULL
);

-- The overview pages decided cases by decision date, newest first.
CREATE INDEX cases_decided_on ON cases (decided_on DESC, case_number DESC)
    WHERE decided_on IS NOT NULL;
