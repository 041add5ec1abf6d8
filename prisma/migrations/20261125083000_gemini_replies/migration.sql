-- CreateEnum
CREATE TYPE "ReplyChannel" AS ENUM ('web', 'gemini');

-- AlterTable
ALTER TABLE "reply" ADD COLUMN     "channel" "ReplyChannel" NOT NULL DEFAULT 'web',
ADD COLUMN     "gemini_client" TEXT;

-- CreateTable
CREATE TABLE "gemini_draft" (
    "token" TEXT NOT NULL,
    "survey_slug" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gemini_draft_pkey" PRIMARY KEY ("token")
);

-- CreateIndex
CREATE INDEX "gemini_draft_expires_at_idx" ON "gemini_draft"("expires_at");

-- CreateIndex
CREATE INDEX "reply_gemini_client_survey_slug_idx" ON "reply"("gemini_client", "survey_slug");
