-- A received mail's original stays in the inbox row it was stored in before "250 OK" (written once);
-- EmailMessage names that row. Mail kept before this keeps its copy in EmailMessage.raw.
-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "inboundKey" TEXT;
