-- BENCH ONLY (make bench-api). What the server sends for one journey: create a draft, upload its
-- project description, submit it; one transaction each, statement for statement as the server sends
-- them (run.py checks this against PostgreSQL's log). Values are the server's or of the same size.
-- Two differences, both because pgbench cannot make them otherwise (docs/benchmarks.md):
-- - pgbench cannot send a NULL parameter: where the server binds NULL (an audit event's
--   before_state, the case event's status_before, the case.received event's custodian) it binds a
--   JSON null, a short text, and the FHI custodian;
-- - pgbench cannot build a new text per transaction, and case numbers are unique text: each pgbench
--   process (one per connection) uses its own case number and ends the submit with ROLLBACK, not
--   COMMIT, so that the number is free again for its next journey.
\set ckey random(1, 9000000000000000000)
\set ukey random(1, 9000000000000000000)
\set skey random(1, 9000000000000000000)
BEGIN;
INSERT INTO "idempotency_keys" ("principal", "key", "method", "path", "request_hash", "status", "body") VALUES (:principal, :ckey, :post, :cpath, :rhash, :zero, :empty) ON CONFLICT DO NOTHING;
SELECT d.id, d.code, d.name_nb, d.name_en, d.data_kinds, d.channel, d.external_url, d.retired_at IS NOT NULL, ARRAY(SELECT p.purpose_code FROM data_source_purposes p WHERE p.data_source_id = d.id), COALESCE(v.names, '{}'), COALESCE(v.identifying, '{}'), COALESCE(v.retired, '{}') FROM data_sources d CROSS JOIN LATERAL (SELECT array_agg(x.name) AS names, array_agg(x.identifying) AS identifying, array_agg(x.retired_at IS NOT NULL) AS retired FROM variables x WHERE x.data_source_id = d.id) v WHERE d.code = ANY(:codes);
INSERT INTO "applications" ("owner_pid", "content") VALUES (:pid, :content) RETURNING "applications"."id", "applications"."owner_pid", "applications"."status", "applications"."content", "applications"."version", "applications"."created_at", "applications"."updated_at", "applications"."submitted_at" \gset app_
INSERT INTO audit_events (actor, action, entity_type, entity_id, before_state, after_state, request_id) VALUES (:actor, :created, :entity, :app_id, :jsonnull, :audit_after, :request_id);
SELECT "application_attachments"."id", "application_attachments"."application_id", "application_attachments"."kind", "application_attachments"."title", "application_attachments"."filename", "application_attachments"."content_type", "application_attachments"."size_bytes", "application_attachments"."sha256", "application_attachments"."uploaded_by", "application_attachments"."uploaded_at" FROM "application_attachments" WHERE ("application_attachments"."application_id" = :app_id) ORDER BY "application_attachments"."uploaded_at" ASC, "application_attachments"."id" ASC;
SELECT "person_contacts"."email", "person_contacts"."language", "person_contacts"."verified_at", "person_contacts"."pending_email", "person_contacts"."code_expires_at", "person_contacts"."code_attempts", "person_contacts"."codes_sent", "person_contacts"."codes_since" FROM "person_contacts" WHERE ("person_contacts"."person_key" = :pkey) LIMIT :one;
UPDATE idempotency_keys SET status = :status201, headers = :headers_create, body = :body_create WHERE principal = :principal AND key = :ckey;
COMMIT;
BEGIN;
INSERT INTO "idempotency_keys" ("principal", "key", "method", "path", "request_hash", "status", "body") VALUES (:principal, :ukey, :post, :upath, :rhash, :zero, :empty) ON CONFLICT DO NOTHING;
SELECT "applications"."id", "applications"."owner_pid", "applications"."status", "applications"."content", "applications"."version", "applications"."created_at", "applications"."updated_at", "applications"."submitted_at" FROM "applications" WHERE (("applications"."id" = :app_id) AND (("applications"."owner_pid" = :pid) OR EXISTS (SELECT "application_members"."id", "application_members"."application_id", "application_members"."pid", "application_members"."added_by", "application_members"."added_at" FROM "application_members" WHERE (("application_members"."application_id" = "applications"."id") AND ("application_members"."pid" = :pid))))) LIMIT :one FOR UPDATE;
INSERT INTO application_attachments (application_id, kind, title, filename, content_type, size_bytes, sha256, content, uploaded_by) VALUES (:app_id, :kind, :title, :filename, :ctype, :size, :sha, :pdf, :actor) RETURNING id, application_id, kind, title, filename, content_type, size_bytes, sha256, uploaded_by, uploaded_at;
UPDATE applications SET version = version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = :app_id RETURNING version;
INSERT INTO audit_events (actor, action, entity_type, entity_id, before_state, after_state, request_id) VALUES (:actor, :added, :entity, :app_id, :jsonnull, :audit_added, :request_id);
UPDATE idempotency_keys SET status = :status201, headers = :headers_upload, body = :body_upload WHERE principal = :principal AND key = :ukey;
COMMIT;
BEGIN;
INSERT INTO "idempotency_keys" ("principal", "key", "method", "path", "request_hash", "status", "body") VALUES (:principal, :skey, :post, :spath, :rhash, :zero, :empty) ON CONFLICT DO NOTHING;
SELECT "applications"."id", "applications"."owner_pid", "applications"."status", "applications"."content", "applications"."version", "applications"."created_at", "applications"."updated_at", "applications"."submitted_at" FROM "applications" WHERE (("applications"."id" = :app_id) AND (("applications"."owner_pid" = :pid) OR EXISTS (SELECT "application_members"."id", "application_members"."application_id", "application_members"."pid", "application_members"."added_by", "application_members"."added_at" FROM "application_members" WHERE (("application_members"."application_id" = "applications"."id") AND ("application_members"."pid" = :pid))))) LIMIT :one FOR UPDATE;
SELECT "application_attachments"."id", "application_attachments"."application_id", "application_attachments"."kind", "application_attachments"."title", "application_attachments"."filename", "application_attachments"."content_type", "application_attachments"."size_bytes", "application_attachments"."sha256", "application_attachments"."uploaded_by", "application_attachments"."uploaded_at" FROM "application_attachments" WHERE ("application_attachments"."application_id" = :app_id) ORDER BY "application_attachments"."uploaded_at" ASC, "application_attachments"."id" ASC;
SELECT d.id, d.code, d.name_nb, d.name_en, d.data_kinds, d.channel, d.external_url, d.retired_at IS NOT NULL, ARRAY(SELECT p.purpose_code FROM data_source_purposes p WHERE p.data_source_id = d.id), COALESCE(v.names, '{}'), COALESCE(v.identifying, '{}'), COALESCE(v.retired, '{}') FROM data_sources d CROSS JOIN LATERAL (SELECT array_agg(x.name) AS names, array_agg(x.identifying) AS identifying, array_agg(x.retired_at IS NOT NULL) AS retired FROM variables x WHERE x.data_source_id = d.id) v WHERE d.code = ANY(:codes);
UPDATE applications SET status = 'SUBMITTED', submitted_at = :now, version = version + 1, updated_at = :now WHERE id = :app_id AND status = 'DRAFT' RETURNING id, owner_pid, status, content, version, created_at, updated_at, submitted_at;
WITH blobs AS (INSERT INTO attachment_blobs (sha256, size_bytes, content) SELECT DISTINCT ON (sha256) sha256, size_bytes, content FROM application_attachments WHERE application_id = :app_id ORDER BY sha256 ON CONFLICT DO NOTHING) INSERT INTO submitted_attachments (application_id, attachment_id, kind, title, filename, content_type, size_bytes, sha256, uploaded_at, submitted_at) SELECT application_id, id, kind, title, filename, content_type, size_bytes, sha256, uploaded_at, :now FROM application_attachments WHERE application_id = :app_id;
INSERT INTO case_number_counters AS k (year, last_value) VALUES (:year, 1) ON CONFLICT (year) DO UPDATE SET last_value = k.last_value + 1 RETURNING last_value;
INSERT INTO "application_snapshots" ("application_id", "content", "submitted_at", "submitted_by") VALUES (:app_id, :snapshot, :now, :actor);
INSERT INTO "cases" ("application_id", "case_number", "status", "received_at", "received_on") VALUES (:app_id, :casenumber, :st_submitted, :now, :today) RETURNING "cases"."id", "cases"."application_id", "cases"."case_number", "cases"."status", "cases"."received_at", "cases"."received_on", "cases"."version", "cases"."created_at", "cases"."updated_at" \gset case_
INSERT INTO case_events (case_id, kind, occurred_at, actor, visible_to_applicant, status_before, status_after, data, request_id) VALUES (:case_id, :st_submitted, :now, :actor, :vtrue, :none, :st_submitted, :event_data, :request_id);
SELECT "cases"."application_id", "cases"."case_number" FROM "cases" WHERE ("cases"."id" = :case_id) LIMIT :one;
SELECT "applications"."owner_pid" FROM "applications" WHERE ("applications"."id" = :app_id) LIMIT :one;
SELECT "application_members"."pid" FROM "application_members" WHERE ("application_members"."application_id" = :app_id) ORDER BY "application_members"."added_at" ASC;
SELECT "person_contacts"."email", "person_contacts"."language" FROM "person_contacts" WHERE (("person_contacts"."person_key" = :pkey) AND ("person_contacts"."email" IS NOT NULL)) LIMIT :one;
SELECT append_feed_event(:received, :case_source, :casenumber, :feed_data, :fhi, :case_id);
INSERT INTO audit_events (actor, action, entity_type, entity_id, before_state, after_state, request_id) VALUES (:actor, :submitted, :entity, :app_id, :jsonnull, :audit_submitted, :request_id);
UPDATE idempotency_keys SET status = :status201, headers = :headers_submit, body = :body_submit WHERE principal = :principal AND key = :skey;
ROLLBACK;
