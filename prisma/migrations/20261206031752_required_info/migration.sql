-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "infoMissing" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "infoRequestedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Ticket_infoRequestedAt_idx" ON "Ticket"("infoRequestedAt");
