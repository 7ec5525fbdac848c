// /ticket as Discord's command: within Discord's limits for every registry command, and the options an
// interaction carries bind to the same arguments as the typed line would.
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandSubcommandOption,
  type APIChatInputApplicationCommandInteractionData,
  ApplicationCommandOptionType,
  ApplicationCommandType,
} from 'discord.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CommandDefinition } from '../../commands/command.ts';
import { bindArgs, commandList } from '../../commands/index.ts';
import { UserError } from '../../src/core/errors.ts';
import { applicationCommand, commandLine, LIMITS } from './application-command.ts';

const command = applicationCommand();
const subcommands = (command.options ?? []) as APIApplicationCommandSubcommandOption[];

/** Discord's count toward its combined limit: names, descriptions (the longest language) and choice values. */
function combinedCharacters(): number {
  const longest = (d: string, l?: Record<string, string | null> | null) =>
    Math.max(d.length, ...Object.values(l ?? {}).map((v) => v?.length ?? 0));
  let total = command.name.length + longest(command.description, command.description_localizations);
  for (const sub of subcommands) {
    total += sub.name.length + longest(sub.description, sub.description_localizations);
    for (const o of (sub.options ?? []) as APIApplicationCommandBasicOption[]) {
      total += o.name.length + longest(o.description, o.description_localizations);
      if ('choices' in o) for (const c of o.choices ?? []) total += c.name.length + String(c.value).length;
    }
  }
  return total;
}

describe('/ticket rendered for Discord', () => {
  it('is one chat-input command with a subcommand per registry command, in the registry order', () => {
    expect(command.type).toBe(ApplicationCommandType.ChatInput);
    expect(command.name).toBe('ticket');
    expect(subcommands.map((s) => s.name)).toEqual(commandList().map((c) => c.name));
    expect(subcommands.every((s) => s.type === ApplicationCommandOptionType.Subcommand)).toBe(true);
  });

  it("keeps within Discord's limits: counts, names, descriptions, required first, total size", () => {
    expect(subcommands.length).toBeLessThanOrEqual(LIMITS.options);
    const described = [command, ...subcommands, ...subcommands.flatMap((s) => s.options ?? [])];
    for (const d of described) {
      expect(d.name).toMatch(LIMITS.name);
      expect(d.name).toBe(d.name.toLowerCase());
      for (const text of [d.description, ...Object.values(d.description_localizations ?? {})]) {
        expect(text?.length, `${d.name}: ${text}`).toBeGreaterThanOrEqual(1);
        expect(text?.length, `${d.name}: ${text}`).toBeLessThanOrEqual(LIMITS.description);
      }
      expect(Object.keys(d.description_localizations ?? {}).sort()).toEqual(['es-419', 'es-ES']);
    }
    for (const sub of subcommands) {
      const options = (sub.options ?? []) as APIApplicationCommandBasicOption[];
      expect(options.length).toBeLessThanOrEqual(LIMITS.options);
      const required = options.map((o) => o.required === true);
      expect(required, sub.name).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      for (const o of options) {
        if (o.type === ApplicationCommandOptionType.String && o.max_length !== undefined) {
          expect(o.max_length).toBeLessThanOrEqual(6000);
        }
      }
    }
    expect(combinedCharacters()).toBeLessThanOrEqual(LIMITS.combinedCharacters);
  });

  it('types the options from the arguments: a ticket number, the rest of the line, keywords as choices', () => {
    const reply = subcommands.find((s) => s.name === 'reply');
    expect(reply?.description).toBe('Sends a public reply: the customer receives it where they wrote.');
    expect(reply?.description_localizations?.['es-ES']).toBe(
      'Envía una respuesta pública: el cliente la recibe donde escribió.',
    );
    // The number comes last and may be left out: in a ticket's thread the router takes the thread's.
    expect(reply?.options).toEqual([
      expect.objectContaining({
        type: ApplicationCommandOptionType.String,
        name: 'message',
        required: true,
        max_length: 4000,
      }),
      expect.objectContaining({
        type: ApplicationCommandOptionType.Integer,
        name: 'ticket',
        description: 'Ticket number (leave it out in the ticket’s thread)',
        description_localizations: {
          'es-ES': 'Número del ticket (no hace falta en el hilo del ticket)',
          'es-419': 'Número del ticket (no hace falta en el hilo del ticket)',
        },
        required: false,
        min_value: 1,
      }),
    ]);
    const list = subcommands.find((s) => s.name === 'list')?.options?.[0];
    expect(list).toMatchObject({ name: 'view', required: false });
    expect(list && 'choices' in list && list.choices?.map((c) => c.value)).toEqual([
      'open',
      'mine',
      'unassigned',
      'waiting',
      'all',
    ]);
    const help = subcommands.find((s) => s.name === 'help')?.options?.[0];
    expect(help).toMatchObject({
      type: ApplicationCommandOptionType.String,
      name: 'command',
      required: false,
    });
  });

  it('cuts a long help to 100 characters, with an ellipsis', () => {
    const cc = subcommands.find((s) => s.name === 'cc');
    const full = commandList().find((c) => c.name === 'cc')?.help.en ?? '';
    expect(full.length).toBeGreaterThan(100);
    expect(cc?.description).toHaveLength(100);
    expect(cc?.description.endsWith('…')).toBe(true);
    expect(full.startsWith(cc?.description.slice(0, -1) ?? '?')).toBe(true);
  });

  it('refuses a registry command Discord or a typed line could not take', () => {
    const base = commandList()[0] as CommandDefinition;
    const optionalFirst = {
      ...base,
      name: 'odd',
      args: ['when', 'what'],
      schema: z.object({ when: z.string().optional(), what: z.string() }),
      argHelp: { when: { en: 'When', es: 'Cuándo' }, what: { en: 'What', es: 'Qué' } },
    } as CommandDefinition;
    expect(() => applicationCommand([optionalFirst])).toThrow(
      /optional argument comes before a required one/,
    );
    const undescribed = { ...optionalFirst, args: ['what'], argHelp: {} } as CommandDefinition;
    expect(() => applicationCommand([undescribed])).toThrow(/<what> has no argHelp/);
    expect(() => applicationCommand(Array(26).fill(base))).toThrow(/at most 25 subcommands/);
  });
});

