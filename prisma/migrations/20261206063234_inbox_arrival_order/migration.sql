-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "seq" BIGSERIAL NOT NULL;
