-- Raw bytes that gain nothing from PostgreSQL's compression are stored as they are: an inbox event's bytes
-- live only until the message is processed (compressing them cost the embedded database ~1 ms a 50 KB
-- message, and reading them back as much again to decompress), and attachments are mostly compressed
-- formats already (PDF, images, archives). The kept original (EmailMessage.raw) stays compressed.
ALTER TABLE "InboundEvent" ALTER COLUMN "blob" SET STORAGE EXTERNAL;
ALTER TABLE "Attachment" ALTER COLUMN "content" SET STORAGE EXTERNAL;
