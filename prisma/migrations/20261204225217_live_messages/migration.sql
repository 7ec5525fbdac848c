-- One store of "the message that shows X on platform P" (LiveMessage). The cards (ChatMessageRef), the
-- escalation posts and conversation notices (SentMessage rows keyed escalation:/conversation:) and
-- Escalation.threadRef move into it, so a message posted before the upgrade is still edited in place.

-- AlterEnum
-- The type is created anew rather than given a value with ADD VALUE: every pending migration runs in one
-- transaction, and PostgreSQL refuses a value added to an existing enum in the transaction that added it
-- ("unsafe use of new value"); the links of existing card threads below need 'agents' at once.
ALTER TYPE "LinkKind" RENAME TO "LinkKind_old";
CREATE TYPE "LinkKind" AS ENUM ('customer', 'maintainers', 'agents');
ALTER TABLE "ConversationLink" ALTER COLUMN "kind" DROP DEFAULT;
ALTER TABLE "ConversationLink" ALTER COLUMN "kind" TYPE "LinkKind" USING ("kind"::text::"LinkKind");
ALTER TABLE "ConversationLink" ALTER COLUMN "kind" SET DEFAULT 'customer';
DROP TYPE "LinkKind_old";

-- CreateTable
CREATE TABLE "LiveMessage" (
    "id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "ref" TEXT NOT NULL,
    "thread" TEXT,
    "ticketNumber" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LiveMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LiveMessage_ticketNumber_idx" ON "LiveMessage"("ticketNumber");

-- CreateIndex
CREATE UNIQUE INDEX "LiveMessage_subject_platform_channel_key" ON "LiveMessage"("subject", "platform", "channel");

-- AddForeignKey
ALTER TABLE "LiveMessage" ADD CONSTRAINT "LiveMessage_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- MoveData
-- Until now Slack is the only platform with threads: its ref is "<channel>:<ts>" and replies to a message
-- go to the thread named by that ts (adapters/slack/adapter.ts threadOf). Other platforms have none.

-- Cards: ChatMessageRef kept the platform and channel together as "slack:C123".
INSERT INTO "LiveMessage" ("id", "subject", "platform", "channel", "ref", "thread", "ticketNumber", "createdAt", "updatedAt")
SELECT r."id",
       r."purpose" || ':' || r."ticketNumber",
       split_part(r."platform", ':', 1),
       substr(r."platform", strpos(r."platform", ':') + 1),
       r."ref",
       CASE WHEN split_part(r."platform", ':', 1) = 'slack' THEN split_part(r."ref", ':', 2) END,
       r."ticketNumber",
       r."updatedAt",
       r."updatedAt"
FROM "ChatMessageRef" r;

-- Escalation posts and conversation notices: their SentMessage key was "<kind>:<id>:<platform>:<channel>".
-- An escalation's post belongs to its ticket; one whose escalation is gone (its ticket was deleted) is dropped.
INSERT INTO "LiveMessage" ("id", "subject", "platform", "channel", "ref", "thread", "ticketNumber", "createdAt", "updatedAt")
SELECT gen_random_uuid()::text,
       m.parts[1] || ':' || m.parts[2],
       m.parts[3],
       m.parts[4],
       m."ref",
       CASE WHEN m.parts[3] = 'slack' THEN split_part(m."ref", ':', 2) END,
       e."ticketNumber",
       m."createdAt",
       m."createdAt"
FROM (
    SELECT s."ref", s."createdAt", regexp_match(s."key", '^(escalation|conversation):([^:]+):([^:]+):(.+)$') AS parts
    FROM "SentMessage" s
) m
LEFT JOIN "Escalation" e ON m.parts[1] = 'escalation' AND e."id" = m.parts[2]
WHERE m.parts IS NOT NULL AND (m.parts[1] = 'conversation' OR e."id" IS NOT NULL);

DELETE FROM "SentMessage" WHERE "key" ~ '^(escalation|conversation):[^:]+:[^:]+:.+$';

-- A reply in a card's thread was found through ChatMessageRef; it is found through its link now.
INSERT INTO "ConversationLink" ("id", "platform", "channel", "thread", "kind", "ticketNumber", "createdAt")
SELECT gen_random_uuid()::text, l."platform", l."channel", l."thread", 'agents', l."ticketNumber", l."createdAt"
FROM "LiveMessage" l
WHERE l."subject" LIKE 'card:%' AND l."thread" IS NOT NULL
ON CONFLICT ("platform", "channel", "thread") DO NOTHING;

-- Escalation.threadRef repeated the escalation post's ref, which its LiveMessage row holds now (the post's
-- SentMessage row was always written first, so no threadRef lacks one).

-- DropForeignKey
ALTER TABLE "ChatMessageRef" DROP CONSTRAINT "ChatMessageRef_ticketNumber_fkey";

-- AlterTable
ALTER TABLE "Escalation" DROP COLUMN "threadRef";

-- DropTable
DROP TABLE "ChatMessageRef";
