// The IMAP source against a real Dovecot: existing mail is stored in UID order and only then moved, new mail
// arrives through IDLE (or the periodic pass), a message that fails to store stays and is retried, a message
// stored but not moved is offered again (and the real store deduplicates it), and a restarted server is
// reconnected to, with one log line per outage.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IngressGate } from '../../src/core/ingress.ts';
import type { Logger } from '../../src/core/ports.ts';
import { openDatabase } from '../../src/db/index.ts';
import { acceptEmail } from '../../src/email/accept.ts';
import { Lease } from '../../src/jobs/lease.ts';
import { plainMessage } from '../../test/fixtures/email/plain-message.ts';
import { type Dovecot, startDovecot } from '../../test/harness/email/dovecot.ts';
import { type ImapSource, parseImapUrl, startImapSource } from './imap-source.ts';

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function captureLogger(
  lines: LogLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & {
  lines: LogLine[];
} {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      if (typeof obj === 'string') lines.push({ level, obj: { ...bindings }, msg: obj });
      else lines.push({ level, obj: { ...bindings, ...(obj as Record<string, unknown>) }, msg: msg ?? '' });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (b) => captureLogger(lines, { ...bindings, ...b }),
  };
}

const rawMessage = (subject: string, body = `Body of ${subject}.`) => plainMessage(subject, body);

