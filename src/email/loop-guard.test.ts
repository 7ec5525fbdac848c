import { describe, expect, it } from 'vitest';
import { autoReplyVerdict, type LoopReason } from './loop-guard.ts';
import { parseEmail } from './parse.ts';

const own = { ownAddresses: ['Soporte@Acme.example', ' support@acme.example '] };

async function verdictFor(headers: string, from = 'Ana Ruiz <ana.ruiz@globex.example>') {
  const email = await parseEmail(`From: ${from}\nTo: soporte@acme.example\nSubject: x\n${headers}\n\ncuerpo`);
  return autoReplyVerdict(email, own);
}

describe('autoReplyVerdict (RFC 3834)', () => {
  it('allows an ordinary message from a person', async () => {
    expect(await verdictFor('Return-Path: <ana.ruiz@globex.example>')).toEqual({ allowed: true });
  });

  it.each<[string, string, LoopReason]>([
    ['Auto-Submitted: auto-replied', '', 'auto-submitted'],
    ['Auto-Submitted: auto-generated', '', 'auto-submitted'],
    ['Auto-Submitted: auto-notified; owner-email="x@y.example"', '', 'auto-submitted'],
    ['Auto-Submitted: AUTO-REPLIED (vacation)', '', 'auto-submitted'],
    ['X-Autoreply: yes', '', 'auto-reply-header'],
    ['X-Autorespond: On vacation', '', 'auto-reply-header'],
    ['X-Auto-Response-Suppress: All', '', 'auto-response-suppressed'],
    ['X-Auto-Response-Suppress: DR, OOF', '', 'auto-response-suppressed'],
    ['X-Auto-Response-Suppress: AutoReply', '', 'auto-response-suppressed'],
    ['List-Id: Usuarios <usuarios.lists.example>', '', 'mailing-list'],
    ['List-Unsubscribe: <mailto:leave@lists.example>', '', 'mailing-list'],
    ['List-Post: <mailto:usuarios@lists.example>', '', 'mailing-list'],
    ['Precedence: bulk', '', 'precedence'],
    ['Precedence: list', '', 'precedence'],
    ['Precedence: junk', '', 'precedence'],
    ['Precedence: auto_reply', '', 'precedence'],
    ['Return-Path: <>', '', 'empty-return-path'],
    ['', 'MAILER-DAEMON@mx.example.com', 'system-sender'],
    ['', 'Mail Delivery Subsystem <mailer-daemon@example.com>', 'system-sender'],
    ['', 'postmaster@example.com', 'system-sender'],
    ['', 'usuarios-request@lists.example', 'system-sender'],
    ['', 'owner-usuarios@lists.example', 'system-sender'],
    ['', 'No Reply <noreply@example.com>', 'system-sender'],
    ['', 'no-reply+1234@example.com', 'system-sender'],
    ['', 'donotreply@example.com', 'system-sender'],
    ['', 'do_not_reply@example.com', 'system-sender'],
    [
      'Return-Path: <bounces+123-abc@mailer.example.com>',
      'CloudApp <hello@cloudapp.example>',
      'system-sender',
    ],
    ['', 'Soporte Acme <SOPORTE@acme.example>', 'own-address'],
    ['Return-Path: <support@acme.example>', 'Robot <robot@acme.example>', 'own-address'],
    // A +tag still reaches the support mailbox: it is ours.
    ['', 'Soporte <soporte+abc@acme.example>', 'own-address'],
  ])('refuses %s %s → %s', async (headers, from, reason) => {
    expect(await verdictFor(headers, from || undefined)).toEqual({ allowed: false, reason });
  });

  it.each([
    'Auto-Submitted: no',
    'Auto-Submitted: No (a person wrote this)',
    'Precedence: first-class',
    'X-Auto-Response-Suppress: DR, NDR, RN, NRN',
  ])('allows %s', async (headers) => {
    expect(await verdictFor(headers)).toEqual({ allowed: true });
  });

  it('refuses delivery-status reports even when nothing else gives them away', async () => {
    const email = await parseEmail(
      'From: postmaster-ish@example.com\nContent-Type: multipart/report; report-type=delivery-status; boundary=R\n\n--R\nContent-Type: text/plain\n\nfailed\n--R--\n',
    );
    expect(autoReplyVerdict(email, { ownAddresses: [] })).toEqual({
      allowed: false,
      reason: 'delivery-report',
    });
  });

  it('does not take a local part merely containing "request" for a service address', async () => {
    expect(await verdictFor('', 'requests.team@example.com')).toEqual({ allowed: true });
  });

  it('leaves rate limiting to the caller but names it', () => {
    const reason: LoopReason = 'rate-limited';
    expect(reason).toBe('rate-limited');
  });
});
