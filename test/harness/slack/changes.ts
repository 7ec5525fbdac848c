// "Wait until the fake has seen X": the fakes call notify() after every change, and a waiter re-checks.
export class Changes {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly timeoutMessage: (what: string, timeoutMs: number) => string) {}

  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const v = check();
        if (v === undefined) return;
        this.listeners.delete(listener);
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(this.timeoutMessage(what, timeoutMs)));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }
}
