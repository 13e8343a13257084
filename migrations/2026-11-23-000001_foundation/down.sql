DROP TABLE idempotency_keys;
DROP TABLE audit_events;
DROP FUNCTION refuse_audit_change();
