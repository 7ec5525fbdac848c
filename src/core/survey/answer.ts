// A customer's answer to the satisfaction survey, from a chat's buttons and form or from the email's
// signed link. The first rating counts and the first comment counts: the row is locked and written only
// while still empty, so a second press, a double click or two instances at once change nothing. Only the
// ticket's customers answer in chat (its requester, or someone an agent put on it); the link is the
// ticket's own. Each answer is kept on the ticket's history for agents, edits the survey in place where
// the customer wrote, and refreshes the card.
import { type Localized, pick } from '../../i18n/localized.ts';
import { surveyTexts as x } from '../../i18n/survey.ts';
import type { Actor } from '../actor.ts';
import { ForbiddenError, NotFoundError, refusal, UserError } from '../errors.ts';
import type { TicketService } from '../tickets/service.ts';
import { showSurvey } from './ask.ts';

export const MAX_COMMENT = 2000;

export interface SurveyDeps {
  tickets: Pick<TicketService, 'now' | 'transaction' | 'assertAnswerer' | 'recordSatisfaction'>;
}

/** Who answers: a customer in a chat, or whoever holds the email's link for that ticket. */
export type Answerer = { kind: 'contact'; contactId: string; platform: string } | { kind: 'link' };

export interface SurveyAnswer {
  score?: number;
  comment?: string;
}

/**
 * Records a rating and/or a comment (the link's page sends both at once; a chat sends one at a time).
 * Returns the thanks for the person, in both languages; throws a UserError, changing nothing, when the
 * answer is refused.
 */
export async function answerSurvey(
  deps: SurveyDeps,
  who: Answerer,
  ticketNumber: number,
  answer: SurveyAnswer,
): Promise<Localized> {
  const { score } = answer;
  const comment = answer.comment?.trim() || undefined;
  if (score !== undefined && !(Number.isInteger(score) && score >= 1 && score <= 5)) {
    throw new UserError(x.badScore, 400, 'invalid_score');
  }
  if (answer.comment !== undefined && score === undefined && !comment) {
    throw new UserError(x.emptyComment, 400, 'empty_comment');
  }
  if (comment && [...comment].length > MAX_COMMENT) {
    throw new UserError(x.longComment(MAX_COMMENT), 400, 'comment_too_long');
  }
  return deps.tickets.transaction(async (tx) => {
    const [survey] = await tx.$queryRaw<{ score: number | null; comment: string | null; language: string }[]>`
      SELECT s.score, s.comment, o.language
      FROM "SatisfactionSurvey" s
      JOIN "Ticket" t ON t.number = s."ticketNumber"
      JOIN "Organisation" o ON o.id = t."organisationId"
      WHERE s."ticketNumber" = ${ticketNumber}
      FOR UPDATE OF s`;
    if (!survey) throw new NotFoundError(x.notAsked(ticketNumber));
    if (who.kind === 'contact') await deps.tickets.assertAnswerer(tx, ticketNumber, who.contactId);
    if (score !== undefined && survey.score !== null) {
      throw new UserError(x.alreadyRated(ticketNumber, survey.score), 409, 'already_answered');
    }
    if (comment && survey.comment !== null) {
      throw new UserError(x.alreadyCommented(ticketNumber), 409, 'already_answered');
    }
    const now = deps.tickets.now();
    const actor: Actor =
      who.kind === 'contact' ? { kind: 'contact', contactId: who.contactId } : { kind: 'system' };
    // The history is the agents' (their organisation's language, like every field change).
    const language = survey.language;
    const via = who.kind === 'contact' ? who.platform : pick(x.event.link, language);
    if (score !== undefined) {
      await tx.satisfactionSurvey.update({
        where: { ticketNumber },
        data: {
          score,
          answeredAt: now,
          answeredById: who.kind === 'contact' ? who.contactId : null,
          answeredVia: who.kind === 'contact' ? who.platform : 'link',
        },
      });
      await deps.tickets.recordSatisfaction(tx, ticketNumber, actor, {
        body: pick(x.event.rated(score, via), language),
        data: { field: 'satisfaction', score, via: who.kind === 'contact' ? who.platform : 'link' },
        score,
      });
    }
    if (comment) {
      await tx.satisfactionSurvey.update({ where: { ticketNumber }, data: { comment, commentedAt: now } });
      await deps.tickets.recordSatisfaction(tx, ticketNumber, actor, {
        body: pick(x.event.commented(comment), language),
        data: { field: 'satisfaction', comment: true },
        score: score ?? survey.score,
      });
    }
    await showSurvey(tx, ticketNumber);
    return score !== undefined ? x.thanksRating(ticketNumber, score) : x.thanksComment(ticketNumber);
  });
}

/** A rating button's value, "<ticket>:<score>". */
export function parseRating(value: string): { ticketNumber: number; score: number } {
  const match = /^(\d{1,10}):(\d)$/.exec(value);
  if (!match) throw new UserError(refusal.noTicketButton);
  return { ticketNumber: Number(match[1]), score: Number(match[2]) };
}

/** Agents and maintainers see the customer's survey in shared channels; only the customer answers it. */
export function customerOf(actor: Actor, platform: string): Answerer {
  if (actor.kind !== 'contact') throw new ForbiddenError(x.customersOnly);
  return { kind: 'contact', contactId: actor.contactId, platform };
}
