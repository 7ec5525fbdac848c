// A Relevo started beside a chat platform's fake server: the fake stopped with it when the harness made it,
// and `handled(id)` to wait until a message that arrived over the platform's socket is stored and processed.
import { startTestApp, type TestApp } from './app.ts';
import { eventually } from './http.ts';

export interface PlatformTestApp<F> {
  t: TestApp;
  fake: F;
  /** Waits until Relevo has stored and processed the platform's message `id` (it arrives over a socket). */
  handled(id: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startPlatformApp<F extends { stop(): Promise<void> }>(o: {
  fake: F;
  /** The harness started the fake: it stops with Relevo, or when Relevo fails to start. */
  ownsFake: boolean;
  app: Parameters<typeof startTestApp>[0];
  /** Once Relevo listens: whatever the platform needs, then waiting until it is connected. */
  ready?: (t: TestApp) => Promise<void>;
  /** The inbox key Relevo stores one of the platform's messages under. */
  inboxKey: (id: string) => string;
}): Promise<PlatformTestApp<F>> {
  const { fake, ownsFake } = o;
  let t: TestApp;
  try {
    t = await startTestApp(o.app);
  } catch (err) {
    if (ownsFake) await fake.stop();
    throw err;
  }
  await o.ready?.(t);
  const db = t.app.db.prisma;
  return {
    t,
    fake,
    async handled(id) {
      await eventually(
        async () =>
          (await db.inboundEvent.findUnique({ where: { key: o.inboxKey(id) } }))?.processedAt ?? undefined,
        `Relevo to store and process ${o.inboxKey(id)}`,
        20_000,
      );
      await t.app.settle();
    },
    async stop() {
      await t.stop();
      if (ownsFake) await fake.stop();
    },
  };
}
