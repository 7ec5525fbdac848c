// The benches' helper processes (load generators, fake platforms) talk to the bench over IPC: the bench
// sends `{ id, ...request }`, the child answers `{ id, value }` or `{ id, error }`, and says `{ ready }`
// once it listens. They run apart so their timers keep time while the server under test is busy, and
// their CPU is not counted against it.
import { type ChildProcess, fork } from 'node:child_process';

/** A forked TypeScript module answering `{ id, value | error }` to each `{ id, ... }` request. */
export class Child {
  private readonly child: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** `file` as a URL, e.g. `new URL('./x-fake.ts', import.meta.url)` from the bench that forks it. */
  constructor(file: URL, execArgv: string[] = []) {
    this.child = fork(file, [], {
      execArgv: ['--import', 'tsx', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve) => {
      this.child.on('message', (m: { ready?: boolean; id?: number; value?: unknown; error?: string }) => {
        if (m.ready) return resolve();
        const w = this.waiting.get(m.id ?? -1);
        if (!w) return;
        this.waiting.delete(m.id!);
        if (m.error) w.reject(new Error(m.error));
        else w.resolve(m.value);
      });
    });
  }

  call<T>(msg: Record<string, unknown>): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...msg, id });
    });
  }

  /** Sends `last` (the child's own goodbye, which disconnects) or disconnects; resolves once it exited. */
  async close(last?: Record<string, unknown>) {
    const exited = new Promise((r) => this.child.once('exit', r));
    if (last) await this.call(last);
    else this.child.disconnect();
    await exited;
  }
}

/**
 * The child's side: answers each request with `handle`'s value or error (its stack with `stack`, for a
 * fake whose failures need finding), then says it is ready.
 */
export function serveParent<R extends { id: number }>(
  handle: (req: R) => Promise<unknown>,
  opts: { stack?: boolean } = {},
): void {
  process.on('message', (req: R) => {
    handle(req).then(
      (value) => process.send?.({ id: req.id, value }),
      (err: unknown) =>
        process.send?.({ id: req.id, error: String(opts.stack ? ((err as Error)?.stack ?? err) : err) }),
    );
  });
  process.send?.({ ready: true });
}
