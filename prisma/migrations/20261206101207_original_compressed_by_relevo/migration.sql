-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "rawEncoding" TEXT;

-- Relevo compresses a message (gzip, off the main thread) before it is stored in the inbox, and the kept
-- original is that copy: PostgreSQL's own compression would only try again on compressed bytes.
ALTER TABLE "EmailMessage" ALTER COLUMN "raw" SET STORAGE EXTERNAL;
