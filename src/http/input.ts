// Text that cannot be stored never reaches a handler: every string in a request's path parameters, query
// and JSON body (keys included) is checked once, before validation, for every route — the ones written
// later included. A refusal is a 400 that names the field and the character, is logged, and changes nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UserError } from '../core/errors.ts';
import { codePointName, isBlank, textProblem } from '../core/text.ts';
import type { Language } from '../i18n/index.ts';
import { both } from '../i18n/localized.ts';
import { languageFromHeader, refusals } from '../i18n/refusals.ts';

/** The language of the person behind a request (the pages send the one they show). */
export function requestLanguage(req: FastifyRequest): Language {
  const header = req.headers['accept-language'];
  return languageFromHeader(Array.isArray(header) ? header[0] : header);
}

interface Found {
  field: string;
  problem: 'control' | 'malformed';
  codePoint: number;
}

const MAX_DEPTH = 64;

function findBadText(value: unknown, field: string, depth = 0): Found | undefined {
  if (typeof value === 'string') {
    const p = textProblem(value);
    return p ? { field, ...p } : undefined;
  }
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  // Raw bodies (Slack's signed bytes) are checked where they are read.
  if (ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findBadText(value[i], `${field}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    const keyProblem = textProblem(key);
    if (keyProblem) return { field: `${field} (a field name)`, ...keyProblem };
    const found = findBadText(v, `${field}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export class InvalidTextError extends UserError {
  constructor(found: Found) {
    super(
      both((l) =>
        found.problem === 'control'
          ? refusals(l).control(found.field, codePointName(found.codePoint))
          : refusals(l).malformed(found.field),
      ),
      400,
      'invalid_text',
    );
  }
}

/** Registers the check on every route of `app` (and its child scopes). */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const found =
      findBadText(req.params, 'path') ?? findBadText(req.query, 'query') ?? findBadText(req.body, 'body');
    if (found) {
      // The field and the character, never the text: it may be anything.
      req.log.info(
        { url: req.routeOptions.url, field: found.field, char: codePointName(found.codePoint), ip: req.ip },
        'refused text that cannot be stored',
      );
      throw new InvalidTextError(found);
    }
  });
}

/** A string with something visible in it; see `issueMessage` for how a blank one is refused. */
export const visibleText = () =>
  z
    .string()
    .refine((s) => !isBlank(s), { params: { relevo: 'blank' }, message: 'has no visible characters' });

/** A zod issue as the person reads it: `field: what is wrong`, Relevo's own checks in their language. */
export function issueMessage(issue: z.core.$ZodIssue | undefined, where: string, language: Language): string {
  const field = issue?.path.length ? `${where}.${issue.path.join('.')}` : where;
  if (issue?.code === 'custom' && (issue.params as { relevo?: string } | undefined)?.relevo === 'blank') {
    return refusals(language).blank(field);
  }
  return `${field}: ${issue?.message ?? 'invalid'}`;
}
