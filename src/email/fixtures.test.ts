// Every fixture in test/fixtures/email read end to end and compared with its declared expectation.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EXPECTATIONS,
  FIXTURE_DIR,
  fixturePath,
  OWN_ADDRESSES,
} from '../../test/fixtures/email/expectations.ts';
import { readForward } from './forward.ts';
import { inspectEmail } from './inspect.ts';
import { autoReplyVerdict } from './loop-guard.ts';
import { parseEmail } from './parse.ts';
import { ticketNumberInSubject } from './reference.ts';
import { visibleText } from './visible-text.ts';

const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.eml'));

describe('fixture corpus', () => {
  it('declares an expectation for every .eml file and a file for every expectation', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTATIONS).sort());
  });

  it('lists every fixture in README.md', () => {
    const readme = readFileSync(fixturePath('README.md'), 'utf8');
    for (const file of files) expect(readme).toContain(`\`${file}\``);
  });
});

describe.each(Object.entries(EXPECTATIONS))('%s', (file, want) => {
  const load = () => parseEmail(readFileSync(fixturePath(file)));

  it('reads sender, subject, Message-ID and ticket token', async () => {
    const email = await load();
    expect(email.from?.address ?? null).toBe(want.sender);
    expect(email.from?.name ?? null).toBe(want.senderName);
    expect(email.subject).toBe(want.subject);
    expect(email.messageId).toBe(want.messageId);
    expect(email.dedupeKey).toEqual(want.messageId ?? expect.stringMatching(/^sha256:[0-9a-f]{64}$/));
    expect(ticketNumberInSubject(email.subject)).toBe(want.ticket);
  });

  it('keeps only what the sender wrote this time', async () => {
    const shown = visibleText((await load()).text);
    expect(shown.visible).toBe(want.visible);
    expect(shown.quotedHistory).toBe(want.quotedHistory);
    expect(shown.signature).toBe(want.signature);
  });

  it(want.forward ? `is a forward of ${want.forward.from}` : 'is not a forward', async () => {
    const forward = readForward(await load());
    if (!want.forward) {
      expect(forward).toBeNull();
      return;
    }
    expect(forward).not.toBeNull();
    expect(forward?.originalFrom).toEqual({ address: want.forward.from, name: want.forward.name });
    expect(forward?.originalSubject).toBe(want.forward.subject);
    expect(forward?.originalDate).toBe(want.forward.date);
    expect(forward?.forwarderNote).toBe(want.forward.note);
    expect(forward?.originalBody.split('\n')[0]).toBe(want.forward.bodyStart);
  });

  it(want.loop ? `refuses an auto-reply (${want.loop})` : 'allows an auto-reply', async () => {
    const verdict = autoReplyVerdict(await load(), { ownAddresses: OWN_ADDRESSES });
    expect(verdict).toEqual(want.loop ? { allowed: false, reason: want.loop } : { allowed: true });
  });

  it('lists its attachments with clean names', async () => {
    const email = await load();
    const got = email.attachments.map(({ filename, contentType, size, inline }) => ({
      filename,
      contentType,
      size,
      inline,
    }));
    expect(got).toEqual(want.attachments ?? []);
    for (const a of email.attachments) expect(a.filename).not.toMatch(/[/\\\r\n]/);
  });

  it('inspects to plain JSON without attachment bytes', async () => {
    const report = await inspectEmail(readFileSync(fixturePath(file)), { ownAddresses: OWN_ADDRESSES });
    const json = JSON.stringify(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json).not.toContain('"content"');
    expect(report.visibleText).toBe(want.visible);
    expect(report.forwarded?.originalSender.address ?? null).toBe(want.forward?.from ?? null);
    expect(report.loopGuard).toEqual({ autoReplyAllowed: want.loop === null, reason: want.loop });
  });
});
