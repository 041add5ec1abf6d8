-- AlterTable
ALTER TABLE "catalog_alias" ADD COLUMN     "mapped_at" TIMESTAMPTZ(3);
