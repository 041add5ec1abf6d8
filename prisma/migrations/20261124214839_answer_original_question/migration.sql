-- AlterTable
ALTER TABLE "answer" ADD COLUMN     "original_question_id" TEXT;