// Values a person could give each argument of the registry, as Discord sends them (a ticket as an integer).
const samples: Record<string, string | number> = {
  ticket: 12,
  email: 'ana@example.com',
  description: 'Printer on floor 2 says "PC LOAD LETTER"',
  agent: 'me',
  link: 'https://discord.com/channels/1/2/3',
  message: `He said "it's broken" — twice.  Then: "again" -- fuser`,
  note: 'toner "XL" is out',
  view: 'waiting',
  command: 'reply',
  words: 'facturas "de marzo"',
  period: '4w',
};

/** What Discord sends for `/ticket <sub>` with these option values: the options in the order given. */
function interaction(
  sub: string,
  values: Record<string, string | number>,
): APIChatInputApplicationCommandInteractionData {
  const options = Object.entries(values).map(
    ([name, value]) =>
      ({
        name,
        type:
          typeof value === 'number'
            ? ApplicationCommandOptionType.Integer
            : ApplicationCommandOptionType.String,
        value,
      }) as APIApplicationCommandInteractionDataBasicOption,
  );
  return {
    id: '1300000000000000000',
    name: 'ticket',
    type: ApplicationCommandType.ChatInput,
    options: [{ name: sub, type: ApplicationCommandOptionType.Subcommand, options }],
  };
}

/** The arguments as a person gave them, parsed by the command's own schema (the router's strings). */
function expected(def: CommandDefinition, values: Record<string, string | number>) {
  return def.schema.parse(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])));
}

const rest = (line: string) => line.slice(line.indexOf(' ') + 1 || line.length);

describe('an interaction back to the line the router runs', () => {
  it.each(commandList().map((c) => [c.name, c] as const))(
    '%s: round trip binds the same arguments',
    (_, def) => {
      const values = Object.fromEntries(
        def.args.map((a) => a.replace(/\.\.\.$/, '')).map((name) => [name, samples[name] as string | number]),
      );
      // Discord sends the options in any order: reversed here, the line still follows the definition.
      const reversed = Object.fromEntries(Object.entries(values).reverse());
      const line = commandLine(interaction(def.name, reversed));
      expect(line.split(' ')[0]).toBe(def.name);
      expect(bindArgs(def, rest(line), {})).toEqual(expected(def, values));
    },
  );

  it('reads `reply 12 On it` from the ticket and message options', () => {
    expect(commandLine(interaction('reply', { message: 'On it', ticket: 12 }))).toBe('reply 12 On it');
  });

  it('leaves out options not given: the router then uses its default', () => {
    expect(commandLine(interaction('list', {}))).toBe('list');
    const list = commandList().find((c) => c.name === 'list') as CommandDefinition;
    expect(bindArgs(list, '', {})).toEqual({ view: 'open' });
  });

  it('quotes a value with spaces that is not the last, the way tokenize() reads it', () => {
    const def = {
      ...(commandList()[0] as CommandDefinition),
      name: 'title',
      args: ['title', 'body...'],
      schema: z.object({ title: z.string(), body: z.string() }),
      argHelp: { title: { en: 'Title', es: 'Título' }, body: { en: 'Body', es: 'Cuerpo' } },
    } as CommandDefinition;
    const roundTrip = (values: Record<string, string>) =>
      bindArgs(def, rest(commandLine(interaction('title', values), [def])), {});
    expect(commandLine(interaction('title', { title: 'two words', body: 'x' }), [def])).toBe(
      'title "two words" x',
    );
    for (const title of ['two words', 'it"s', 'a"b"c', '', 'tab\there', '#7']) {
      const values = { title, body: 'the "rest" of it' };
      expect(roundTrip(values)).toEqual(values);
    }
    expect(() => commandLine(interaction('title', { title: 'say "hi" now', body: 'x' }), [def])).toThrow(
      UserError,
    );
    // A leading quote would pair with the next quote on the line, wherever that is.
    expect(() => commandLine(interaction('title', { title: '"open', body: 'the "rest"' }), [def])).toThrow(
      UserError,
    );
  });

  it('passes an unknown subcommand on for the router to refuse, and refuses another command', () => {
    expect(commandLine(interaction('frobnicate', {}))).toBe('frobnicate');
    expect(() => commandLine({ ...interaction('list', {}), name: 'other' })).toThrow(/Not a \/ticket/);
  });
});