const subjectOf = (raw: Buffer) => /^Subject: (.*)\r$/m.exec(raw.toString())?.[1];

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function imapUrl(dv: Dovecot, mailbox: string, password = dv.password): string {
  return `imap://${encodeURIComponent(dv.user)}:${encodeURIComponent(password)}@${dv.host}:${dv.port}/${mailbox
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
}

describe('parseImapUrl', () => {
  it('reads host, port, TLS, decoded credentials and the mailbox levels', () => {
    expect(parseImapUrl('imaps://support%40acme.com:p%3As%2Fw%40rd@mail.acme.com/')).toEqual({
      host: 'mail.acme.com',
      port: 993,
      secure: true,
      user: 'support@acme.com',
      password: 'p:s/w@rd',
      mailbox: ['INBOX'],
      display: 'imaps://mail.acme.com:993/INBOX',
    });
    expect(parseImapUrl('imap://u:p@[::1]:1143/Support/Inbound%20mail')).toMatchObject({
      host: '::1',
      port: 1143,
      secure: false,
      mailbox: ['Support', 'Inbound mail'],
      display: 'imap://[::1]:1143/Support/Inbound mail',
    });
    expect(parseImapUrl('imap://u:p@localhost').port).toBe(143);
  });

  it.each([
    ['http://u:secret-pw@host/INBOX', /unsupported scheme/],
    ['imap://host/INBOX', /no user name/],
    ['imap://user@host/INBOX', /no password/],
    ['imap://user:secret-pw%zz@host/INBOX', /password is not correctly URL-encoded/],
    ['not a url secret-pw', /not a valid URL/],
  ])('refuses %s with an error naming RELEVO_IMAP_URL, never the password', (url, why) => {
    let err: Error | undefined;
    try {
      parseImapUrl(url);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/^RELEVO_IMAP_URL: /);
    expect(err?.message).toMatch(why);
    expect(err?.message).not.toContain('secret-pw');
  });
});

describe('IMAP source against Dovecot', () => {
  let dv: Dovecot;
  const sources: ImapSource[] = [];
  const logs = captureLogger();
  const start = async (
    mailbox: string,
    doneFolder: string,
    accept: (raw: Buffer) => Promise<void>,
    extra: { pollMs?: number; idle?: boolean } = {},
  ) => {
    const s = await startImapSource({
      url: imapUrl(dv, mailbox),
      doneFolder,
      accept,
      log: logs,
      pollMs: extra.pollMs ?? 3_600_000,
      idle: extra.idle,
    });
    sources.push(s);
    return s;
  };

  beforeAll(async () => {
    dv = await startDovecot();
  });
  afterAll(async () => {
    for (const s of sources) await s.close();
    await dv?.stop();
    // Nothing anywhere in the logs carries the password.
    expect(JSON.stringify(logs.lines)).not.toContain(dv.password);
  });

  it('stores existing messages oldest first, moving them (in groups) to the nested done folder only once stored', async () => {
    const subjects = Array.from({ length: 60 }, (_, i) => `existing ${i + 1}`);
    const appended: Buffer[] = [];
    for (const s of subjects) {
      const raw = rawMessage(s);
      appended.push(raw);
      await dv.append('Existing', raw);
    }
    const accepted: Buffer[] = [];
    let movedEarly = false;
    const source = await start('Existing', 'Relevo/Done1', async (raw) => {
      // Nothing is moved before it is stored: the message being stored is still in the mailbox.
      const inMailbox = (await dv.list('Existing')).some((m) => m.raw.equals(raw));
      if (!inMailbox) movedEarly = true;
      accepted.push(raw);
    });
    await source.sync();
    expect(movedEarly).toBe(false);
    expect(accepted.map(subjectOf)).toEqual(subjects);
    expect(accepted).toEqual(appended);
    expect(await dv.list('Existing')).toEqual([]);
    // Dovecot's maildir hierarchy delimiter is '.': the '/' in the setting names the same two levels.
    const done = await dv.list('Relevo.Done1');
    expect(done.map((m) => m.raw)).toEqual(appended);
  });

  it('takes a message appended while connected through IDLE, without polling', async () => {
    await dv.append('Idle', rawMessage('before idle'));
    const accepted: string[] = [];
    const source = await start('Idle', 'Done2', async (raw) => {
      accepted.push(subjectOf(raw)!);
    });
    await until('the first pass', () => accepted.length === 1);
    await until('IDLE', () => source.idling);
    const t0 = performance.now();
    await dv.append('Idle', rawMessage('during idle'));
    await until('the message pushed by IDLE', () => accepted.length === 2, 5_000);
    console.log(`IDLE: appended → accepted in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(accepted).toEqual(['before idle', 'during idle']);
    await until('the move', async () => (await dv.list('Idle')).length === 0);
    expect((await dv.list('Done2')).length).toBe(2);
  });

  it('without IDLE, the periodic pass picks new mail up', async () => {
    await dv.append('Polled', rawMessage('polled 1'));
    const accepted: string[] = [];
    const source = await start(
      'Polled',
      'Done3',
      async (raw) => {
        accepted.push(subjectOf(raw)!);
      },
      { idle: false, pollMs: 300 },
    );
    await until('the first pass', () => accepted.length === 1);
    // Append once the first pass has moved its message (its last step), so that only a later,
    // periodic pass can find the new one.
    await until('the first move', async () => (await dv.list('Polled')).length === 0);
    await dv.append('Polled', rawMessage('polled 2'));
    await until('the polled message', () => accepted.length === 2, 10_000);
    expect(source.idling).toBe(false);
    await until('the move', async () => (await dv.list('Polled')).length === 0);
    expect(accepted).toEqual(['polled 1', 'polled 2']);
  });

  it('a message that fails to store stays in the mailbox, the others move, and the next pass retries it', async () => {
    for (const s of ['ok a', 'fails once', 'ok b']) {
      await dv.append('Failing', rawMessage(s, s === 'fails once' ? 'SECRET-BODY-TEXT' : 'fine'));
    }
    const calls: string[] = [];
    let failed = false;
    const source = await start('Failing', 'Done4', async (raw) => {
      const subject = subjectOf(raw)!;
      calls.push(subject);
      if (subject === 'fails once' && !failed) {
        failed = true;
        throw new Error('database is busy');
      }
    });
    await until('the first pass', () => calls.length === 3);
    await source.sync(); // waits for the pass in flight (and runs one more: the retry)
    expect(calls).toEqual(['ok a', 'fails once', 'ok b', 'fails once']);
    expect(await dv.list('Failing')).toEqual([]);
    expect((await dv.list('Done4')).map((m) => subjectOf(m.raw))).toEqual(['ok a', 'ok b', 'fails once']);

    const warn = logs.lines.find((l) => l.level === 'warn' && /could not store a message/.test(l.msg));
    expect(warn?.obj).toMatchObject({
      uid: 2,
      err: 'database is busy',
      imap: expect.stringMatching(/Failing$/),
    });
    expect(JSON.stringify(logs.lines)).not.toContain('SECRET-BODY-TEXT');
  });

  it('stopped after storing but before moving: a restarted source offers the message again; the store keeps one', async () => {
    const db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
    try {
      const raw = rawMessage('stored then crashed');
      await dv.append('Crash', raw);
      const results: boolean[] = [];
      const offered: Buffer[] = [];
      // The first process stores the message, then dies before its move (here: the accept call never
      // reports success, so the source cannot move it — exactly what a crash at that point leaves behind).
      const first = await start('Crash', 'Done5', async (bytes) => {
        offered.push(bytes);
        results.push(await acceptEmail(db.prisma, bytes, 'imap', new IngressGate()));
        throw new Error('process killed before the move');
      });
      await until('the first offer', () => results.length === 1);
      await first.close();
      expect((await dv.list('Crash')).map((m) => m.raw)).toEqual([raw]);

      // The restarted process reads the same message again and stores it through the real store.
      const second = await start('Crash', 'Done5', async (bytes) => {
        offered.push(bytes);
        results.push(await acceptEmail(db.prisma, bytes, 'imap', new IngressGate()));
      });
      await until('the second offer', () => results.length === 2);
      await second.sync();
      expect(offered).toEqual([raw, raw]);
      expect(results).toEqual([true, false]);
      expect(await db.prisma.inboundEvent.count()).toBe(1);
      expect(await dv.list('Crash')).toEqual([]);
      expect((await dv.list('Done5')).map((m) => m.raw)).toEqual([raw]);
    } finally {
      await db.close();
    }
  });

  it('two instances reading one mailbox: one reads at a time (a lease), each message is fetched, stored and moved once', async () => {
    const db = await openDatabase({ dataDir: 'memory://', pgliteSnapshot: inject('pgliteSnapshot') });
    try {
      const appended = Array.from({ length: 20 }, (_, i) => rawMessage(`shared ${i + 1}`));
      for (const raw of appended) await dv.append('Shared', raw);
      const stores: boolean[] = [];
      // Both passes overlap for sure: a reader's first message waits until the other reader has fetched
      // too, or has finished its pass without reading (it did not hold the lease).
      const fetched = [false, false];
      const finished = [false, false];
      const accept = (k: number) => async (bytes: Buffer) => {
        fetched[k] = true;
        await until('the other reader', () => fetched[1 - k] === true || finished[1 - k] === true, 30_000);
        stores.push(await acceptEmail(db.prisma, bytes, 'imap', new IngressGate()));
      };
      const leases = [new Lease(db.prisma, 'imap:shared'), new Lease(db.prisma, 'imap:shared')];
      const [one, two] = await Promise.all(
        leases.map((lease, k) =>
          startImapSource({
            url: imapUrl(dv, 'Shared'),
            doneFolder: 'Done7',
            accept: accept(k),
            log: logs,
            pollMs: 3_600_000,
            mayRead: () => lease.hold(),
          }),
        ),
      );
      sources.push(one as ImapSource, two as ImapSource);
      await Promise.all(
        [one, two].map(async (source, k) => {
          await source?.sync();
          finished[k] = true;
        }),
      );
      // Only one reader fetched and stored them: the other skipped its pass.
      expect(stores).toEqual(appended.map(() => true));
      expect(await db.prisma.inboundEvent.count()).toBe(20);
      expect(await dv.list('Shared')).toEqual([]);
      expect((await dv.list('Done7')).map((m) => m.raw)).toEqual(appended);

      // The holder stops and gives the lease up: the other instance reads the next message at once.
      const holder = (await db.prisma.lease.findUniqueOrThrow({ where: { name: 'imap:shared' } })).holder;
      const [held, other] = leases[0]?.holder === holder ? [0, 1] : [1, 0];
      await [one, two][held]?.close();
      await leases[held]?.release();
      const later = rawMessage('shared after the handover');
      await dv.append('Shared', later);
      await [one, two][other]?.sync();
      expect(await db.prisma.inboundEvent.count()).toBe(21);
      expect((await dv.list('Done7')).map((m) => m.raw)).toEqual([...appended, later]);
    } finally {
      await db.close();
    }
  });

  it('close() lets the message being stored finish and move, leaves the rest, and logs out', async () => {
    for (let i = 1; i <= 4; i++) await dv.append('Closing', rawMessage(`closing ${i}`));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const calls: string[] = [];
    const source = await start('Closing', 'Done6', async (raw) => {
      calls.push(subjectOf(raw)!);
      await gate;
    });
    await until('the first accept', () => calls.length === 1);
    let closed = false;
    const closing = source.close().then(() => {
      closed = true;
    });
    await sleep(200);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(source.connected).toBe(false);
    expect(calls).toEqual(['closing 1']);
    expect((await dv.list('Done6')).map((m) => subjectOf(m.raw))).toEqual(['closing 1']);
    expect((await dv.list('Closing')).map((m) => subjectOf(m.raw))).toEqual([
      'closing 2',
      'closing 3',
      'closing 4',
    ]);
  });

  it('refuses to start with a wrong password or a missing mailbox, naming RELEVO_IMAP_URL', async () => {
    const base = { doneFolder: 'Done7', accept: async () => {}, log: logs };
    const badPassword = startImapSource({ ...base, url: imapUrl(dv, 'INBOX', 'wrong-secret-pw') });
    await expect(badPassword).rejects.toThrow(/^RELEVO_IMAP_URL: the IMAP server refused the login/);
    await badPassword.catch((err: Error) => expect(err.message).not.toContain('wrong-secret-pw'));
    await expect(startImapSource({ ...base, url: imapUrl(dv, 'No/Such/Box') })).rejects.toThrow(
      /^RELEVO_IMAP_URL: the mailbox "No\/Such\/Box" does not exist/,
    );
    await expect(startImapSource({ ...base, url: imapUrl(dv, 'Done7') })).rejects.toThrow(
      /RELEVO_IMAP_DONE_FOLDER/,
    );
  });
});

