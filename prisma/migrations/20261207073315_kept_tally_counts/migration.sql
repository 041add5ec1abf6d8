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
    "approved" BOOLEAN NOT NULL,

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

-- CreateTable
CREATE TABLE "tally_waiting_delta" (
    "id" BIGSERIAL NOT NULL,
    "survey_slug" TEXT NOT NULL,
    "question_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "spelling" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,

    CONSTRAINT "tally_waiting_delta_pkey" PRIMARY KEY ("id")
);

-- The tally's counts are kept as replies change, so that a recount reads a few hundred rows of
-- tally_count and tally_combination instead of every answer (2.5 s at 100k replies, 25 s at
-- 1M), and the author's names page a few rows of tally_count and tally_waiting_delta.
-- tally_reply_item holds what each reply counts as; whenever a reply, its answers, its status
-- or a name mapping changes, its rows are taken out of the counts, worked out again and put
-- back in (tally_refresh). What a reply counted before is read from its rows, never worked out
-- again, so no trigger needs to know the state before a change.
-- The counts start empty: the first start records the survey files' questions in
-- survey_question, which counts each survey once (tally_rebuild).

-- One lock per catalog (transaction-scoped, advisory) orders every writer of the published
-- counts and the tally versions: an approval (or a reply published as it comes), a version
-- moved, a spelling mapped, a survey counted from scratch. They take turns, each taking the
-- lock before any shared row, instead of locking count rows in whatever order their statements
-- reach them (which deadlocked an approval with an edit). A reply still waiting touches no
-- shared row and takes no lock, so replies being sent never wait for one another. Catalogs
-- are taken in sorted order.
CREATE FUNCTION "tally_lock"(catalogs TEXT[]) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
  c TEXT;
BEGIN
  FOR c IN SELECT DISTINCT unnest(catalogs) ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(hashtext('postbag tally ' || c));
  END LOOP;
END $$;

-- The catalogs of some surveys (a survey not recorded yet counts with its own, named by its slug).
CREATE FUNCTION "tally_catalogs"(slugs TEXT[]) RETURNS TEXT[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(DISTINCT coalesce(sc."catalog", s.slug)), '{}')
  FROM unnest(slugs) AS s(slug) LEFT JOIN "survey_catalog" sc ON sc."survey_slug" = s.slug;
$$;

-- Adds (sign 1) or takes out (sign -1) some tally_reply_item rows from the counts. A published
-- count that falls to zero goes, so that a section's rows are exactly its items (the caller
-- holds its catalog's lock exclusive: tally_lock). The rows of replies
-- not approved are appended as changes (tally_waiting_delta) instead: a reply just sent never
-- waits for another's commit.
CREATE FUNCTION "tally_apply"(changed "tally_reply_item"[], sign INT) RETURNS VOID LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(changed) WHERE "approved") THEN
    INSERT INTO "tally_count" AS t ("survey_slug", "question_id", "scope", "item", "spelling", "readers")
    SELECT * FROM (
      SELECT "survey_slug", "question_id", "scope", "item", "spelling", sign * count(*)::int FROM unnest(changed) WHERE "approved" GROUP BY 1, 2, 3, 4, 5
      UNION ALL
      SELECT "survey_slug", "question_id", "scope", '', '', sign * count(DISTINCT "reply_id")::int FROM unnest(changed) WHERE "approved" GROUP BY 1, 2, 3
    ) AS counted ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("survey_slug", "question_id", "scope", "item", "spelling") DO UPDATE SET "readers" = t."readers" + EXCLUDED."readers";

    INSERT INTO "tally_combination" AS t ("survey_slug", "question_id", "scope", "items", "readers")
    SELECT "survey_slug", "question_id", "scope", "items", sign * count(*)::int FROM (
      SELECT c."survey_slug", c."question_id", c."scope", to_json(array_agg(c."item" ORDER BY c."item"))::text AS "items"
      FROM unnest(changed) c
      JOIN "survey_question" q ON q."survey_slug" = c."survey_slug" AND q."question_id" = c."question_id" AND q."multiple"
      WHERE c."approved"
      GROUP BY c."survey_slug", c."question_id", c."scope", c."reply_id" HAVING count(*) >= 2
    ) AS sets GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("survey_slug", "question_id", "scope", "items") DO UPDATE SET "readers" = t."readers" + EXCLUDED."readers";

    -- Only the sections just written are looked at: a survey may have thousands of spellings.
    DELETE FROM "tally_count" t WHERE t."readers" = 0
      AND (t."survey_slug", t."question_id", t."scope") IN (SELECT "survey_slug", "question_id", "scope" FROM unnest(changed) WHERE "approved");
    DELETE FROM "tally_combination" t WHERE t."readers" = 0
      AND (t."survey_slug", t."question_id", t."scope") IN (SELECT "survey_slug", "question_id", "scope" FROM unnest(changed) WHERE "approved");
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(changed) WHERE NOT "approved") THEN
    INSERT INTO "tally_waiting_delta" ("survey_slug", "question_id", "scope", "item", "spelling", "delta")
    SELECT "survey_slug", "question_id", "scope", "item", "spelling", sign * count(*)::int FROM unnest(changed) WHERE NOT "approved" GROUP BY 1, 2, 3, 4, 5;
  END IF;
