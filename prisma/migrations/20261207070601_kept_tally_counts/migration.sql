-- CreateTable
CREATE TABLE "survey_question" (
    "survey_slug" TEXT NOT NULL,
    "question_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "multiple" BOOLEAN NOT NULL,
    "catalog_kind" TEXT NOT NULL,

    CONSTRAINT "survey_question_pkey" PRIMARY KEY ("survey_slug","question_id")
);

-- CreateTable
CREATE TABLE "tally_reply_item" (
    "reply_id" UUID NOT NULL,
    "survey_slug" TEXT NOT NULL,
    "question_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "spelling" TEXT NOT NULL,

    CONSTRAINT "tally_reply_item_pkey" PRIMARY KEY ("reply_id","question_id","scope","item")
);

-- CreateTable
CREATE TABLE "tally_count" (
    "survey_slug" TEXT NOT NULL,
    "question_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "spelling" TEXT NOT NULL,
    "readers" INTEGER NOT NULL,

    CONSTRAINT "tally_count_pkey" PRIMARY KEY ("survey_slug","question_id","scope","item","spelling")
);

-- CreateTable
CREATE TABLE "tally_combination" (
    "survey_slug" TEXT NOT NULL,
    "question_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "items" TEXT NOT NULL,
    "readers" INTEGER NOT NULL,

    CONSTRAINT "tally_combination_pkey" PRIMARY KEY ("survey_slug","question_id","scope","items")
);

-- The tally's counts are kept as replies change, so that a recount reads a few hundred rows of
-- tally_count and tally_combination instead of every answer (2.5 s at 100k replies, 25 s at
-- 1M). tally_reply_item holds what each approved reply counts as; whenever a reply, its
-- answers, its approval or a name mapping changes, its rows are taken out of the counts,
-- worked out again and put back in (tally_refresh). What a reply counted before is read from
-- its rows, never recomputed, so no trigger needs to know the state before a change.
-- The counts start empty: the first start records the survey files' questions in
-- survey_question, which counts each survey once (tally_rebuild).

-- Adds (sign 1) or takes out (sign -1) some tally_reply_item rows from the counts. A row whose
-- count falls to zero goes, so that a section's rows are exactly its items. Rows are written
-- in key order so that concurrent writers cannot deadlock on them.
CREATE FUNCTION "tally_apply"(changed "tally_reply_item"[], sign INT) RETURNS VOID LANGUAGE sql AS $$
  INSERT INTO "tally_count" AS t ("survey_slug", "question_id", "scope", "item", "spelling", "readers")
  SELECT * FROM (
    SELECT "survey_slug", "question_id", "scope", "item", "spelling", sign * count(*)::int FROM unnest(changed) GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT "survey_slug", "question_id", "scope", '', '', sign * count(DISTINCT "reply_id")::int FROM unnest(changed) GROUP BY 1, 2, 3
  ) AS counted ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ("survey_slug", "question_id", "scope", "item", "spelling") DO UPDATE SET "readers" = t."readers" + EXCLUDED."readers";

  INSERT INTO "tally_combination" AS t ("survey_slug", "question_id", "scope", "items", "readers")
  SELECT "survey_slug", "question_id", "scope", "items", sign * count(*)::int FROM (
    SELECT c."survey_slug", c."question_id", c."scope", to_json(array_agg(c."item" ORDER BY c."item"))::text AS "items"
    FROM unnest(changed) c
    JOIN "survey_question" q ON q."survey_slug" = c."survey_slug" AND q."question_id" = c."question_id" AND q."multiple"
    GROUP BY c."survey_slug", c."question_id", c."scope", c."reply_id" HAVING count(*) >= 2
  ) AS sets GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT ("survey_slug", "question_id", "scope", "items") DO UPDATE SET "readers" = t."readers" + EXCLUDED."readers";

  DELETE FROM "tally_count" WHERE "readers" = 0 AND "survey_slug" IN (SELECT "survey_slug" FROM unnest(changed));
  DELETE FROM "tally_combination" WHERE "readers" = 0 AND "survey_slug" IN (SELECT "survey_slug" FROM unnest(changed));
$$;

