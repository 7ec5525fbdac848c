-- CreateTable
CREATE TABLE "SeenRequest" (
    "key" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SeenRequest_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SeenRequest_expiresAt_idx" ON "SeenRequest"("expiresAt");
