-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "searchVector" tsvector,
ADD COLUMN     "slaDueAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Ticket_status_slaDueAt_idx" ON "Ticket"("status", "slaDueAt");

-- CreateIndex
CREATE INDEX "Ticket_searchVector_idx" ON "Ticket" USING GIN ("searchVector");

-- Searchable words, kept by the database so that no way of writing a ticket or an event can forget them.
-- Spanish and English stems side by side: a query in either language finds words written in either
-- ("facturas" finds "factura", "invoices" finds "invoice"). A text counts up to its first 4,000 characters
-- (a pasted log adds little but cost), and a ticket stops growing its words at 20,000 distinct ones, far
-- below tsvector's 1 MB limit, so a long thread can never make an insert fail.
CREATE FUNCTION relevo_search_words(body text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('spanish'::regconfig, left(body, 4000))
    || to_tsvector('english'::regconfig, left(body, 4000)), weight)
$$;

-- The subject weighs more than what was said (A over B). A new subject recounts the ticket's words.
CREATE FUNCTION relevo_ticket_search_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW."searchVector" := relevo_search_words(NEW.subject, 'A');
  ELSIF NEW.subject IS DISTINCT FROM OLD.subject THEN
    NEW."searchVector" := relevo_search_words(NEW.subject, 'A') || coalesce((
      SELECT relevo_search_words(string_agg(left(e.body, 4000), E'\n' ORDER BY e."createdAt"), 'B')
      FROM "TicketEvent" e
      WHERE e."ticketNumber" = NEW.number AND e.type IN ('customer_message', 'public_reply', 'private_note')
    ), ''::tsvector);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "Ticket_search_subject" BEFORE INSERT OR UPDATE OF subject ON "Ticket"
  FOR EACH ROW EXECUTE FUNCTION relevo_ticket_search_subject();

-- What people wrote: the customer's messages, agents' replies and private notes (agents search notes too;
-- customers never search). Status changes and Relevo's records are not words anyone looks for.
CREATE FUNCTION relevo_ticket_search_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Ticket" SET "searchVector" = coalesce("searchVector", ''::tsvector) || relevo_search_words(NEW.body, 'B')
  WHERE number = NEW."ticketNumber" AND length(coalesce("searchVector", ''::tsvector)) < 20000;
  RETURN NULL;
END
$$;

CREATE TRIGGER "TicketEvent_search" AFTER INSERT ON "TicketEvent"
  FOR EACH ROW WHEN (NEW.type IN ('customer_message', 'public_reply', 'private_note'))
  EXECUTE FUNCTION relevo_ticket_search_event();

-- Tickets written before this migration.
UPDATE "Ticket" t SET "searchVector" = relevo_search_words(t.subject, 'A') || coalesce((
  SELECT relevo_search_words(string_agg(left(e.body, 4000), E'\n' ORDER BY e."createdAt"), 'B')
  FROM "TicketEvent" e
  WHERE e."ticketNumber" = t.number AND e.type IN ('customer_message', 'public_reply', 'private_note')
), ''::tsvector);

-- "slaDueAt" is filled by the start-up recompute of every unfinished ticket's clocks (src/core/sla/recompute.ts,
-- whose VERSION this change raised): it needs the clocks' states, which SQL alone does not know.
