-- How many replies each status holds, kept as they change (the admin's navigation showed a
-- count of every reply on every page: 100 ms and more at a million replies).
-- CreateTable
CREATE TABLE "reply_status_delta" (
    "id" BIGSERIAL NOT NULL,
    "status" "ReplyStatus" NOT NULL,
    "delta" INTEGER NOT NULL,

    CONSTRAINT "reply_status_delta_pkey" PRIMARY KEY ("id")
);

-- The replies there are now, as one row per status.
INSERT INTO "reply_status_delta" ("status", "delta") SELECT "status", count(*) FROM "reply" GROUP BY "status";

-- Every write to reply appends how it changed each status's count: statement-level triggers,
-- one row per status per statement (an edit that keeps the status appends nothing). Appending,
-- rather than updating one counter row, lets simultaneous replies and moderations go on without
-- waiting for each other or deadlocking; the admin folds the rows together now and then
-- (src/moderation/queue.ts).
CREATE FUNCTION "count_reply_statuses"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "reply_status_delta" ("status", "delta") SELECT "status", count(*) FROM new_rows GROUP BY "status";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "reply_status_delta" ("status", "delta") SELECT "status", -count(*) FROM old_rows GROUP BY "status";
  ELSE
    INSERT INTO "reply_status_delta" ("status", "delta")
    SELECT "status", sum("n") FROM (
      SELECT "status", count(*) AS "n" FROM new_rows GROUP BY "status"
      UNION ALL
      SELECT "status", -count(*) FROM old_rows GROUP BY "status"
    ) AS "changes" GROUP BY "status" HAVING sum("n") <> 0;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "count_reply_insert" AFTER INSERT ON "reply" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_reply_statuses"();
CREATE TRIGGER "count_reply_update" AFTER UPDATE ON "reply" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_reply_statuses"();
CREATE TRIGGER "count_reply_delete" AFTER DELETE ON "reply" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "count_reply_statuses"();

-- Emptying reply at once (TRUNCATE) empties the counts with it.
CREATE FUNCTION "count_reply_truncate"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "reply_status_delta";
  RETURN NULL;
END $$;
CREATE TRIGGER "count_reply_truncate" AFTER TRUNCATE ON "reply" FOR EACH STATEMENT EXECUTE FUNCTION "count_reply_truncate"();
