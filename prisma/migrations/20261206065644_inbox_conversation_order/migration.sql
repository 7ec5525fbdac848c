-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "thread" TEXT;

-- CreateIndex
CREATE INDEX "InboundEvent_thread_seq_idx" ON "InboundEvent"("thread", "seq");
