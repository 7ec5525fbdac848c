// Tiny HTTP clients for tests: a customer with a cookie jar, and an agent with the API token.
export class Client {
  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** The same person (same cookies) talking to another instance. */
  at(base: string): Client {
    return new Client(base, this.headers, this.cookies);
  }

  /** The Cookie header this client sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, body?: unknown) {
    const res = await fetch(this.base + path, {
      method,
      headers: {
        ...this.headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        cookie: this.cookieHeader(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, v] = (pair ?? '').split('=');
      if (k) this.cookies.set(k, v ?? '');
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }
  /** The value of a cookie the server set (e.g. a session token, to replay it later). */
  cookie(name: string): string | undefined {
    return this.cookies.get(name) || undefined;
  }

  /** A client that sends this cookie, as an old browser tab or a stolen cookie would. */
  withCookie(name: string, value: string): Client {
    const other = new Client(this.base, this.headers);
    other.cookies.set(name, value);
    return other;
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown = {}) => this.request('POST', path, body);
}

export const agentClient = (base: string, token: string, agent?: string) =>
  new Client(base, { authorization: `Bearer ${token}`, ...(agent ? { 'x-relevo-agent': agent } : {}) });

/** Polls until fn returns a truthy value (no fixed sleeps in tests). */
export async function eventually<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An HTTP status's class — "2xx", "4xx", "5xx" — for assertions about what kind of answer came back. */
export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;
