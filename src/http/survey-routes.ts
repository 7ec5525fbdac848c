// The satisfaction survey's email link: GET /survey/<token> shows the form, POST answers it. The token
// is checked before anything is read (core/survey/link.ts): a forged or altered one gets 404, is logged,
// and changes nothing. A second answer is refused with 409 and the first one stands.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { customerLanguage } from '../core/customer-language.ts';
import { UserError } from '../core/errors.ts';
import { answerSurvey } from '../core/survey/answer.ts';
import type { HttpContext } from './context.ts';
import { type PageLanguage, surveyPage, surveyStylesheet, unknownSurveyPage } from './survey-page.ts';

/** A form's fields are few and short: the comment is at most 2,000 characters. */
const FORM_LIMIT = 16 * 1024;

export function registerSurveyRoutes(app: FastifyInstance, ctx: HttpContext): void {
  // Its own scope: urlencoded bodies (what an HTML form posts) are parsed here only, not by the JSON API.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    scope.get('/survey-assets/survey.css', async (_req, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(surveyStylesheet),
    );

    scope.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
      '/survey/:token',
      async (req, reply) => {
        const survey = await surveyOf(req, reply);
        if (!survey) return reply;
        return html(reply, 200, surveyPage(survey, languageOf(req.query.lang, survey.language), path(req)));
      },
    );

    scope.post<{ Params: { token: string }; Body: unknown }>('/survey/:token', async (req, reply) => {
      const survey = await surveyOf(req, reply);
      if (!survey) return reply;
      const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const language = languageOf(form.lang, survey.language);
      const score =
        typeof form.score === 'string' && /^\d$/.test(form.score) ? Number(form.score) : Number.NaN;
      const comment = typeof form.comment === 'string' ? form.comment : undefined;
      try {
        await answerSurvey(ctx.actions, { kind: 'link' }, survey.ticketNumber, { score, comment });
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        req.log.info({ ticket: survey.ticketNumber, code: err.code }, 'survey answer refused');
        // A second answer: the page shows the first, which stands.
        const now = (await surveyOf(req, reply)) ?? survey;
        return html(reply, err.status, surveyPage(now, language, path(req), err.messageIn(language)));
      }
      const answered = (await surveyOf(req, reply)) ?? survey;
      return html(reply, 200, surveyPage(answered, language, path(req)));
    });
  });

  /** The survey a request's token names, or null once a 404 page is sent for a token that is not valid. */
  async function surveyOf(req: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) {
    const number = ctx.surveyLinks.verify(req.params.token);
    const found =
      number === null
        ? null
        : await ctx.db.satisfactionSurvey.findUnique({
            where: { ticketNumber: number },
            select: {
              ticketNumber: true,
              score: true,
              comment: true,
              ticket: {
                select: {
                  contact: { select: { language: true } },
                  organisation: { select: { language: true } },
                },
              },
            },
          });
    if (!found) {
      // Never the token itself: it is the answer's key.
      req.log.warn({ ip: req.ip, valid: number !== null }, 'survey link refused: not a survey of ours');
      const asked = (req.query as { lang?: string } | undefined)?.lang;
      html(reply, 404, unknownSurveyPage(asked === 'es' ? 'es' : 'en'));
      return null;
    }
    const { ticket, ...survey } = found;
    return { ...survey, language: customerLanguage(ticket.contact, ticket.organisation) };
  }
}

const languageOf = (asked: unknown, customer: string): PageLanguage =>
  asked === 'es' || asked === 'en' ? asked : customer === 'es' ? 'es' : 'en';

/** The page's own path, without its query: where its form posts and its language switch points. */
const path = (req: FastifyRequest) => req.url.split('?')[0] as string;

const html = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
