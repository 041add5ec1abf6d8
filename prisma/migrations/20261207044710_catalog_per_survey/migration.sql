-- Each survey counts typed names with a catalog of its own (a survey file may share another
-- survey's on purpose): before, two surveys with the same option id shared names and the
-- author's mappings, and a mapping made for one changed the other's tally.
-- Rows from before served every survey at once. They keep the catalog '' until the next start,
-- which copies them into the catalog of every survey it loads and then removes them
-- (adoptSharedCatalog in src/catalog/service.ts): no survey's count changes on the way.

-- AlterTable
ALTER TABLE "catalog_name" ADD COLUMN "catalog" TEXT NOT NULL DEFAULT '';
ALTER TABLE "catalog_name" ALTER COLUMN "catalog" DROP DEFAULT;

-- DropIndex
DROP INDEX "catalog_name_scope_kind_name_key";

-- CreateIndex
CREATE UNIQUE INDEX "catalog_name_catalog_scope_kind_name_key" ON "catalog_name"("catalog", "scope", "kind", "name");

-- AlterTable
ALTER TABLE "catalog_alias" DROP CONSTRAINT "catalog_alias_pkey",
ADD COLUMN "catalog" TEXT NOT NULL DEFAULT '',
ADD CONSTRAINT "catalog_alias_pkey" PRIMARY KEY ("catalog", "scope", "kind", "key");
ALTER TABLE "catalog_alias" ALTER COLUMN "catalog" DROP DEFAULT;

-- CreateTable
CREATE TABLE "survey_catalog" (
    "survey_slug" TEXT NOT NULL,
    "catalog" TEXT NOT NULL,

    CONSTRAINT "survey_catalog_pkey" PRIMARY KEY ("survey_slug")
);

-- A change to a catalog moves the tally versions of the surveys it serves (those with a tally,
-- as before), and no other survey's.
CREATE OR REPLACE FUNCTION "tally_after_catalog_change"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "bump_tally_versions"(ARRAY(
    SELECT sc."survey_slug" FROM "survey_catalog" sc JOIN "tally_version" tv ON tv."survey_slug" = sc."survey_slug"
    WHERE sc."catalog" IN (SELECT "catalog" FROM changed_rows)));
  RETURN NULL;
END $$;