-- Works out again what the given replies count as. A reply that is not approved (or no longer
-- exists) counts as nothing. The replies are locked first, in one order, so that two
-- transactions refreshing the same reply take turns instead of both inserting its rows.
-- Done in batches so that refreshing a whole survey holds a bounded set of rows at a time.
CREATE FUNCTION "tally_refresh"(ids UUID[]) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
  batch UUID[];
  first INT := 1;
  size CONSTANT INT := 5000;
  taken "tally_reply_item"[];
BEGIN
  WHILE first <= coalesce(cardinality(ids), 0) LOOP
    batch := ids[first : first + size - 1];
    first := first + size;
    -- Most calls are for a reply just sent, not approved: nothing to count.
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM "reply" WHERE "id" = ANY(batch) AND "status" = 'approved')
      AND NOT EXISTS (SELECT 1 FROM "tally_reply_item" WHERE "reply_id" = ANY(batch));
    PERFORM 1 FROM "reply" WHERE "id" = ANY(batch) ORDER BY "id" FOR NO KEY UPDATE;

    WITH gone AS (DELETE FROM "tally_reply_item" t WHERE t."reply_id" = ANY(batch) RETURNING t)
    SELECT array_agg(gone.t) INTO taken FROM gone;
    IF taken IS NOT NULL THEN PERFORM "tally_apply"(taken, -1); END IF;

    -- What an answer counts as: `option:<id>` for a listed option picked, `name:<catalog id>`
    -- for a typed name the survey's catalog knows (an alias of the same scope and kind), and
    -- `typed:<normalised key>` for any other typed name, with the reader's spelling.
    WITH fresh AS (
      INSERT INTO "tally_reply_item" AS t ("reply_id", "survey_slug", "question_id", "scope", "item", "spelling")
      SELECT "reply_id", "survey_slug", "question_id", "scope", "item", min("spelling") FROM (
        SELECT a."reply_id", r."survey_slug", a."question_id", a."scope",
          CASE
            WHEN q."kind" = 'choice' AND NOT a."is_other" THEN 'option:' || a."value"
            WHEN ca."name_id" IS NOT NULL THEN 'name:' || ca."name_id"
            ELSE 'typed:' || coalesce(a."name_key", a."value")
          END AS "item",
          CASE WHEN (q."kind" = 'choice' AND NOT a."is_other") OR ca."name_id" IS NOT NULL THEN '' ELSE a."value" END AS "spelling"
        FROM "reply" r
        JOIN "answer" a ON a."reply_id" = r."id"
        JOIN "survey_question" q ON q."survey_slug" = r."survey_slug" AND q."question_id" = a."question_id"
        LEFT JOIN "survey_catalog" sc ON sc."survey_slug" = r."survey_slug"
        LEFT JOIN "catalog_alias" ca ON ca."catalog" = sc."catalog" AND ca."scope" = a."scope" AND ca."kind" = q."catalog_kind" AND ca."key" = a."name_key"
        WHERE r."id" = ANY(batch) AND r."status" = 'approved'
      ) AS items
      GROUP BY 1, 2, 3, 4, 5
      RETURNING t
    )
    SELECT array_agg(fresh.t) INTO taken FROM fresh;
    IF taken IS NOT NULL THEN PERFORM "tally_apply"(taken, 1); END IF;
  END LOOP;
END $$;

-- Counts some surveys from scratch: after their questions or catalog changed, and the first
-- time their questions are recorded. Proportional to their replies (about 10 s a million).
CREATE FUNCTION "tally_rebuild"(slugs TEXT[]) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(slugs) = 0 THEN RETURN; END IF;
  DELETE FROM "tally_reply_item" WHERE "survey_slug" = ANY(slugs);
  DELETE FROM "tally_count" WHERE "survey_slug" = ANY(slugs);
  DELETE FROM "tally_combination" WHERE "survey_slug" = ANY(slugs);
  PERFORM "tally_refresh"(ARRAY(SELECT "id" FROM "reply" WHERE "survey_slug" = ANY(slugs) AND "status" = 'approved' ORDER BY "id"));
  PERFORM "bump_tally_versions"(slugs);
END $$;

-- Replies: approving, withdrawing an approval, deleting (and inserting an approved reply,
-- whose answers come in a statement of their own).
CREATE FUNCTION "tally_items_after_reply_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "tally_refresh"(ARRAY(SELECT "id" FROM new_rows WHERE "status" = 'approved'));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "tally_refresh"(ARRAY(
      SELECT n."id" FROM new_rows n JOIN old_rows o ON o."id" = n."id"
      WHERE 'approved' IN (n."status", o."status") AND (n."status", n."survey_slug") IS DISTINCT FROM (o."status", o."survey_slug")));
  ELSE
    PERFORM "tally_refresh"(ARRAY(SELECT "id" FROM old_rows WHERE "status" = 'approved'));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_reply_insert" AFTER INSERT ON "reply" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_reply_change"();
