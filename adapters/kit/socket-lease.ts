// One instance holds a platform's socket (Slack Socket Mode, the Mattermost WebSocket, the Discord
// gateway): with several instances on one database, every event would otherwise arrive several times
// and each instance would answer Socket Mode's envelopes. The holder renews a lease; when it stops or
// dies, the lease runs out and a standby instance connects instead (fail-over). Events are stored by
// their platform key, so even the brief overlap of a take-over processes nothing twice.
import { createHash } from 'node:crypto';
import type { Logger } from '../../src/core/ports.ts';
import type { Db } from '../../src/db/index.ts';
import { Lease } from '../../src/jobs/lease.ts';

/** How often the holder renews its lease and a standby asks, by default. */
const RENEW_MS = 10_000;

/**
 * The lease a platform's socket is held under, named by `kind` and a hash of what identifies the
 * connection (a token, a server's address): the same on every instance, known without asking the
 * platform, and never the secret itself. It lives three renewals, so one missed renewal loses nothing.
 *
 * @example socketLeaseFor(db, 'discord-gateway', botToken, renewMs)
 */
export function socketLeaseFor(db: Db, kind: string, identity: string, renewMs = RENEW_MS): Lease {
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  return new Lease(db, `${kind}:${hash}`, 3 * renewMs);
}

export interface SocketLeaseOptions {
  lease: Lease;
  /** Opens the socket; a rejection on the first start (a refused token) fails the start. */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  log: Logger;
  /** How often the holder renews and a standby asks (the lease's time to live should be ~3×). */
  renewMs?: number;
}

export class SocketLease {
  private timer?: NodeJS.Timeout;
  private held = false;
  private stopped = false;
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly opts: SocketLeaseOptions) {}

  /** This instance holds the socket (else it is a standby, ready to take over). */
  get holding(): boolean {
    return this.held;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.check(true);
    const every = this.opts.renewMs ?? RENEW_MS;
    this.timer = setInterval(() => {
      this.turn = this.turn.then(() => this.check(false));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.turn;
    if (!this.held) return;
    this.held = false;
    await this.opts.disconnect();
    // Released at once, so a standby need not wait for the lease to run out.
    await this.opts.lease.release().catch((err: unknown) => {
      this.opts.log.warn({ err, lease: this.opts.lease.name }, 'could not release the socket lease');
    });
  }

  private async check(first: boolean): Promise<void> {
    if (this.stopped) return;
    let mine: boolean;
    try {
      mine = await this.opts.lease.hold();
    } catch (err) {
      // The database is out of reach: keep what we have. A double connection meanwhile is harmless
      // (events are stored once by key); a lost one comes back at the next check.
      this.opts.log.warn({ err, lease: this.opts.lease.name }, 'could not renew the socket lease');
      return;
    }
    if (mine && !this.held) {
      this.held = true;
      this.opts.log.info({ lease: this.opts.lease.name }, 'this instance holds the socket now');
      try {
        await this.opts.connect();
      } catch (err) {
        if (first) {
          // The start fails (a refused token): let another instance try without waiting for the lease.
          this.held = false;
          await this.opts.lease.release().catch(() => undefined);
          throw err;
        }
        this.opts.log.error({ err, lease: this.opts.lease.name }, 'could not connect the socket');
      }
    } else if (!mine && this.held) {
      this.held = false;
      this.opts.log.warn({ lease: this.opts.lease.name }, 'another instance took the socket over');
      await this.opts.disconnect();
    } else if (!mine && first) {
      this.opts.log.info({ lease: this.opts.lease.name }, 'another instance holds the socket: standing by');
    }
  }
}
