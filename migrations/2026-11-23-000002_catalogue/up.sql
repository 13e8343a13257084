-- The catalogue: purposes, custodians, data sources, variables, service notices.
-- Codes are stable public identifiers; ids are UUIDs; `version` backs ETag/If-Match.

CREATE TABLE purposes (
    code        TEXT PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
    name_nb     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    sort_order  INT NOT NULL DEFAULT 0
);

-- Registerforvalter. A custodian is data: a reorganisation is an update.
CREATE TABLE custodians (
    id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    code           TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
    name           TEXT NOT NULL,
    short_name     TEXT NOT NULL,
    orgnr          TEXT NOT NULL UNIQUE CHECK (orgnr ~ '^[0-9]{9}$'),
    contact_email  TEXT,
    website        TEXT,
    retired_at     TIMESTAMPTZ,
    version        INT NOT NULL DEFAULT 1,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE data_sources (
    id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    code                  TEXT NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_]*$'),
    name_nb               TEXT NOT NULL,
    name_en               TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('CENTRAL_REGISTER', 'QUALITY_REGISTER', 'HEALTH_SURVEY', 'BIOBANK', 'OTHER')),
    custodian_id          UUID NOT NULL REFERENCES custodians (id),
    description_nb        TEXT NOT NULL DEFAULT '',
    description_en        TEXT NOT NULL DEFAULT '',
    data_kinds            TEXT[] NOT NULL
        CHECK (cardinality(data_kinds) > 0
               AND data_kinds <@ ARRAY['ANONYMOUS', 'INDIRECTLY_IDENTIFIABLE', 'DIRECTLY_IDENTIFIABLE']),
    decision_authority    TEXT NOT NULL CHECK (decision_authority IN ('HDS', 'CUSTODIAN')),
    channel               TEXT NOT NULL CHECK (channel IN ('COMMON_FORM', 'EXTERNAL_FORM')),
    external_url          TEXT,
    period_from           INT,
    period_to             INT,
    processing_notice_nb  TEXT,
    processing_notice_en  TEXT,
    retired_at            TIMESTAMPTZ,
    version               INT NOT NULL DEFAULT 1,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    search_nb             TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('norwegian', code || ' ' || name_nb), 'A')
        || setweight(to_tsvector('norwegian', description_nb), 'B')) STORED,
    search_en             TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', code || ' ' || name_en), 'A')
        || setweight(to_tsvector('english', description_en), 'B')) STORED,
    CHECK ((channel = 'EXTERNAL_FORM') = (external_url IS NOT NULL)),
    CHECK (period_to IS NULL OR period_from IS NULL OR period_from <= period_to)
);
CREATE INDEX data_sources_custodian ON data_sources (custodian_id);
CREATE INDEX data_sources_search_nb ON data_sources USING GIN (search_nb);
CREATE INDEX data_sources_search_en ON data_sources USING GIN (search_en);

-- Which custodian held a data source when: moving a register keeps history.
CREATE TABLE data_source_custodian_history (
    data_source_id  UUID NOT NULL REFERENCES data_sources (id),
    custodian_id    UUID NOT NULL REFERENCES custodians (id),
    valid_from      TIMESTAMPTZ NOT NULL DEFAULT now(),
    valid_to        TIMESTAMPTZ,
    changed_by      TEXT NOT NULL,
    PRIMARY KEY (data_source_id, valid_from)
);

CREATE TABLE data_source_purposes (
    data_source_id  UUID NOT NULL REFERENCES data_sources (id) ON DELETE CASCADE,
    purpose_code    TEXT NOT NULL REFERENCES purposes (code),
    PRIMARY KEY (data_source_id, purpose_code)
);
CREATE INDEX data_source_purposes_purpose ON data_source_purposes (purpose_code, data_source_id);

CREATE TABLE variables (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    data_source_id  UUID NOT NULL REFERENCES data_sources (id),
    name            TEXT NOT NULL CHECK (name <> ''),
    label_nb        TEXT NOT NULL,
    label_en        TEXT NOT NULL,
    description_nb  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    value_type      TEXT NOT NULL CHECK (value_type IN ('INTEGER', 'DECIMAL', 'TEXT', 'CODE', 'DATE', 'BOOLEAN')),
    code_list       TEXT,
    period_from     INT,
    period_to       INT,
    identifying     BOOLEAN NOT NULL DEFAULT false,
    sensitive       BOOLEAN NOT NULL DEFAULT false,
    retired_at      TIMESTAMPTZ,
    version         INT NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    search_nb       TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('norwegian', name || ' ' || label_nb), 'A')
        || setweight(to_tsvector('norwegian', description_nb), 'B')) STORED,
    search_en       TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name || ' ' || label_en), 'A')
        || setweight(to_tsvector('english', description_en), 'B')) STORED,
    UNIQUE (data_source_id, name),
    CHECK (period_to IS NULL OR period_from IS NULL OR period_from <= period_to)
);
CREATE INDEX variables_search_nb ON variables USING GIN (search_nb);
CREATE INDEX variables_search_en ON variables USING GIN (search_en);

-- Driftsmeldinger: shown to everyone while valid.
CREATE TABLE service_notices (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    severity    TEXT NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
    title_nb    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    body_nb     TEXT NOT NULL DEFAULT '',
    body_en     TEXT NOT NULL DEFAULT '',
    valid_from  TIMESTAMPTZ NOT NULL,
    valid_to    TIMESTAMPTZ NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (valid_from < valid_to)
);
CREATE INDEX service_notices_validity ON service_notices (valid_to, valid_from);