END $$;

-- Works out again what the given replies count as. Spam (or a reply no longer there) counts
-- as nothing. Their catalogs' lock comes first when published counts change (tally_lock), then
-- the replies themselves, in one order, so that two transactions refreshing the same reply
-- take turns instead of both inserting its rows (a rebuild locked them all already). Done in
-- batches so that refreshing a whole survey holds a bounded set of rows at a time.
-- Planned once per connection (force_generic_plan): planning the joins below for every reply
-- sent cost three times as much as running them (0.9 ms against 0.2 ms a reply).
CREATE FUNCTION "tally_refresh"(ids UUID[], lock_rows BOOLEAN DEFAULT TRUE) RETURNS VOID LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  batch UUID[];
  first INT := 1;
  size CONSTANT INT := 5000;
  taken "tally_reply_item"[];
BEGIN
  WHILE first <= coalesce(cardinality(ids), 0) LOOP
    batch := ids[first : first + size - 1];
    first := first + size;
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM "reply" WHERE "id" = ANY(batch) AND "status" <> 'spam')
      AND NOT EXISTS (SELECT 1 FROM "tally_reply_item" WHERE "reply_id" = ANY(batch));
    IF EXISTS (SELECT 1 FROM "reply" WHERE "id" = ANY(batch) AND "status" = 'approved')
      OR EXISTS (SELECT 1 FROM "tally_reply_item" WHERE "reply_id" = ANY(batch) AND "approved") THEN
      PERFORM "tally_lock"("tally_catalogs"(ARRAY(
        SELECT "survey_slug" FROM "reply" WHERE "id" = ANY(batch) UNION SELECT "survey_slug" FROM "tally_reply_item" WHERE "reply_id" = ANY(batch))));
    END IF;
    IF lock_rows THEN
      PERFORM 1 FROM "reply" WHERE "id" = ANY(batch) ORDER BY "id" FOR NO KEY UPDATE;
    END IF;

    WITH gone AS (DELETE FROM "tally_reply_item" t WHERE t."reply_id" = ANY(batch) RETURNING t)
    SELECT array_agg(gone.t) INTO taken FROM gone;
    IF taken IS NOT NULL THEN PERFORM "tally_apply"(taken, -1); END IF;

    -- What an answer counts as: `option:<id>` for a listed option picked, `name:<catalog id>`
    -- for a typed name the survey's catalog knows (an alias of the same scope and kind),
    -- `typed:<normalised key>` for any other typed name, with the reader's spelling (`text:`
    -- for one without a key), and `quote` for an answer to a quotable question from a reader who consented to quotes.
    -- A reply not approved counts its typed names only (for the names page).
    WITH fresh AS (
      INSERT INTO "tally_reply_item" AS t ("reply_id", "survey_slug", "question_id", "scope", "item", "spelling", "approved")
      SELECT "reply_id", "survey_slug", "question_id", "scope", "item", min("spelling"), "approved" FROM (
        SELECT a."reply_id", r."survey_slug", a."question_id", a."scope", r."status" = 'approved' AS "approved",
          CASE
            WHEN q."kind" = 'text' THEN 'quote'
            WHEN q."kind" = 'choice' AND NOT a."is_other" THEN 'option:' || a."value"
            WHEN ca."name_id" IS NOT NULL THEN 'name:' || ca."name_id"
            WHEN a."name_key" IS NOT NULL THEN 'typed:' || a."name_key"
            -- A name with nothing to match by (only symbols): counted as typed, never mapped.
            ELSE 'text:' || a."value"
          END AS "item",
          CASE WHEN q."kind" = 'text' OR (q."kind" = 'choice' AND NOT a."is_other") OR ca."name_id" IS NOT NULL THEN '' ELSE a."value" END AS "spelling"
        FROM "reply" r
        JOIN "answer" a ON a."reply_id" = r."id"
        JOIN "survey_question" q ON q."survey_slug" = r."survey_slug" AND q."question_id" = a."question_id"
        LEFT JOIN "survey_catalog" sc ON sc."survey_slug" = r."survey_slug"
        LEFT JOIN "catalog_alias" ca ON ca."catalog" = sc."catalog" AND ca."scope" = a."scope" AND ca."kind" = q."catalog_kind" AND ca."key" = a."name_key"
        WHERE r."id" = ANY(batch) AND (
          (r."status" = 'approved' AND (q."kind" <> 'text' OR r."consent_quote"))
          OR (r."status" IN ('pending', 'rejected') AND q."catalog_kind" <> '' AND (q."kind" = 'names' OR a."is_other")))
      ) AS items
      GROUP BY 1, 2, 3, 4, 5, 7
      RETURNING t
    )
    SELECT array_agg(fresh.t) INTO taken FROM fresh;
    IF taken IS NOT NULL THEN PERFORM "tally_apply"(taken, 1); END IF;
  END LOOP;
