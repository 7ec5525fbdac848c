-- CreateTable
CREATE TABLE "LiveStream" (
    "id" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "session" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LiveStream_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LiveStream_session_idx" ON "LiveStream"("session");

-- CreateIndex
CREATE INDEX "LiveStream_address_idx" ON "LiveStream"("address");

-- CreateIndex
CREATE INDEX "LiveStream_instance_idx" ON "LiveStream"("instance");
