import { describe, expect, it } from 'vitest';
import { type AgentAuthInput, authenticateAgent } from './agent-auth.ts';
import { parseEmail } from './parse.ts';
import { newReplyToken, type ReplyTokenRow, tokenMessageId, tokensReferenced } from './reply-token.ts';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz';
const row = (over: Partial<ReplyTokenRow> = {}): ReplyTokenRow => ({
  token: TOKEN,
  agentId: 'ana',
  ticketNumber: 5,
  outboxKey: 'outbox:1',
  sentAt: new Date('2026-03-02T09:00:00Z'),
  revokedAt: null,
  createdAt: new Date('2026-03-02T09:00:00Z'),
  ...over,
});

async function input(headers: string[], over: Partial<AgentAuthInput> = {}): Promise<AgentAuthInput> {
  const email = await parseEmail(
    [...headers, 'To: soporte@acme.example', 'Subject: Re: x [#5]', '', 'Hola'].join('\r\n'),
  );
  return {
    email,
    agentId: 'ana',
    ticketNumber: 5,
    tokens: [],
    trustedAuthservIds: ['mx.support.test'],
    ...over,
  };
}

const FROM_ANA = 'From: Ana <ana@support.test>';
const DMARC_PASS = 'Authentication-Results: mx.support.test; dmarc=pass header.from=support.test';

describe('authenticateAgent', () => {
  it('a reply token of this agent for this ticket authenticates', async () => {
    expect(authenticateAgent(await input([FROM_ANA], { tokens: [row()] }))).toEqual({
      via: 'token',
      token: TOKEN,
    });
  });

  it('a token of another agent, of another ticket, revoked, or with no ticket at all does not', async () => {
    expect(authenticateAgent(await input([FROM_ANA], { tokens: [row({ agentId: 'dora' })] }))).toBeNull();
    expect(authenticateAgent(await input([FROM_ANA], { tokens: [row({ ticketNumber: 6 })] }))).toBeNull();
    expect(
      authenticateAgent(await input([FROM_ANA], { tokens: [row({ revokedAt: new Date() })] })),
    ).toBeNull();
    expect(authenticateAgent(await input([FROM_ANA], { tokens: [row()], ticketNumber: null }))).toBeNull();
  });

  it('the trusted server’s DMARC pass for the From domain authenticates; nothing at all does not', async () => {
    expect(authenticateAgent(await input([DMARC_PASS, FROM_ANA]))).toEqual({ via: 'dmarc' });
    expect(authenticateAgent(await input([FROM_ANA]))).toBeNull();
    expect(authenticateAgent(await input([DMARC_PASS, FROM_ANA], { trustedAuthservIds: [] }))).toBeNull();
    expect(
      authenticateAgent(
        await input(['Authentication-Results: mx.support.test; dmarc=pass header.from=evil.test', FROM_ANA]),
      ),
    ).toBeNull();
  });

  it('mail from more than one person is nobody’s: two From lines, or two mailboxes in one', async () => {
    expect(
      authenticateAgent(
        await input([DMARC_PASS, FROM_ANA, 'From: Mallory <mallory@evil.test>'], { tokens: [row()] }),
      ),
    ).toBeNull();
    expect(
      authenticateAgent(
        await input([DMARC_PASS, 'From: Ana <ana@support.test>, Mallory <mallory@evil.test>'], {
          tokens: [row()],
        }),
      ),
    ).toBeNull();
    expect(authenticateAgent(await input([DMARC_PASS], { tokens: [row()] }))).toBeNull();
  });
});

describe('reply tokens', () => {
  it('are 26 lower-case base32 characters (≥ 128 bits), different every time', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newReplyToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{26}$/);
  });

  it('are read back from the Message-IDs a reply references, in order, case-insensitively, once each', () => {
    const id = tokenMessageId(TOKEN, 'acme.example');
    expect(id).toBe(`<relevo.a.${TOKEN}@acme.example>`);
    const other = tokenMessageId('zyxwvutsrqponmlkjihgfedcba', 'acme.example');
    expect(tokensReferenced([id.toUpperCase(), null, '<x@y>', other, id])).toEqual([
      TOKEN,
      'zyxwvutsrqponmlkjihgfedcba',
    ]);
    // Shapes that are not tokens: too short, wrong alphabet, not our prefix.
    expect(
      tokensReferenced([
        '<relevo.a.abc@acme.example>',
        `<relevo.a.${TOKEN.replace('a', '1')}@acme.example>`,
        `<relevo.${TOKEN}@acme.example>`,
      ]),
    ).toEqual([]);
  });
});
