DROP INDEX IF EXISTS variables_name_id;
