-- An email's attachments are read from the received original (kept once, in its inbox row) instead of
-- being copied: 70% of a typical storm's bytes were attachments written a second time.
-- AlterTable
ALTER TABLE "Attachment" ADD COLUMN     "inboundKey" TEXT,
ADD COLUMN     "part" INTEGER;
