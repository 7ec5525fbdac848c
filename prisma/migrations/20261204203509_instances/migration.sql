-- AlterTable
ALTER TABLE "OutboxItem" ADD COLUMN     "lane" TEXT;

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "OutboxItem_lane_id_idx" ON "OutboxItem"("lane", "id");
