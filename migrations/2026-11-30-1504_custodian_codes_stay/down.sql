DROP TRIGGER custodian_codes_stay ON custodians;
DROP FUNCTION refuse_custodian_code_change();
