DROP FUNCTION applicant_recipients(UUID);
DROP FUNCTION person_key_of(TEXT);
DROP FUNCTION case_number_of(INT, INT);
