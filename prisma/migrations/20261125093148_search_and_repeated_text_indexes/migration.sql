-- The author's search looks for words inside answers and names (ILIKE '%…%'): trigram indexes
-- from pg_trgm, a contrib extension that PostgreSQL ships (trusted since PostgreSQL 13: a role
-- with CREATE on the database may add it, no superuser needed).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- "The same text again" compares answers of 40 characters (so 40 bytes) or more: an index of
-- every answer held each picked option ("matrix") once per reply, and a hash index walks all
-- equal entries to add one, so every new reply got slower as replies grew.
-- DropIndex
DROP INDEX "answer_value_idx";

-- CreateIndex
CREATE INDEX "answer_long_value_idx" ON "answer" USING HASH ("value") WHERE (octet_length(value) >= 40);

-- CreateIndex
CREATE INDEX "answer_value_trgm_idx" ON "answer" USING GIN ("value" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "reply_display_name_trgm_idx" ON "reply" USING GIN ("display_name" gin_trgm_ops);
