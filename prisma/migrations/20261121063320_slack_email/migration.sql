-- CreateEnum
CREATE TYPE "LinkKind" AS ENUM ('customer', 'maintainers');

-- CreateEnum
CREATE TYPE "EmailDirection" AS ENUM ('inbound', 'outbound');

-- AlterTable
ALTER TABLE "ConversationLink" ADD COLUMN     "kind" "LinkKind" NOT NULL DEFAULT 'customer';

-- AlterTable
ALTER TABLE "Escalation" ADD COLUMN     "agentNotes" TEXT,
ADD COLUMN     "background" TEXT;

-- CreateTable
CREATE TABLE "PendingConversation" (
    "id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "thread" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "messages" JSONB NOT NULL,
    "ticketNumber" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingConversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SentMessage" (
    "key" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SentMessage_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "EmailMessage" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "direction" "EmailDirection" NOT NULL,
    "ticketNumber" INTEGER,
    "eventId" TEXT,
    "fromAddress" TEXT NOT NULL,
    "toAddresses" TEXT[],
    "ccAddresses" TEXT[],
    "subject" TEXT NOT NULL,
    "counterparty" TEXT NOT NULL,
    "automatic" BOOLEAN NOT NULL DEFAULT false,
    "loopVerdict" TEXT,
    "raw" BYTEA,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attachment" (
    "id" TEXT NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "eventId" TEXT,
    "filename" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content" BYTEA,
    "oversized" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attachment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PendingConversation_platform_channel_thread_key" ON "PendingConversation"("platform", "channel", "thread");

-- CreateIndex
CREATE UNIQUE INDEX "EmailMessage_messageId_key" ON "EmailMessage"("messageId");

-- CreateIndex
CREATE INDEX "EmailMessage_ticketNumber_createdAt_idx" ON "EmailMessage"("ticketNumber", "createdAt");

-- CreateIndex
CREATE INDEX "EmailMessage_counterparty_automatic_createdAt_idx" ON "EmailMessage"("counterparty", "automatic", "createdAt");

-- CreateIndex
CREATE INDEX "Attachment_ticketNumber_idx" ON "Attachment"("ticketNumber");

-- CreateIndex
CREATE INDEX "ChatMessageRef_ref_idx" ON "ChatMessageRef"("ref");

-- AddForeignKey
ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;
