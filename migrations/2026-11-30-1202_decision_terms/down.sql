DROP TABLE case_decision_tables;
-- the CHECKs added with these columns go with them
ALTER TABLE case_decisions
    DROP COLUMN access_from,
    DROP COLUMN access_to,
    DROP COLUMN disposal,
    DROP COLUMN dispose_by,
    DROP COLUMN exemption_granted,
    DROP COLUMN exemption_legal_basis,
    DROP COLUMN exemption_conditions;
