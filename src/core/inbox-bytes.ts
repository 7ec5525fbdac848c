// Raw bytes (an email's source) this process stored in the inbox moments ago, kept in memory until its
// inbox worker takes them, so they are not read back out of the database they were just written to:
// with the embedded database that read (base64 out of WebAssembly) cost ~3 ms for a 50 KB email, a tenth
// of the message's whole processing. Bounded by bytes, oldest dropped first; an event whose bytes are
// not here (another instance stored it, a restart, a retry) reads them from its row as before.

export class RecentInboxBytes {
  private readonly kept = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** Call only once the event holding these bytes has committed under `key`. */
  keep(key: string, blob: Buffer): void {
    if (blob.length > this.maxBytes) return;
    this.take(key);
    this.kept.set(key, blob);
    this.bytes += blob.length;
    for (const [oldest, old] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(oldest);
      this.bytes -= old.length;
    }
  }

  has(key: string): boolean {
    return this.kept.has(key);
  }

  take(key: string): Buffer | undefined {
    const blob = this.kept.get(key);
    if (blob) {
      this.kept.delete(key);
      this.bytes -= blob.length;
    }
    return blob;
  }
}
