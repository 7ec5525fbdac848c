-- AlterTable
ALTER TABLE "OutboxItem" ADD COLUMN     "platform" TEXT;

-- Items already waiting (or given up) get the platform they go to, so they are drained apart from the
-- start: cards, escalations, conversations and agent notices name it; a message to a customer goes to
-- the ticket's customer conversations. Delivered rows are history: left as they are.
UPDATE "OutboxItem" SET "platform" = "payload"->>'platform'
WHERE "status" IN ('pending', 'dead') AND "payload"->>'platform' IS NOT NULL;

UPDATE "OutboxItem" o SET "platform" = l."platforms"
FROM (
  SELECT "ticketNumber", string_agg(DISTINCT "platform", ',' ORDER BY "platform") AS "platforms"
  FROM "ConversationLink" WHERE "kind" = 'customer' GROUP BY "ticketNumber"
) l
WHERE o."status" IN ('pending', 'dead') AND o."kind" = 'customer_event'
  AND (o."payload"->>'ticketNumber')::int = l."ticketNumber";