END $$;

-- Counts some surveys from scratch: after their questions or catalog changed, and the first
-- time their questions are recorded. Proportional to their replies.
CREATE FUNCTION "tally_rebuild"(slugs TEXT[]) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(slugs) = 0 THEN RETURN; END IF;
  -- The replies first, then the catalogs, as an approval takes them (its reply, then its
  -- catalog): taken the other way round, a rebuild and an approval waited for each other.
  PERFORM 1 FROM "reply" WHERE "survey_slug" = ANY(slugs) AND "status" <> 'spam' ORDER BY "id" FOR NO KEY UPDATE;
  PERFORM "tally_lock"("tally_catalogs"(slugs));
  DELETE FROM "tally_reply_item" WHERE "survey_slug" = ANY(slugs);
  DELETE FROM "tally_count" WHERE "survey_slug" = ANY(slugs);
  DELETE FROM "tally_combination" WHERE "survey_slug" = ANY(slugs);
  DELETE FROM "tally_waiting_delta" WHERE "survey_slug" = ANY(slugs);
  PERFORM "tally_refresh"(ARRAY(SELECT "id" FROM "reply" WHERE "survey_slug" = ANY(slugs) AND "status" <> 'spam' ORDER BY "id"), FALSE);
  PERFORM "bump_tally_versions"(slugs);
END $$;

-- Replies: a new status, consenting to quotes or no longer, deleting. (A reply inserted has no
-- answers yet: they come in a statement of their own, below.)
CREATE FUNCTION "tally_items_after_reply_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    PERFORM "tally_refresh"(ARRAY(
      SELECT n."id" FROM new_rows n JOIN old_rows o ON o."id" = n."id"
      WHERE (n."status", n."survey_slug", n."consent_quote") IS DISTINCT FROM (o."status", o."survey_slug", o."consent_quote")
        AND NOT (n."status" = 'spam' AND o."status" = 'spam')
      ORDER BY 1));
  ELSE
    PERFORM "tally_refresh"(ARRAY(SELECT "id" FROM old_rows WHERE "status" <> 'spam' ORDER BY 1));
  END IF;
  RETURN NULL;
