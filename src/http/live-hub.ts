// In-process fan-out of live updates to open pages (Server-Sent Events). Channels are strings such as
// "support/<session>" or "agents". One instance serves the pages connected to it.
export type LiveListener = (event: string, data: unknown) => void;

export class LiveHub {
  private readonly listeners = new Map<string, Set<LiveListener>>();

  subscribe(channel: string, listener: LiveListener): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(channel);
    };
  }

  publish(channel: string, event: string, data: unknown): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, data);
  }

  get connections(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
