// The survey as the customer sees it where they wrote: a live message, posted once in each of their
// conversations and edited as it is answered. Where the platform shows buttons and forms, it asks with
// buttons 1–5 and then offers a comment; where it cannot (email), it carries the signed link to a page
// that asks both. In the customer's language (customer-language.ts).
import type { Db } from '../../db/index.ts';
import { pick } from '../../i18n/localized.ts';
import { surveyTexts as x } from '../../i18n/survey.ts';
import { customerLanguage } from '../customer-language.ts';
import { showLive } from '../live-messages/show.ts';
import { liveSubject } from '../live-messages/subjects.ts';
import type { FormSpec, OutMessage } from '../message.ts';
import type { OutboxJob } from '../outbox.ts';
import type { ChatAdapter } from '../ports.ts';

/** The buttons' actions: a rating's value is "<ticket>:<score>", a comment's "<ticket>". */
export const SURVEY_RATE = 'survey.rate';
export const SURVEY_COMMENT = 'survey.comment';

export interface SurveyState {
  ticketNumber: number;
  score: number | null;
  comment: string | null;
}

export function renderSurvey(survey: SurveyState, language: string, link?: string): OutMessage {
  const n = survey.ticketNumber;
  if (survey.score === null) {
    if (link) return { text: `${pick(x.ask(n), language)}\n\n${pick(x.byLink(link), language)}` };
    return {
      text: pick(x.ask(n), language),
      buttons: [1, 2, 3, 4, 5].map((score) => ({
        action: SURVEY_RATE,
        label: String(score),
        value: `${n}:${score}`,
      })),
    };
  }
  const said = pick(x.rated(n, survey.score), language);
  if (survey.comment !== null) return { text: `${said} ${pick(x.commented, language)}` };
  return {
    text: said,
    buttons: link ? [] : [{ action: SURVEY_COMMENT, label: pick(x.addComment, language), value: String(n) }],
  };
}

/** What "Add a comment…" opens, in the language of the customer who pressed it. */
export function surveyCommentForm(language: string): FormSpec {
  return {
    title: pick(x.form.title, language),
    submitLabel: pick(x.form.submit, language),
    fields: [{ id: 'comment', label: pick(x.form.comment, language), kind: 'textarea', required: true }],
  };
}

/** Delivers a `survey` job: the survey as it stands, in the conversation the job names. */
export async function syncSurvey(
  db: Db,
  adapter: ChatAdapter,
  job: Extract<OutboxJob, { kind: 'survey' }>,
  key: string,
  /** The email link's address for a ticket; what platforms without forms show instead of buttons. */
  linkTo?: (ticketNumber: number) => string,
): Promise<void> {
  const survey = await db.satisfactionSurvey.findUnique({
    where: { ticketNumber: job.ticketNumber },
    select: {
      ticketNumber: true,
      score: true,
      comment: true,
      ticket: {
        select: { contact: { select: { language: true } }, organisation: { select: { language: true } } },
      },
    },
  });
  if (!survey) return;
  const language = customerLanguage(survey.ticket.contact, survey.ticket.organisation);
  let link: string | undefined;
  if (!adapter.capabilities.forms) {
    if (!linkTo)
      throw new Error(`the ${adapter.platform} survey needs its link, and no link maker was given`);
    link = linkTo(job.ticketNumber);
  }
  await showLive(
    db,
    adapter,
    {
      subject: liveSubject.survey(job.ticketNumber, job.thread),
      platform: job.platform,
      channel: job.channel,
      thread: job.thread,
      ticketNumber: job.ticketNumber,
    },
    renderSurvey(survey, language, link),
    key,
  );
}
