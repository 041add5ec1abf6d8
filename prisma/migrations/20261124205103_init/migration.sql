-- CreateEnum
CREATE TYPE "ReplyStatus" AS ENUM ('pending', 'approved', 'rejected', 'spam');

-- CreateTable
CREATE TABLE "reply" (
    "id" UUID NOT NULL,
    "survey_slug" TEXT NOT NULL,
    "status" "ReplyStatus" NOT NULL DEFAULT 'pending',
    "secret_hash" TEXT NOT NULL,
    "display_name" TEXT,
    "contact" TEXT,
    "consent_quote" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "moderated_at" TIMESTAMPTZ(3),

    CONSTRAINT "reply_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "answer" (
    "id" BIGSERIAL NOT NULL,
    "reply_id" UUID NOT NULL,
    "question_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL,
    "value" TEXT NOT NULL,
    "original" TEXT,
    "is_other" BOOLEAN NOT NULL DEFAULT false,
    "name_key" TEXT,

    CONSTRAINT "answer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_name" (
    "id" SERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "catalog_name_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog_alias" (
    "scope" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name_id" INTEGER NOT NULL,

    CONSTRAINT "catalog_alias_pkey" PRIMARY KEY ("scope","kind","key")
);

-- CreateTable
CREATE TABLE "author" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "password_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "author_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_session" (
    "sid" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_session_pkey" PRIMARY KEY ("sid")
);

-- CreateTable
CREATE TABLE "sign_in_throttle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "window_started_at" TIMESTAMPTZ(3) NOT NULL,
    "blocked_until" TIMESTAMPTZ(3),

    CONSTRAINT "sign_in_throttle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "tally_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "tally_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "reply_secret_hash_key" ON "reply"("secret_hash");

-- CreateIndex
CREATE INDEX "reply_survey_slug_status_created_at_idx" ON "reply"("survey_slug", "status", "created_at");

-- CreateIndex
CREATE INDEX "reply_status_created_at_idx" ON "reply"("status", "created_at");

-- CreateIndex
CREATE INDEX "answer_question_id_scope_name_key_idx" ON "answer"("question_id", "scope", "name_key");

-- CreateIndex
CREATE UNIQUE INDEX "answer_reply_id_question_id_scope_position_key" ON "answer"("reply_id", "question_id", "scope", "position");

-- CreateIndex
CREATE UNIQUE INDEX "catalog_name_scope_kind_name_key" ON "catalog_name"("scope", "kind", "name");

-- CreateIndex
CREATE INDEX "catalog_alias_name_id_idx" ON "catalog_alias"("name_id");

-- CreateIndex
CREATE INDEX "admin_session_expires_at_idx" ON "admin_session"("expires_at");

-- AddForeignKey
ALTER TABLE "answer" ADD CONSTRAINT "answer_reply_id_fkey" FOREIGN KEY ("reply_id") REFERENCES "reply"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog_alias" ADD CONSTRAINT "catalog_alias_name_id_fkey" FOREIGN KEY ("name_id") REFERENCES "catalog_name"("id") ON DELETE CASCADE ON UPDATE CASCADE;
