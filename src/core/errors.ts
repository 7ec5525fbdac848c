// Few, named errors. A UserError's message is written for the person who caused it and is shown to
// them as is, in their language; anything else is logged with context and the person gets a short
// apology.
import { type Localized, pick } from '../i18n/localized.ts';

export class UserError extends Error {
  override name = 'UserError';
  /**
   * `message` stays the English text, so logs and callers that read it see what they always did;
   * `messageIn` answers the person in theirs.
   * HTTP-ish status for API callers: 400 bad input, 403 not allowed, 404 missing, 409 conflict,
   * 429 too many tries, 503 a service it needs (e.g. outgoing mail) failed: try again later.
   */
  constructor(
    readonly localized: Localized,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 503 = 400,
    readonly code = 'bad_request',
  ) {
    super(localized.en);
  }

  messageIn(language: string): string {
    return pick(this.localized, language);
  }

  /**
   * A refusal whose text was already written for its one reader, in their language (the chat router's
   * answer, relayed as an HTTP error): it reads the same whatever language the request asks for.
   */
  static inTheirLanguage(text: string, status: UserError['status'], code: string): UserError {
    return new UserError({ en: text, es: text }, status, code);
  }
}

export class NotFoundError extends UserError {
  override name = 'NotFoundError';
  constructor(message: Localized) {
    super(message, 404, 'not_found');
  }
}

export class ForbiddenError extends UserError {
  override name = 'ForbiddenError';
  constructor(message: Localized) {
    super(message, 403, 'forbidden');
  }
}

export class IllegalTransitionError extends UserError {
  override name = 'IllegalTransitionError';
  constructor(message: Localized) {
    super(message, 409, 'illegal_transition');
  }
}

/** Refusals said alike in several places. */
export const refusal = {
  agentsOnly: { en: 'Only agents can do this.', es: 'Solo los agentes pueden hacer esto.' },
  noTicketButton: { en: 'That button does not name a ticket.', es: 'Ese botón no indica ningún ticket.' },
  noTicket: (n: number | string): Localized => ({
    en: `There is no ticket #${n}.`,
    es: `No existe el ticket #${n}.`,
  }),
  noProduct: (id: string): Localized => ({
    en: `There is no product "${id}". Products are listed in relevo.yaml.`,
    es: `No existe el producto «${id}». Los productos se enumeran en relevo.yaml.`,
  }),
  noContact: (id: string): Localized => ({
    en: `There is no contact "${id}".`,
    es: `No existe el contacto «${id}».`,
  }),
} satisfies Record<string, Localized | ((...args: never[]) => Localized)>;
