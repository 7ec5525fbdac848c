-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "slaCheckAt" TIMESTAMP(3),
ADD COLUMN     "slaRiskAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "SlaWarning" (
    "ticketNumber" INTEGER NOT NULL,
    "clock" TEXT NOT NULL,
    "cycle" TEXT NOT NULL,
    "share" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlaWarning_pkey" PRIMARY KEY ("ticketNumber","clock","cycle","share")
);

-- CreateIndex
CREATE INDEX "Ticket_slaCheckAt_idx" ON "Ticket"("slaCheckAt");
