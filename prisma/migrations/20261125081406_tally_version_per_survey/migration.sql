-- The old single version row counted for every survey; versions are random, so replacing it
-- only makes caches recount once. Every survey with an approved reply gets a row (the catalog
-- trigger below moves exactly those).
DELETE FROM "tally_version";

-- AlterTable
ALTER TABLE "tally_version" DROP CONSTRAINT "tally_version_pkey",
DROP COLUMN "id",
ADD COLUMN     "survey_slug" TEXT NOT NULL,
ALTER COLUMN "version" DROP DEFAULT,
ADD CONSTRAINT "tally_version_pkey" PRIMARY KEY ("survey_slug");

INSERT INTO "tally_version" ("survey_slug", "version")
SELECT DISTINCT "survey_slug", (random() * 9.2e18)::BIGINT FROM "reply" WHERE "status" = 'approved';

-- A survey's tally version moves whenever its published tally may change, whoever writes:
-- statement-level triggers, one bump per survey per statement, with a new random value (only
-- equality matters to a cache, and a restored database never brings back a cached value).
CREATE FUNCTION "bump_tally_versions"(slugs TEXT[]) RETURNS VOID LANGUAGE sql AS $$
  INSERT INTO "tally_version" ("survey_slug", "version")
  SELECT slug, (random() * 9.2e18)::BIGINT FROM (SELECT DISTINCT unnest(slugs) AS slug) AS surveys WHERE slug IS NOT NULL
  ON CONFLICT ("survey_slug") DO UPDATE SET "version" = EXCLUDED."version";
$$;

-- Replies: approved ones count, so inserting, deleting or changing one (or approving or
-- withdrawing an approval) moves its survey's version.
CREATE FUNCTION "tally_after_reply_insert"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "bump_tally_versions"(ARRAY(SELECT "survey_slug" FROM new_rows WHERE "status" = 'approved'));
  RETURN NULL;
END $$;
CREATE FUNCTION "tally_after_reply_update"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "bump_tally_versions"(ARRAY(
    SELECT "survey_slug" FROM new_rows WHERE "status" = 'approved'
    UNION SELECT "survey_slug" FROM old_rows WHERE "status" = 'approved'));
  RETURN NULL;
END $$;
CREATE FUNCTION "tally_after_reply_delete"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "bump_tally_versions"(ARRAY(SELECT "survey_slug" FROM old_rows WHERE "status" = 'approved'));
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_reply_insert" AFTER INSERT ON "reply" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_reply_insert"();
CREATE TRIGGER "tally_reply_update" AFTER UPDATE ON "reply" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_reply_update"();
CREATE TRIGGER "tally_reply_delete" AFTER DELETE ON "reply" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_reply_delete"();

-- Answers of an approved reply (a reader's edit, the author's correction). Answers deleted
-- with their reply are covered by the reply's trigger.
CREATE FUNCTION "tally_after_answer_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM "bump_tally_versions"(ARRAY(SELECT r."survey_slug" FROM old_rows a JOIN "reply" r ON r."id" = a."reply_id" WHERE r."status" = 'approved'));
  ELSE
    PERFORM "bump_tally_versions"(ARRAY(SELECT r."survey_slug" FROM new_rows a JOIN "reply" r ON r."id" = a."reply_id" WHERE r."status" = 'approved'));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_answer_insert" AFTER INSERT ON "answer" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_answer_change"();
CREATE TRIGGER "tally_answer_update" AFTER UPDATE ON "answer" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_answer_change"();
CREATE TRIGGER "tally_answer_delete" AFTER DELETE ON "answer" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_answer_change"();

-- Names and their spellings decide how typed names are counted: a change moves every survey
-- with a tally (each survey with an approved reply has a version row). Statements that change
-- no row (a start's seeding of names already there) move nothing.
CREATE FUNCTION "tally_after_catalog_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed_rows) THEN
    PERFORM "bump_tally_versions"(ARRAY(SELECT "survey_slug" FROM "tally_version"));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "tally_catalog_name_insert" AFTER INSERT ON "catalog_name" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_catalog_change"();
CREATE TRIGGER "tally_catalog_name_update" AFTER UPDATE ON "catalog_name" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_catalog_change"();
CREATE TRIGGER "tally_catalog_name_delete" AFTER DELETE ON "catalog_name" REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_catalog_change"();
CREATE TRIGGER "tally_catalog_alias_insert" AFTER INSERT ON "catalog_alias" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_catalog_change"();
CREATE TRIGGER "tally_catalog_alias_update" AFTER UPDATE ON "catalog_alias" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_catalog_change"();
CREATE TRIGGER "tally_catalog_alias_delete" AFTER DELETE ON "catalog_alias" REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "tally_after_catalog_change"();
