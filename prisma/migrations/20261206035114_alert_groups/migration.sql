-- CreateTable
CREATE TABLE "AlertGroup" (
    "id" TEXT NOT NULL,
    "monitorId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "groupKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "groupLabels" JSONB NOT NULL,
    "commonLabels" JSONB NOT NULL,
    "severity" TEXT,
    "organisationId" TEXT,
    "externalUrl" TEXT,
    "truncated" INTEGER NOT NULL DEFAULT 0,
    "firingSince" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "acknowledgedById" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "silenceId" TEXT,
    "silencedUntil" TIMESTAMP(3),
    "ticketNumber" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertItem" (
    "groupId" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "annotations" JSONB NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3),
    "links" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertItem_pkey" PRIMARY KEY ("groupId","fingerprint")
);

-- CreateIndex
CREATE INDEX "AlertGroup_status_updatedAt_idx" ON "AlertGroup"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "AlertGroup_organisationId_status_idx" ON "AlertGroup"("organisationId", "status");

-- CreateIndex
CREATE INDEX "AlertGroup_ticketNumber_idx" ON "AlertGroup"("ticketNumber");

-- CreateIndex
CREATE UNIQUE INDEX "AlertGroup_monitorId_groupKey_key" ON "AlertGroup"("monitorId", "groupKey");

-- AddForeignKey
ALTER TABLE "AlertItem" ADD CONSTRAINT "AlertItem_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "AlertGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
