// The email's survey link: /survey/<ticket>.<signature>, where the signature is an HMAC of the ticket's
// number under a key derived from the desk's API token. It needs no login and no lookup to check: a
// forged or altered link is refused before the database is read. Changing the API token ends old links.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class SurveyLinks {
  private readonly key: Buffer;

  /**
   * `secret`: the API token; `base`: the address customers reach Relevo at (RELEVO_PUBLIC_URL), asked for
   * each link (the listening address is known only once the server listens).
   */
  constructor(
    secret: string,
    private readonly base: () => string,
  ) {
    // Its own key, so a survey signature can never serve as anything else signed with the token.
    this.key = createHmac('sha256', secret).update('relevo:satisfaction-survey-link').digest();
  }

  token(ticketNumber: number): string {
    return `${ticketNumber}.${this.signature(ticketNumber).toString('base64url')}`;
  }

  url(ticketNumber: number): string {
    return `${this.base().replace(/\/+$/, '')}/survey/${this.token(ticketNumber)}`;
  }

  /** The ticket a token is for, or null when it is not one of ours (in constant time). */
  verify(token: string): number | null {
    const match = /^([1-9]\d{0,9})\.([\w-]{43})$/.exec(token);
    if (!match) return null;
    const number = Number(match[1]);
    if (!Number.isSafeInteger(number) || number > 2_147_483_647) return null;
    const given = Buffer.from(match[2] as string, 'base64url');
    const expected = this.signature(number);
    return given.length === expected.length && timingSafeEqual(given, expected) ? number : null;
  }

  private signature(ticketNumber: number): Buffer {
    return createHmac('sha256', this.key).update(`survey:${ticketNumber}`).digest();
  }
}
