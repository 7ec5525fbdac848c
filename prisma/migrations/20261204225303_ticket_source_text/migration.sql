-- Ticket.source becomes plain text: a new chat platform (or any new source) needs no enum migration.
-- Prisma's generated diff dropped and re-added the column, losing every ticket's source; converting the
-- type in place keeps it.
-- AlterTable
ALTER TABLE "Ticket" ALTER COLUMN "source" SET DATA TYPE TEXT USING "source"::text;

-- DropEnum
DROP TYPE "TicketSource";
