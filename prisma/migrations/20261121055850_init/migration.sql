-- CreateEnum
CREATE TYPE "AgentRole" AS ENUM ('agent', 'maintainer', 'admin');

-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('new', 'open', 'waiting_on_customer', 'on_hold', 'awaiting_confirmation', 'resolved', 'closed', 'spam', 'rejected');

-- CreateEnum
CREATE TYPE "Priority" AS ENUM ('low', 'normal', 'high', 'urgent');

-- CreateEnum
CREATE TYPE "Category" AS ENUM ('question', 'dev_incident', 'prod_incident', 'environment_problem', 'improvement', 'installation_upgrade');

-- CreateEnum
CREATE TYPE "TicketSource" AS ENUM ('webchat', 'slack', 'mattermost', 'discord', 'email', 'manual', 'api', 'monitor');

-- CreateEnum
CREATE TYPE "EventType" AS ENUM ('customer_message', 'public_reply', 'private_note', 'status_change', 'assignment', 'field_change', 'system');

-- CreateEnum
CREATE TYPE "Visibility" AS ENUM ('public', 'internal');

-- CreateEnum
CREATE TYPE "AuthorKind" AS ENUM ('contact', 'agent', 'system');

-- CreateEnum
CREATE TYPE "EscalationStatus" AS ENUM ('open', 'claimed', 'diagnosed', 'closed');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'done', 'dead');

-- CreateTable
CREATE TABLE "Organisation" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "emailDomains" TEXT[],
    "products" TEXT[],
    "infraUrl" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Product" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "maintainersChannel" TEXT,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Contact" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Contact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "AgentRole" NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Identity" (
    "id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "contactId" TEXT,
    "agentId" TEXT,

    CONSTRAINT "Identity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Ticket" (
    "number" SERIAL NOT NULL,
    "subject" TEXT NOT NULL,
    "status" "TicketStatus" NOT NULL DEFAULT 'new',
    "priority" "Priority" NOT NULL DEFAULT 'normal',
    "category" "Category",
    "source" "TicketSource" NOT NULL,
    "requesterId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "assigneeId" TEXT,
    "productId" TEXT,
    "firstResponseDueAt" TIMESTAMP(3),
    "nextUpdateDueAt" TIMESTAMP(3),
    "resolutionDueAt" TIMESTAMP(3),
    "firstRespondedAt" TIMESTAMP(3),
    "awaitingConfirmationSince" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "statusChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("number")
);

-- CreateTable
CREATE TABLE "TicketEvent" (
    "id" TEXT NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "type" "EventType" NOT NULL,
    "visibility" "Visibility" NOT NULL,
    "authorKind" "AuthorKind" NOT NULL,
    "authorContactId" TEXT,
    "authorAgentId" TEXT,
    "body" TEXT NOT NULL,
    "data" JSONB,
    "channelRef" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationLink" (
    "id" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "thread" TEXT NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Escalation" (
    "id" TEXT NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "productId" TEXT NOT NULL,
    "status" "EscalationStatus" NOT NULL DEFAULT 'open',
    "maintainerId" TEXT,
    "threadRef" TEXT,
    "diagnosis" TEXT,
    "certainty" TEXT,
    "estimate" TEXT,
    "estimateConfidence" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Escalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxItem" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "OutboxItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatMessageRef" (
    "id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChatMessageRef_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebchatSession" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebchatSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebchatPost" (
    "id" BIGSERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "authorKind" TEXT NOT NULL,
    "authorName" TEXT NOT NULL,
    "message" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebchatPost_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Contact_organisationId_idx" ON "Contact"("organisationId");

-- CreateIndex
CREATE INDEX "Identity_contactId_idx" ON "Identity"("contactId");

-- CreateIndex
CREATE INDEX "Identity_agentId_idx" ON "Identity"("agentId");

-- CreateIndex
CREATE UNIQUE INDEX "Identity_platform_externalId_key" ON "Identity"("platform", "externalId");

-- CreateIndex
CREATE INDEX "Ticket_status_updatedAt_idx" ON "Ticket"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "Ticket_organisationId_status_updatedAt_idx" ON "Ticket"("organisationId", "status", "updatedAt");

-- CreateIndex
CREATE INDEX "Ticket_assigneeId_status_updatedAt_idx" ON "Ticket"("assigneeId", "status", "updatedAt");

-- CreateIndex
CREATE INDEX "Ticket_requesterId_updatedAt_idx" ON "Ticket"("requesterId", "updatedAt");

-- CreateIndex
CREATE INDEX "Ticket_updatedAt_idx" ON "Ticket"("updatedAt");

-- CreateIndex
CREATE INDEX "Ticket_status_awaitingConfirmationSince_idx" ON "Ticket"("status", "awaitingConfirmationSince");

-- CreateIndex
CREATE INDEX "TicketEvent_ticketNumber_createdAt_idx" ON "TicketEvent"("ticketNumber", "createdAt");

-- CreateIndex
CREATE INDEX "ConversationLink_ticketNumber_idx" ON "ConversationLink"("ticketNumber");

-- CreateIndex
CREATE UNIQUE INDEX "ConversationLink_platform_channel_thread_key" ON "ConversationLink"("platform", "channel", "thread");

-- CreateIndex
CREATE INDEX "Escalation_ticketNumber_idx" ON "Escalation"("ticketNumber");

-- CreateIndex
CREATE UNIQUE INDEX "InboundEvent_key_key" ON "InboundEvent"("key");

-- CreateIndex
CREATE INDEX "InboundEvent_processedAt_nextAttemptAt_idx" ON "InboundEvent"("processedAt", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxItem_status_nextAttemptAt_id_idx" ON "OutboxItem"("status", "nextAttemptAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ChatMessageRef_purpose_ticketNumber_platform_key" ON "ChatMessageRef"("purpose", "ticketNumber", "platform");

-- CreateIndex
CREATE UNIQUE INDEX "WebchatSession_tokenHash_key" ON "WebchatSession"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "WebchatPost_dedupeKey_key" ON "WebchatPost"("dedupeKey");

-- CreateIndex
CREATE INDEX "WebchatPost_channel_id_idx" ON "WebchatPost"("channel", "id");

-- AddForeignKey
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Identity" ADD CONSTRAINT "Identity_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "Contact"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Ticket" ADD CONSTRAINT "Ticket_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_authorContactId_fkey" FOREIGN KEY ("authorContactId") REFERENCES "Contact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_authorAgentId_fkey" FOREIGN KEY ("authorAgentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationLink" ADD CONSTRAINT "ConversationLink_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_maintainerId_fkey" FOREIGN KEY ("maintainerId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatMessageRef" ADD CONSTRAINT "ChatMessageRef_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebchatSession" ADD CONSTRAINT "WebchatSession_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;
