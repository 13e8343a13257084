DROP INDEX IF EXISTS cases_decided_on;
DROP TABLE overview_withholdings;
