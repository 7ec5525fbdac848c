-- CreateTable
CREATE TABLE "PlatformState" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PlatformState_pkey" PRIMARY KEY ("key")
);
