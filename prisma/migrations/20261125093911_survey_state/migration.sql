-- CreateTable
CREATE TABLE "survey_state" (
    "survey_slug" TEXT NOT NULL,
    "open" BOOLEAN NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "survey_state_pkey" PRIMARY KEY ("survey_slug")
);