// The harness has no restart: stop the master by its pid file and start it again from the same config,
// so the port, users and mail stay as they were. A stopped master leaves logged-in imap processes serving
// their connections (they are re-parented to init), so those are ended too: the server really goes away.
// It stays away until `whileDown` resolves.
async function restartDovecot(dv: Dovecot, whileDown: () => Promise<void>): Promise<void> {
  const pidFile = path.join(dv.dir, 'run', 'master.pid');
  const pid = Number.parseInt(await readFile(pidFile, 'utf8'), 10);
  const children = childrenOf(pid);
  process.kill(pid, 'SIGTERM');
  for (const child of children) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {}
  }
  await until('dovecot to stop', () => !alive(pid), 10_000);
  await whileDown();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.env.RELEVO_DOVECOT_BIN ?? '/usr/sbin/dovecot', [
      '-c',
      path.join(dv.dir, 'dovecot.conf'),
    ]);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot exited ${code}`))));
  });
  await until('dovecot to greet again', () => greets(dv.port), 10_000);
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(entry));
    } catch {}
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setTimeout(1_000, () => sock.destroy());
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().startsWith('* OK'));
    });
    sock.on('error', () => resolve(false));
    sock.on('close', () => resolve(false));
  });
}

describe('IMAP source across a server restart', () => {
  let dv: Dovecot;
  beforeAll(async () => {
    dv = await startDovecot();
  });
  afterAll(async () => {
    // stop() signals the pid it started with; the restarted master has its own.
    const pid = Number.parseInt(
      await readFile(path.join(dv.dir, 'run', 'master.pid'), 'utf8').catch(() => ''),
      10,
    );
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGTERM');
      await until('the restarted dovecot to stop', () => !alive(pid), 10_000).catch(() => {});
    }
    await dv?.stop();
  });

  it('reconnects after Dovecot stops and starts again on the same port, logging the outage once', async () => {
    const logs = captureLogger();
    const accepted: string[] = [];
    await dv.append('INBOX', rawMessage('before restart'));
    const source = await startImapSource({
      url: imapUrl(dv, 'INBOX'),
      doneFolder: 'Relevo/Processed',
      accept: async (raw) => {
        accepted.push(subjectOf(raw)!);
      },
      log: logs,
      pollMs: 3_600_000,
      reconnectDelayMs: { min: 50, max: 200 },
    });
    try {
      await until('the first message', () => accepted.length === 1);
      await until('IDLE', () => source.idling);

      const failedAttempts = () => logs.lines.filter((l) => /reconnect attempt failed/.test(l.msg));
      const t0 = performance.now();
      // Down until the source has failed to reconnect twice, rather than for a time that should do.
      await restartDovecot(dv, () =>
        until('two failed reconnect attempts', () => failedAttempts().length >= 2, 10_000),
      );
      const downFor = performance.now() - t0;
      await until('the reconnection', () => source.connected, 10_000);
      console.log(
        `Dovecot restart took ${downFor.toFixed(0)} ms; reconnected ${(performance.now() - t0).toFixed(0)} ms after it began`,
      );
      await dv.append('INBOX', rawMessage('after restart'));
      await until('the message after the restart', () => accepted.length === 2, 5_000);
      expect(accepted).toEqual(['before restart', 'after restart']);
      await until('the move', async () => (await dv.list('INBOX')).length === 0);

      const lost = logs.lines.filter((l) => /connection lost/.test(l.msg));
      const back = logs.lines.filter((l) => /reconnected/.test(l.msg));
      const attempts = failedAttempts();
      expect(lost).toHaveLength(1);
      expect(lost[0]!.level).toBe('warn');
      expect(back).toHaveLength(1);
      expect(back[0]!.level).toBe('info');
      // Several attempts failed while the server was down, each only at debug level.
      expect(attempts.length).toBeGreaterThan(1);
      expect(attempts.every((l) => l.level === 'debug')).toBe(true);
      expect(back[0]!.obj.attempts).toBe(attempts.length + 1);
    } finally {
      await source.close();
    }
  });
});
