import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { InteractionResponder } from '../../src/core/chat/responder.ts';
import type { ChatRouter } from '../../src/core/chat/router.ts';
import { priorityForm } from '../../src/core/tickets/forms.ts';
import { handleInteraction, type InteractionDeps } from './interactions.ts';

/** A button press as Discord sends it (the parts Relevo reads). */
const press = (customId: string) =>
  ({
    id: '1',
    token: 'tok',
    type: 3,
    application_id: 'app',
    channel: { id: 'C1', type: 0 },
    channel_id: 'C1',
    member: { user: { id: 'U1' } },
    data: { custom_id: customId, component_type: 2 },
  }) as never;

function subject(interact: (respond: InteractionResponder) => Promise<void>) {
  const initial: { type: number; data?: any }[] = [];
  const edits: unknown[] = [];
  const deps: InteractionDeps = {
    router: {
      interact: (_i: unknown, respond: InteractionResponder) => interact(respond),
      languageOf: async () => 'es',
    } as unknown as ChatRouter,
    rest: { patch: async (_route: string, o: { body: unknown }) => void edits.push(o.body) } as never,
    applicationId: 'app',
    log: pino({ level: 'silent' }),
    parentOf: async () => undefined,
    // Only the watchdog's own test lets it fire; elsewhere a loaded machine must not change the answers.
    deferAfterMs: 60_000,
  };
  return { deps, initial, edits, send: async (b: { type: number; data?: unknown }) => void initial.push(b) };
}

describe('Discord interactions', () => {
  it('open a form as the first answer when the router is quick', async () => {
    const s = subject(async (r) =>
      r.openForm?.(priorityForm('en'), { action: 'ticket.priority', value: '3' }),
    );
    await handleInteraction(s.deps, press('ticket.priority|3'), s.send, 'gateway');
    expect(s.initial.map((b) => b.type)).toEqual([9]);
    expect(s.initial[0]?.data.custom_id).toBe('form|ticket.priority|3');
  });

  it('are deferred before Discord’s 3 s run out when the router is slow, and a form then asks to press again', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const s = subject(async (r) => {
      await slow;
      await r.openForm?.(priorityForm('en'), { action: 'ticket.priority', value: '3' });
    });
    s.deps.deferAfterMs = 20;
    const done = handleInteraction(s.deps, press('ticket.priority|3'), s.send, 'gateway');
    // The watchdog's deferral is the state to wait for; the router is released only then.
    while (s.initial.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(s.initial).toEqual([{ type: 5, data: { flags: 64 } }]);
    release();
    await done;
    expect(s.initial).toHaveLength(1);
    expect(s.edits).toEqual([
      expect.objectContaining({ content: expect.stringMatching(/pulse el botón de nuevo/), flags: 64 }),
    ]);
  });

  it('defer what opens no form before the router runs, and edit the answer in', async () => {
    let before: unknown[] = [];
    const s = subject(async (r) => {
      before = [...s.initial];
      await r.reply({ text: 'Ticket #3 is yours.' });
    });
    await handleInteraction(s.deps, press('ticket.take|3'), s.send, 'gateway');
    expect(before).toEqual([{ type: 5, data: { flags: 64 } }]);
    expect(s.initial).toHaveLength(1);
    expect(s.edits).toEqual([expect.objectContaining({ content: 'Ticket #3 is yours.' })]);
  });

  it('say something went wrong when Discord cannot tell where a press happened, and do nothing', async () => {
    let ran = false;
    const s = subject(async () => {
      ran = true;
    });
    s.deps.parentOf = async () => {
      throw new Error('Discord unreachable');
    };
    const inThread = {
      ...(press('ticket.take|3') as object),
      channel: { id: 'T1', type: 11 },
      channel_id: 'T1',
    };
    await handleInteraction(s.deps, inThread as never, s.send, 'gateway');
    expect(ran).toBe(false);
    expect(s.initial).toEqual([
      {
        type: 4,
        data: expect.objectContaining({ content: expect.stringMatching(/^Something went wrong/), flags: 64 }),
      },
    ]);
  });
});
