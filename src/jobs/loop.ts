// Runs a task now and again: on a timer, and at once when poked (after a commit that wrote work).
// Never two runs of the same task at once in this process; stop() waits for the current run.
import type { Logger } from '../core/ports.ts';

export class TaskLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
    this.poke();
  }

  /** Asks for a run as soon as possible; runs requested during a run collapse into one more. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Started on the next turn, so the request that poked us sends its answer first.
    this.running = new Promise((r) => setImmediate(r))
      .then(() => this.runOnce())
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Resolves when the run in progress (and any requested follow-up) has finished. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
  }

  private schedule() {
    this.timer = setInterval(() => this.poke(), this.intervalMs);
    this.timer.unref();
  }

  private async runOnce() {
    try {
      await this.task();
    } catch (err) {
      this.log.error({ err, task: this.name }, 'background task failed');
    }
  }
}
