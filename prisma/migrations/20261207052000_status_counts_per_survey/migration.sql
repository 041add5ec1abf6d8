-- Counts per status kept per survey too: the queue's survey filter and the admin's list of
-- surveys counted every reply by survey and status on every page (a quarter of a second at a
-- million replies); they now sum the same few rows as the navigation.

-- AlterTable
ALTER TABLE "reply_status_delta" ADD COLUMN "survey_slug" TEXT NOT NULL DEFAULT '';
ALTER TABLE "reply_status_delta" ALTER COLUMN "survey_slug" DROP DEFAULT;

-- The replies there are now, as one row per survey and status (this transaction holds reply
-- still while it counts: the ALTER above locked the table of changes, which every write to
-- reply appends to).
DELETE FROM "reply_status_delta";
INSERT INTO "reply_status_delta" ("survey_slug", "status", "delta")
SELECT "survey_slug", "status", count(*) FROM "reply" GROUP BY "survey_slug", "status";

CREATE OR REPLACE FUNCTION "count_reply_statuses"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "reply_status_delta" ("survey_slug", "status", "delta")
    SELECT "survey_slug", "status", count(*) FROM new_rows GROUP BY "survey_slug", "status";
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "reply_status_delta" ("survey_slug", "status", "delta")
    SELECT "survey_slug", "status", -count(*) FROM old_rows GROUP BY "survey_slug", "status";
  ELSE
    INSERT INTO "reply_status_delta" ("survey_slug", "status", "delta")
    SELECT "survey_slug", "status", sum("n") FROM (
      SELECT "survey_slug", "status", count(*) AS "n" FROM new_rows GROUP BY "survey_slug", "status"
      UNION ALL
      SELECT "survey_slug", "status", -count(*) FROM old_rows GROUP BY "survey_slug", "status"
    ) AS "changes" GROUP BY "survey_slug", "status" HAVING sum("n") <> 0;
  END IF;
  RETURN NULL;
END $$;
