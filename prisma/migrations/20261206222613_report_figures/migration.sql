-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "firstResponseMinutes" INTEGER,
ADD COLUMN     "resolutionMinutes" INTEGER,
ADD COLUMN     "slaBreaches" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "Ticket_createdAt_idx" ON "Ticket"("createdAt");

-- CreateIndex
CREATE INDEX "Ticket_resolvedAt_idx" ON "Ticket"("resolvedAt");

-- Unfinished tickets get these figures from the start-up recompute (src/core/sla/recompute.ts VERSION 2);
-- finished ones keep the clocks they stopped with, so tickets finished before this migration have none.
