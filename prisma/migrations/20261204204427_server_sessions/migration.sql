-- AlterTable: web chat sessions expire; those made before run 30 days from their start.
ALTER TABLE "WebchatSession" ADD COLUMN     "expiresAt" TIMESTAMP(3);
UPDATE "WebchatSession" SET "expiresAt" = "createdAt" + INTERVAL '30 days';
ALTER TABLE "WebchatSession" ALTER COLUMN "expiresAt" SET NOT NULL;

-- CreateTable
CREATE TABLE "ConsoleSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ConsoleSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ConsoleSession_tokenHash_key" ON "ConsoleSession"("tokenHash");

-- CreateIndex
CREATE INDEX "ConsoleSession_agentId_idx" ON "ConsoleSession"("agentId");

-- CreateIndex
CREATE INDEX "ConsoleSession_expiresAt_idx" ON "ConsoleSession"("expiresAt");

-- CreateIndex
CREATE INDEX "WebchatSession_contactId_idx" ON "WebchatSession"("contactId");

-- CreateIndex
CREATE INDEX "WebchatSession_expiresAt_idx" ON "WebchatSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "ConsoleSession" ADD CONSTRAINT "ConsoleSession_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
