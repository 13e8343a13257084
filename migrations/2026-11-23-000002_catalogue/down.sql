DROP TABLE service_notices;
DROP TABLE variables;
DROP TABLE data_source_purposes;
DROP TABLE data_source_custodian_history;
DROP TABLE data_sources;
DROP TABLE custodians;
DROP TABLE purposes;
