-- BENCH ONLY (make bench-api). What the server sends for an unchanged task-list poll (304): ONE statement.
-- The server reads the counters of the polls waiting at one moment in this one statement (an array of
-- organisation numbers, deduplicated); pgbench runs it once per poll, with one number.
SELECT "custodians"."orgnr", "custodians"."id", "custodian_task_counters"."changes" FROM ("custodians" LEFT OUTER JOIN "custodian_task_counters" ON ("custodian_task_counters"."custodian_id" = "custodians"."id")) WHERE (("custodians"."orgnr" = ANY(:orgnrs)) AND ("custodians"."retired_at" IS NULL));
