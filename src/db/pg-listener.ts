// LISTEN needs a connection of its own that stays open: a pooled connection is handed to other queries
// and loses its LISTEN. This one reconnects by itself when PostgreSQL restarts or the network drops.
import pg from 'pg';

export interface Listening {
  /** The LISTEN connection is up (read by /readyz). */
  connected(): boolean;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Told when the connection is lost and when it is back; notifications sent in between are missed. */
  onState?: (state: 'lost' | 'restored', err?: Error) => void;
  /** Delay before reconnecting: doubles from min up to max (default 500 ms → 30 s). */
  retryMs?: { min: number; max: number };
}

export async function listenPostgres(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  options: ListenOptions = {},
): Promise<Listening> {
  const retry = options.retryMs ?? { min: 500, max: 30_000 };
  let client: pg.Client | undefined;
  let up = false;
  let closed = false;
  let delay = retry.min;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    // An error event without a listener would crash the process; a dropped connection is handled below.
    c.on('error', () => {});
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    c.on('end', () => {
      if (client !== c || closed) return;
      up = false;
      options.onState?.('lost');
      schedule();
    });
    try {
      await c.connect();
      // Identifiers cannot be bound as parameters; the channel name is ours, escaped all the same.
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    client = c;
    up = true;
  };

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(async () => {
      timer = undefined;
      try {
        await connect();
        delay = retry.min;
        options.onState?.('restored');
      } catch (err) {
        options.onState?.('lost', err as Error);
        delay = Math.min(delay * 2, retry.max);
        schedule();
      }
    }, delay);
  };

  await connect();
  return {
    connected: () => up,
    close: async () => {
      closed = true;
      up = false;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
