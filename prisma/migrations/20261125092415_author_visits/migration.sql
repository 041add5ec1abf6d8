-- AlterTable
ALTER TABLE "author" ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3),
ADD COLUMN     "previous_visit_at" TIMESTAMPTZ(3);
