-- BENCH ONLY (make bench-api). What the server sends for an unchanged task-list poll (304): ONE statement.
SELECT "custodians"."id", "custodian_task_counters"."changes" FROM ("custodians" LEFT OUTER JOIN "custodian_task_counters" ON ("custodian_task_counters"."custodian_id" = "custodians"."id")) WHERE (("custodians"."orgnr" = :orgnr) AND ("custodians"."retired_at" IS NULL)) LIMIT :one;
