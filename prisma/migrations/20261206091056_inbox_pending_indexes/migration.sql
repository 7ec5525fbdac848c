-- DropIndex
DROP INDEX "InboundEvent_processedAt_nextAttemptAt_idx";

-- DropIndex
DROP INDEX "InboundEvent_thread_seq_idx";

-- CreateIndex
CREATE INDEX "InboundEvent_pending_seq_idx" ON "InboundEvent"("seq") WHERE ("processedAt" IS NULL);

-- CreateIndex
CREATE INDEX "InboundEvent_pending_thread_seq_idx" ON "InboundEvent"("thread", "seq") WHERE ("processedAt" IS NULL);
