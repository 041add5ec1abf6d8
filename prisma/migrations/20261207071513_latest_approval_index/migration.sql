-- CreateIndex
CREATE INDEX "reply_survey_slug_status_moderated_at_idx" ON "reply"("survey_slug", "status", "moderated_at");

-- CreateIndex
CREATE INDEX "reply_unmoderated_idx" ON "reply"("survey_slug", "status", "created_at") WHERE (moderated_at IS NULL);
