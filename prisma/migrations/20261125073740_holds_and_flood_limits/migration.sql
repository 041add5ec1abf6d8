-- AlterTable
ALTER TABLE "reply" ADD COLUMN     "hold_reasons" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "client_limit" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "client_limit_pkey" PRIMARY KEY ("key","window_start")
);

-- CreateIndex
CREATE INDEX "client_limit_window_start_idx" ON "client_limit"("window_start");

-- CreateIndex
CREATE INDEX "answer_value_idx" ON "answer" USING HASH ("value");
