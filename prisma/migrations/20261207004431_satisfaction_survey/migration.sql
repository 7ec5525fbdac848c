-- CreateTable
CREATE TABLE "SatisfactionSurvey" (
    "ticketNumber" INTEGER NOT NULL,
    "askedAt" TIMESTAMP(3) NOT NULL,
    "score" INTEGER,
    "answeredAt" TIMESTAMP(3),
    "answeredById" TEXT,
    "answeredVia" TEXT,
    "comment" TEXT,
    "commentedAt" TIMESTAMP(3),

    CONSTRAINT "SatisfactionSurvey_pkey" PRIMARY KEY ("ticketNumber")
);

-- CreateIndex
CREATE INDEX "SatisfactionSurvey_askedAt_idx" ON "SatisfactionSurvey"("askedAt");

-- AddForeignKey
ALTER TABLE "SatisfactionSurvey" ADD CONSTRAINT "SatisfactionSurvey_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "Ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- A rating is 1 to 5, whatever path writes it.
ALTER TABLE "SatisfactionSurvey" ADD CONSTRAINT "SatisfactionSurvey_score_range" CHECK ("score" BETWEEN 1 AND 5);
