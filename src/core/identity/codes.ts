// One-time codes mailed to prove an address (a web chat visitor who says they are alice@acme.com).
// A code is six digits, lives ten minutes, works once and allows five attempts; only an scrypt hash
// salted with the row id is stored, so the database alone does not give it away in its lifetime.
// At most five codes go to one address an hour, counted under a per-address lock so several instances
// agree. Whether an address belongs to anyone is never said: a code is sent either way.
import { randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db, Tx } from '../../db/index.ts';
import { type Texts, t } from '../../i18n/index.ts';
import { both } from '../../i18n/localized.ts';
import { UserError } from '../errors.ts';
import type { Clock, Logger, Mailer } from '../ports.ts';
import { normaliseEmail } from './signature.ts';

export const CODE_TTL_MINUTES = 10;
export const CODE_MAX_ATTEMPTS = 5;
export const CODES_PER_ADDRESS_PER_HOUR = 5;

const scryptAsync = promisify(scrypt) as (password: string, salt: string, keylen: number) => Promise<Buffer>;
/** A refusal in both languages; the answer picks the asker's (for the web chat, the page's language). */
const said = (text: (v: Texts['verification']) => string) => both((l) => text(t(l).verification));

const hashCode = async (id: string, code: string) => (await scryptAsync(code, id, 32)).toString('hex');

export interface VerificationCodeDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Unset when no outgoing mail is configured: codes are then unavailable (and say so). */
  mailer?: Mailer;
}

export class VerificationCodes {
  constructor(private readonly deps: VerificationCodeDeps) {}

  /** Whether codes can be sent at all (outgoing mail is configured). */
  get available(): boolean {
    return this.deps.mailer !== undefined;
  }

  /**
   * Mails a new code for `subject` (who asked: a web chat session id) to `email`; earlier codes of
   * that subject stop working. Texts are in `language`.
   */
  async send(subject: string, address: string, language: string): Promise<void> {
    const texts = t(language).verification;
    const { db, clock, mailer, log } = this.deps;
    if (!mailer)
      throw new UserError(
        said((v) => v.unavailable),
        409,
        'codes_unavailable',
      );
    const email = normaliseEmail(address);
    const now = clock.now();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = randomUUID();
    const codeHash = await hashCode(id, code);
    await db.$transaction(async (tx) => {
      // One address at a time, on every instance: the hourly count cannot be raced past.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`relevo-code:${email}`}))`;
      const recent = await tx.verificationCode.count({
        where: { email, createdAt: { gt: new Date(now.getTime() - 3_600_000) } },
      });
      if (recent >= CODES_PER_ADDRESS_PER_HOUR) {
        log.info({ subject }, 'verification code refused: too many for this address this hour');
        throw new UserError(
          said((v) => v.tooManyCodes),
          429,
          'too_many_codes',
        );
      }
      await tx.verificationCode.updateMany({ where: { subject, usedAt: null }, data: { usedAt: now } });
      await tx.verificationCode.create({
        data: {
          id,
          subject,
          email,
          codeHash,
          createdAt: now,
          expiresAt: new Date(now.getTime() + CODE_TTL_MINUTES * 60_000),
        },
      });
    });
    try {
      await mailer.send({
        to: email,
        subject: texts.mailSubject,
        text: texts.mailBody(code, t(language).duration(CODE_TTL_MINUTES)),
      });
    } catch (err) {
      // Not counted against the address: the person may simply ask again.
      await db.verificationCode.delete({ where: { id } });
      log.error({ subject, err: (err as Error).message }, 'verification code could not be mailed');
      throw new UserError(
        said((v) => v.notSent),
        503,
        'code_not_sent',
      );
    }
    log.info({ subject }, 'verification code mailed');
  }

  /**
   * Checks a typed code against the subject's live one. Every check counts as an attempt (committed
   * even when it fails); a right code is returned unconsumed: `consume` it in the transaction that
   * acts on it, so it is spent exactly when the change commits.
   */
  async check(subject: string, typed: string): Promise<{ id: string; email: string }> {
    const { db, clock, log } = this.deps;
    const code = typed.replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(code))
      throw new UserError(
        said((v) => v.format),
        400,
        'invalid_code',
      );
    const now = clock.now();
    const live = await db.verificationCode.findFirst({
      where: { subject, usedAt: null, expiresAt: { gt: now } },
      orderBy: { createdAt: 'desc' },
    });
    if (!live)
      throw new UserError(
        said((v) => v.none),
        400,
        'no_code',
      );
    // Count the attempt first, atomically: concurrent guesses cannot exceed the limit.
    const counted = await db.verificationCode.updateMany({
      where: { id: live.id, usedAt: null, attempts: { lt: CODE_MAX_ATTEMPTS } },
      data: { attempts: { increment: 1 } },
    });
    if (counted.count === 0) {
      await db.verificationCode.updateMany({ where: { id: live.id, usedAt: null }, data: { usedAt: now } });
      throw new UserError(
        said((v) => v.tooManyAttempts),
        429,
        'too_many_attempts',
      );
    }
    const expected = Buffer.from(live.codeHash, 'hex');
    const given = Buffer.from(await hashCode(live.id, code), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      const left = CODE_MAX_ATTEMPTS - (live.attempts + 1);
      log.info({ subject, left }, 'wrong verification code');
      if (left <= 0) {
        await db.verificationCode.updateMany({ where: { id: live.id, usedAt: null }, data: { usedAt: now } });
        throw new UserError(
          said((v) => v.tooManyAttempts),
          429,
          'too_many_attempts',
        );
      }
      throw new UserError(
        said((v) => v.wrong(left)),
        400,
        'wrong_code',
      );
    }
    return { id: live.id, email: live.email };
  }

  /** Spends a checked code inside the caller's transaction; a second use finds it spent. */
  async consume(tx: Tx, id: string): Promise<void> {
    const spent = await tx.verificationCode.updateMany({
      where: { id, usedAt: null },
      data: { usedAt: this.deps.clock.now() },
    });
    if (spent.count !== 1)
      throw new UserError(
        said((v) => v.none),
        400,
        'no_code',
      );
  }

  /** Forgets codes that expired; safe on every instance at once. */
  async sweep(): Promise<number> {
    const { count } = await this.deps.db.verificationCode.deleteMany({
      where: { expiresAt: { lt: this.deps.clock.now() } },
    });
    return count;
  }
}