CREATE TRIGGER "tally_items_reply_update" AFTER UPDATE ON "reply" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_reply_change"();
CREATE TRIGGER "tally_items_reply_delete" AFTER DELETE ON "reply" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_reply_change"();

-- Answers: a reply's answers written, a reader's edit, the author's correction or move.
CREATE FUNCTION "tally_items_after_answer_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM "tally_refresh"(ARRAY(SELECT DISTINCT "reply_id" FROM old_rows ORDER BY 1));
  ELSE
    PERFORM "tally_refresh"(ARRAY(SELECT DISTINCT "reply_id" FROM new_rows ORDER BY 1));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_answer_insert" AFTER INSERT ON "answer" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_answer_change"();
CREATE TRIGGER "tally_items_answer_update" AFTER UPDATE ON "answer" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_answer_change"();
CREATE TRIGGER "tally_items_answer_delete" AFTER DELETE ON "answer" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_answer_change"();

-- Spellings mapped to names (or no longer): the approved replies with answers in those
-- spellings, in the surveys that use the catalog. A deleted name takes its aliases with it.
CREATE FUNCTION "tally_items_after_alias_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "tally_refresh"(ARRAY(
    SELECT DISTINCT a."reply_id"
    FROM changed_rows c
    JOIN "survey_catalog" sc ON sc."catalog" = c."catalog"
    JOIN "survey_question" q ON q."survey_slug" = sc."survey_slug" AND q."catalog_kind" = c."kind"
    JOIN "answer" a ON a."question_id" = q."question_id" AND a."scope" = c."scope" AND a."name_key" = c."key"
    JOIN "reply" r ON r."id" = a."reply_id" AND r."survey_slug" = sc."survey_slug" AND r."status" = 'approved'
    ORDER BY 1));
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_alias_insert" AFTER INSERT ON "catalog_alias" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_alias_change"();
CREATE TRIGGER "tally_items_alias_delete" AFTER DELETE ON "catalog_alias" REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_alias_change"();
-- An alias moved to another name: its spelling before and after (the key may change too).
CREATE FUNCTION "tally_items_after_alias_update"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "tally_refresh"(ARRAY(
    SELECT DISTINCT a."reply_id"
    FROM (SELECT "catalog", "scope", "kind", "key" FROM old_rows UNION SELECT "catalog", "scope", "kind", "key" FROM new_rows) c
    JOIN "survey_catalog" sc ON sc."catalog" = c."catalog"
    JOIN "survey_question" q ON q."survey_slug" = sc."survey_slug" AND q."catalog_kind" = c."kind"
    JOIN "answer" a ON a."question_id" = q."question_id" AND a."scope" = c."scope" AND a."name_key" = c."key"
    JOIN "reply" r ON r."id" = a."reply_id" AND r."survey_slug" = sc."survey_slug" AND r."status" = 'approved'
    ORDER BY 1));
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_alias_update" AFTER UPDATE ON "catalog_alias" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_alias_update"();

-- A survey's questions or catalog changed in its file: it is counted again from scratch.
CREATE FUNCTION "tally_items_after_survey_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "tally_rebuild"(ARRAY(SELECT DISTINCT "survey_slug" FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM "tally_rebuild"(ARRAY(SELECT DISTINCT "survey_slug" FROM old_rows));
  ELSE
    PERFORM "tally_rebuild"(ARRAY(SELECT DISTINCT "survey_slug" FROM (SELECT * FROM new_rows EXCEPT SELECT * FROM old_rows) AS changed));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_question_insert" AFTER INSERT ON "survey_question" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_survey_change"();
CREATE TRIGGER "tally_items_question_update" AFTER UPDATE ON "survey_question" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_survey_change"();
CREATE TRIGGER "tally_items_question_delete" AFTER DELETE ON "survey_question" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_survey_change"();
CREATE TRIGGER "tally_items_catalog_update" AFTER UPDATE ON "survey_catalog" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_survey_change"();
