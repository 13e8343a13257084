-- Fails while a custodian has no organisation number (on purpose: give it one first).
ALTER TABLE custodians ALTER COLUMN orgnr SET NOT NULL;
DROP TABLE custodian_members;
