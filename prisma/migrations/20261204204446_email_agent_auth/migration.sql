-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "agentAuth" TEXT,
ADD COLUMN     "agentId" TEXT;

-- CreateTable
CREATE TABLE "EmailReplyToken" (
    "token" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "outboxKey" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailReplyToken_pkey" PRIMARY KEY ("token")
);

-- CreateIndex
CREATE UNIQUE INDEX "EmailReplyToken_outboxKey_key" ON "EmailReplyToken"("outboxKey");

-- CreateIndex
CREATE INDEX "EmailReplyToken_ticketNumber_idx" ON "EmailReplyToken"("ticketNumber");

-- AddForeignKey
ALTER TABLE "EmailReplyToken" ADD CONSTRAINT "EmailReplyToken_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailReplyToken" ADD CONSTRAINT "EmailReplyToken_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;
