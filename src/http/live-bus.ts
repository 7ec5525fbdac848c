// Live updates between instances. A change is announced with the database's NOTIFY — inside the
// transaction that makes it when there is one, so it arrives only once committed — and every instance
// (this one included) hears it through LISTEN and tells the pages connected to it. One path on PGlite and
// PostgreSQL: a page on instance B sees what a customer posted through instance A.
import type { Logger } from '../core/ports.ts';
import type { Database, Db, Tx } from '../db/index.ts';
import type { Listening } from '../db/pg-listener.ts';

const CHANNEL = 'relevo_live';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_SIGNAL_BYTES = 7900;

export type SignalData = Record<string, string | number>;
type Handler = (data: SignalData) => void | Promise<void>;

export class LiveBus {
  private readonly handlers = new Map<string, Handler>();
  private listening?: Listening;
  /** Handlers run one after another, so pages get updates in the order they were committed. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Pick<Database, 'prisma' | 'listen'>,
    private readonly log: Logger,
  ) {}

  /** What to do when `topic` is signalled, here or on another instance. */
  on(topic: string, handler: Handler): void {
    this.handlers.set(topic, handler);
  }

  async start(): Promise<void> {
    this.listening = await this.db.listen(CHANNEL, (payload) => this.received(payload), {
      onState: (state, err) =>
        state === 'lost'
          ? this.log.warn({ err }, 'live updates: lost the LISTEN connection; reconnecting')
          : this.log.info('live updates: LISTEN connection restored'),
    });
  }

  /**
   * Announces a change; with `tx`, only if and when that transaction commits. Data over NOTIFY's size limit
   * is replaced by `smaller` (say, an id to read the rest back by); without it, that is an error.
   */
  async signal(topic: string, data: SignalData, tx?: Tx | Db, smaller?: SignalData): Promise<void> {
    let payload = JSON.stringify({ topic, data });
    if (Buffer.byteLength(payload) > MAX_SIGNAL_BYTES && smaller)
      payload = JSON.stringify({ topic, data: smaller });
    await this.send(topic, [payload], tx);
  }

  /** Several changes of one topic (tickets opened together), announced in one statement. */
  async signalAll(topic: string, data: readonly SignalData[], tx?: Tx | Db): Promise<void> {
    await this.send(
      topic,
      data.map((d) => JSON.stringify({ topic, data: d })),
      tx,
    );
  }

  private async send(topic: string, payloads: string[], tx?: Tx | Db) {
    if (payloads.some((p) => Buffer.byteLength(p) > MAX_SIGNAL_BYTES)) {
      throw new Error(`live signal "${topic}" is too large`);
    }
    if (!payloads.length) return;
    await (tx ?? this.db.prisma).$executeRaw`
      SELECT pg_notify(${CHANNEL}, p) FROM unnest(${payloads}::text[]) WITH ORDINALITY AS u(p, i) ORDER BY i`;
  }

  connected(): boolean {
    return this.listening?.connected() ?? false;
  }

  async stop(): Promise<void> {
    await this.listening?.close();
    this.listening = undefined;
    await this.queue;
  }

  private received(payload: string) {
    let parsed: { topic?: unknown; data?: unknown };
    try {
      parsed = JSON.parse(payload);
    } catch {
      this.log.warn('live updates: ignored a notification that is not JSON');
      return;
    }
    const handler = typeof parsed.topic === 'string' ? this.handlers.get(parsed.topic) : undefined;
    if (!handler || typeof parsed.data !== 'object' || parsed.data === null) return;
    const data = parsed.data as SignalData;
    this.queue = this.queue
      .then(() => handler(data))
      .catch((err: unknown) => this.log.error({ err, topic: parsed.topic }, 'live update failed'));
  }
}
