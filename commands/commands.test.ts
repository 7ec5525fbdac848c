// Every /ticket command through the registry's router, against a real app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/harness/app.ts';
import type { CommandContext } from './command.ts';
import { commandList, runCommandLine } from './index.ts';

describe('/ticket commands', () => {
  let t: TestApp;
  let ctx: CommandContext;
  beforeAll(async () => {
    t = await startTestApp({ pollMs: 60_000 });
    ctx = {
      actor: { kind: 'agent', agentId: 'ana' },
      tickets: t.app.tickets,
      db: t.app.db.prisma,
      config: t.config,
    };
  });
  afterAll(async () => t?.stop());
  const run = (line: string, over: Partial<CommandContext> = {}) => runCommandLine(line, { ...ctx, ...over });

  it('runs the whole set: new, list, show, assign, reply, note, resolve, reopen', async () => {
    const opened = await run('/ticket new carla@example.com Printer on floor 2 is jammed');
    const n = Number(/#(\d+)/.exec(opened.text)?.[1]);
    expect(opened.text).toBe(`Opened ticket #${n} for carla@example.com.`);
    expect((await run('/ticket list')).text).toContain(`#${n} [new] Printer on floor 2 is jammed — acme`);
    expect((await run('/ticket list unassigned')).text).toContain(`#${n}`);
    expect((await run(`/ticket assign #${n} me`)).text).toBe(`Ticket #${n} assigned to ana.`);
    expect((await run('/ticket list mine')).text).toContain(`#${n} [open]`);
    expect((await run(`/ticket reply ${n} We are sending a technician`)).text).toContain('Reply sent');
    expect((await run(`/ticket note ${n} toner "XL" is out of stock`)).text).toContain('Private note added');
    const shown = await run(`/ticket show ${n}`);
    // Only the private note has the lock; the assignment is marked as a record, not as a note.
    expect(shown.text.split('\n')).toEqual([
      'carla: Printer on floor 2 is jammed',
      '⚙ Ana: Assigned to Ana',
      'Ana: We are sending a technician',
      '🔒 Ana: toner "XL" is out of stock',
    ]);
    await run(`/ticket resolve ${n} Technician fixed it -- replaced the fuser unit`);
    const ticket = await t.app.db.prisma.ticket.findUniqueOrThrow({
      where: { number: n },
      include: { events: true },
    });
    expect(ticket.status).toBe('awaiting_confirmation');
    expect(ticket.events.find((e) => e.body === 'replaced the fuser unit')?.visibility).toBe('internal');
    expect(ticket.events.find((e) => e.body === 'Technician fixed it')?.visibility).toBe('public');
    await t.app.tickets.confirm(n, { kind: 'contact', contactId: ticket.requesterId }, true);
    expect((await run(`/ticket reopen ${n}`)).text).toBe(`Ticket #${n} reopened.`);
    expect((await run(`/ticket assign ${n} none`)).text).toBe(`Ticket #${n} unassigned.`);
  });

  it('lets the number be left out inside a ticket’s thread', async () => {
    const opened = await run('/ticket new dave@example.com Mail bounces');
    const n = Number(/#(\d+)/.exec(opened.text)?.[1]);
    expect((await run('/ticket note checking the MX records', { ticketInThread: n })).text).toBe(
      `Private note added to ticket #${n}.`,
    );
  });

  it('explains mistakes with the usage', async () => {
    await expect(run('/ticket reply')).rejects.toThrow(
      '<ticket> expected a ticket number such as #12. Usage: /ticket reply <#number> <message>',
    );
    await expect(run('/ticket reply 12')).rejects.toThrow(/<message> expected the reply for the customer/);
    await expect(run('/ticket frobnicate')).rejects.toThrow(
      'There is no /ticket frobnicate. Try /ticket help.',
    );
    await expect(run('/ticket show 99999')).rejects.toThrow('There is no ticket #99999.');
    await expect(run('/ticket new nobody@unknown.org help')).rejects.toThrow(
      /No organisation has the email domain/,
    );
    await expect(run('/ticket list everything')).rejects.toThrow(
      /expected one of: open, mine, unassigned, waiting, all/,
    );
    await expect(run('/ticket list', { actor: { kind: 'contact', contactId: 'x' } })).rejects.toThrow(
      '/ticket list is for agents.',
    );
  });

  it('helps: every command has usage and help, and help explains one', async () => {
    const all = (await run('/ticket help')).text;
    for (const c of commandList()) {
      expect(c.usage.startsWith(`/ticket ${c.name}`)).toBe(true);
      expect(all).toContain(c.usage);
    }
    expect((await run('/ticket help resolve')).text).toContain('asks the customer to confirm');
    expect((await run('')).text).toContain('Commands:');
    // Someone who reads Spanish gets the list and the explanations in Spanish; the commands stay as typed.
    const es = (await run('/ticket help', { language: 'es' })).text;
    expect(es).toMatch(/^Comandos:\n/);
    expect(es).toContain('/ticket reply <#number> <message> — Envía una respuesta pública');
    expect((await run('/ticket help frobnicate', { language: 'es' })).text).toMatch(
      /^No existe \/ticket frobnicate\. Comandos:/,
    );
  });
});
