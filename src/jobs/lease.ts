// A lease on work only one instance may do at a time (reading one mailbox). The holder renews it while it
// works; if the holder stops or is killed, the lease runs out and another instance takes the work over.
// The database's clock decides, so instances' clocks need not agree.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/index.ts';

export class Lease {
  /** This process's name as a holder, unique per start. */
  readonly holder = randomUUID();

  constructor(
    private readonly db: Db,
    readonly name: string,
    private readonly ttlMs = 30_000,
  ) {}

  /** Takes the lease if it is free or ours (renewing it); false while another instance holds it. */
  async hold(): Promise<boolean> {
    const rows = await this.db.$queryRaw<{ holder: string }[]>`
      INSERT INTO "Lease" (name, holder, until)
      VALUES (${this.name}, ${this.holder}, now() + make_interval(secs => ${this.ttlMs / 1000}))
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
        WHERE "Lease".holder = excluded.holder OR "Lease".until < now()
      RETURNING holder`;
    return rows.length === 1;
  }

  /** Gives the lease up at once (a clean stop), so another instance need not wait for it to run out. */
  async release(): Promise<void> {
    await this.db.$executeRaw`DELETE FROM "Lease" WHERE name = ${this.name} AND holder = ${this.holder}`;
  }
}
