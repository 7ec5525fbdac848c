-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "blob" BYTEA;