END $$;
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

-- Spellings mapped to names (or no longer): the replies (not spam) with answers in those
-- spellings, in the surveys that use the catalog. A deleted name takes its aliases with it;
-- an alias moved to another name (or given another key) counts with its rows before and after.
CREATE FUNCTION "tally_items_after_alias_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  changed "catalog_alias"[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := ARRAY(SELECT n FROM new_rows n);
  ELSIF TG_OP = 'DELETE' THEN
    changed := ARRAY(SELECT o FROM old_rows o);
  ELSE
    changed := ARRAY(SELECT n FROM new_rows n UNION ALL SELECT o FROM old_rows o);
  END IF;
  -- Before looking for the replies: an approval running meanwhile is seen here, or sees the
  -- new spelling itself. (A reply still waiting, sent at the very moment a spelling is mapped,
  -- may keep counting as the old spelling on the names page until the author moderates it.)
  -- The replies are not locked one by one: an approval holds its reply while it waits for
  -- this lock, and would wait for this mapping while it waited for that reply.
  PERFORM "tally_lock"(ARRAY(SELECT "catalog" FROM unnest(changed)));
  PERFORM "tally_refresh"(ARRAY(
    SELECT DISTINCT a."reply_id"
    FROM unnest(changed) c
    JOIN "survey_catalog" sc ON sc."catalog" = c."catalog"
    JOIN "survey_question" q ON q."survey_slug" = sc."survey_slug" AND q."catalog_kind" = c."kind"
    JOIN "answer" a ON a."question_id" = q."question_id" AND a."scope" = c."scope" AND a."name_key" = c."key"
    JOIN "reply" r ON r."id" = a."reply_id" AND r."survey_slug" = sc."survey_slug" AND r."status" <> 'spam'
    ORDER BY 1), FALSE);
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_alias_insert" AFTER INSERT ON "catalog_alias" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_alias_change"();
CREATE TRIGGER "tally_items_alias_update" AFTER UPDATE ON "catalog_alias" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_alias_change"();
CREATE TRIGGER "tally_items_alias_delete" AFTER DELETE ON "catalog_alias" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_alias_change"();

-- A survey that starts or stops sharing a catalog is counted again from scratch. (A survey whose
-- questions changed is too: src/tally/questions.ts records them and calls tally_rebuild once.)
CREATE FUNCTION "tally_items_after_catalog_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "tally_rebuild"(ARRAY(SELECT DISTINCT "survey_slug" FROM (SELECT * FROM new_rows EXCEPT SELECT * FROM old_rows) AS changed));
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_catalog_update" AFTER UPDATE ON "survey_catalog" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_catalog_change"();

-- Most statements that call this have no approved reply to report (every reply sent, and its
-- answers): it returns at once instead of running an insert of nothing. It takes the catalogs'
-- locks before the version rows, as every writer of the counts does (tally_lock).
CREATE OR REPLACE FUNCTION "bump_tally_versions"(slugs TEXT[]) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(cardinality(slugs), 0) = 0 THEN RETURN; END IF;
  PERFORM "tally_lock"("tally_catalogs"(slugs));
  INSERT INTO "tally_version" ("survey_slug", "version")
  SELECT slug, (random() * 9.2e18)::BIGINT FROM (SELECT DISTINCT unnest(slugs) AS slug) AS surveys WHERE slug IS NOT NULL
  ON CONFLICT ("survey_slug") DO UPDATE SET "version" = EXCLUDED."version";
END $$;

-- Emptying replies (as a test or an operator may) empties what they counted.
CREATE FUNCTION "tally_items_after_reply_truncate"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "tally_reply_item";
  DELETE FROM "tally_count";
  DELETE FROM "tally_combination";
  DELETE FROM "tally_waiting_delta";
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_items_reply_truncate" AFTER TRUNCATE ON "reply"
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_items_after_reply_truncate"();
