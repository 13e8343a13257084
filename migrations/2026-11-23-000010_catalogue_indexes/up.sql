-- Indexes behind the catalogue's keyset pagination (see docs/benchmarks.md).

-- Variables across all sources, in name order: `ORDER BY name, id` with the
-- keyset `(name, id) > ($1, $2)` walks this index and stops after a page.
-- (Per source, UNIQUE (data_source_id, name) already serves `ORDER BY name`.)
CREATE INDEX variables_name_id ON variables (name, id);

-- Service notices active at an instant: valid_from <= t < valid_to.
-- (service_notices_validity (valid_to, valid_from) from the catalogue migration serves it.)

-- Data sources are listed by code (UNIQUE index) and filtered by custodian
-- (data_sources_custodian) and purpose (data_source_purposes_purpose).
