// The /ticket command registry as Discord's one chat-input command `/ticket`, a subcommand per registry
// command, and back: the options Discord sends with an interaction become the line the router runs, so
// Discord's commands go through the same `bindArgs` and schemas as everyone else's typed ones.
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandSubcommandOption,
  type APIChatInputApplicationCommandInteractionData,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  Locale,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { z } from 'zod';
import type { CommandDefinition } from '../../commands/command.ts';
import { commandList } from '../../commands/index.ts';
import { UserError } from '../../src/core/errors.ts';
import type { Localized } from '../../src/i18n/localized.ts';
import { truncate } from '../kit/truncate.ts';

export const COMMAND_NAME = 'ticket';

// Discord's limits on a chat-input command (docs: Interactions → Application Commands; "Required options must
// be listed before optional options"). Over any of them, Discord answers 400 and installs nothing.
export const LIMITS = {
  /** A command holds at most 25 options, and a subcommand too; subcommands are options of their command. */
  options: 25,
  /** Names and descriptions of commands, subcommands and options. */
  name: /^[-_\p{L}\p{N}]{1,32}$/u,
  description: 100,
  /** Name, description and choice values of a command and everything in it, added up (the longest language). */
  combinedCharacters: 4000,
  /** The rest-of-line argument's longest value: Discord allows up to 6,000; a reply typed on one line needs less. */
  restOfLine: 4000,
} as const;

// Discord has two Spanish locales, Spain's and Latin America's; Relevo's Spanish serves both.
const SPANISH = [Locale.SpanishES, Locale.SpanishLATAM] as const;

/** Every platform describes a ticket number the same way, so the registry's commands need not. */
const TICKET: Localized = {
  en: 'Ticket number (leave it out in the ticket’s thread)',
  es: 'Número del ticket (no hace falta en el hilo del ticket)',
};

const DESCRIPTION: Localized = {
  en: 'Relevo help desk: open, answer and follow tickets',
  es: 'Mesa de ayuda Relevo: abrir, responder y seguir tickets',
};

/** Discord's `description` and its Spanish `description_localizations`, each cut to 100 characters. */
function described(text: Localized) {
  const es = truncate(text.es, LIMITS.description);
  return {
    description: truncate(text.en, LIMITS.description),
    description_localizations: Object.fromEntries(SPANISH.map((locale) => [locale, es])),
  };
}

function fieldsOf(def: CommandDefinition): Record<string, z.ZodType> {
  if (!(def.schema instanceof z.ZodObject)) {
    throw new Error(`/ticket ${def.name}: its schema must be a z.object() to become Discord options`);
  }
  return def.schema.shape as Record<string, z.ZodType>;
}

/** The values a keyword argument accepts (`z.enum`, perhaps with a default): Discord offers them as choices. */
function choicesOf(field: z.ZodType): string[] | undefined {
  let inner: z.ZodType = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
  return inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined;
}

function option(def: CommandDefinition, arg: string): APIApplicationCommandBasicOption {
  const rest = arg.endsWith('...');
  const name = rest ? arg.slice(0, -3) : arg;
  const field = fieldsOf(def)[name];
  if (!field) throw new Error(`/ticket ${def.name}: argument <${name}> is not in its schema`);
  // Required exactly when the schema refuses it missing, so Discord asks for what the router would.
  const required = !field.safeParse(undefined).success;
  if (name === 'ticket') {
    // Never required: typed in a ticket's thread the router takes the thread's (commands/index.ts
    // bindArgs), as on every platform; elsewhere it says the number is missing.
    return {
      type: ApplicationCommandOptionType.Integer,
      name,
      ...described(TICKET),
      required: false,
      min_value: 1,
      // Ticket numbers are a PostgreSQL integer: Discord refuses anything larger before Relevo sees it.
      max_value: 2_147_483_647,
    };
  }
  const help = def.argHelp?.[name];
  if (!help)
    throw new Error(`/ticket ${def.name}: argument <${name}> has no argHelp to describe it on Discord`);
  const choices = choicesOf(field);
  return {
    type: ApplicationCommandOptionType.String,
    name,
    ...described(help),
    required,
    ...(rest ? { max_length: LIMITS.restOfLine } : {}),
    // Choice names are the keywords themselves, as typed in any language (like the subcommands' names).
    ...(choices ? { choices: choices.map((c) => ({ name: c, value: c })) } : {}),
  };
}

function subcommand(def: CommandDefinition): APIApplicationCommandSubcommandOption {
  const listed = def.args.map((arg) => option(def, arg));
  // Discord wants required options first. The leading ticket number goes last there (the line is rebuilt
  // by name, in the registry's order); any other optional argument before a required one could never be
  // left out of a typed line, so the registry must not have one.
  const others = listed.filter((o) => o.name !== 'ticket');
  const options = [...others, ...listed.filter((o) => o.name === 'ticket')];
  const firstOptional = others.findIndex((o) => !o.required);
  if (firstOptional >= 0 && others.slice(firstOptional).some((o) => o.required)) {
    throw new Error(`/ticket ${def.name}: an optional argument comes before a required one`);
  }
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: def.name,
    ...described(def.help),
    options,
  };
}

/** `/ticket` as Discord's bulk-overwrite endpoint takes it: one chat-input command, a subcommand per registry command. */
export function applicationCommand(
  commands: readonly CommandDefinition[] = commandList(),
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  if (commands.length > LIMITS.options) {
    throw new Error(
      `Discord takes at most ${LIMITS.options} subcommands; the registry has ${commands.length}`,
    );
  }
  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAME,
    ...described(DESCRIPTION),
    options: commands.map(subcommand),
  };
}

/**
 * One argument as a word `tokenize()` reads back unchanged: bare when it has no spaces and does not open
 * with a double quote (which would pair with the next quote on the line), else in double quotes. Quotes
 * cannot be escaped there, so a value with spaces or a leading quote cannot also hold a double quote; only
 * the last, rest-of-line argument can.
 */
function word(value: string): string {
  if (value === '') return '""';
  if (!/\s/.test(value) && !value.startsWith('"')) return value;
  if (!value.includes('"')) return `"${value}"`;
  throw new UserError({
    en: `"${value}": a value with spaces, or starting with a double quote, cannot hold double quotes here; only the last one can.`,
    es: `"${value}": aquí un valor con espacios, o que empieza por comillas dobles, no puede llevar comillas dobles; solo el último puede.`,
  });
}

/**
 * The line the router runs for an interaction's data, e.g. `reply 12 On it`: the subcommand, then the
 * options' values in the definition's argument order (Discord sends them in any order). Options left out
 * are left out of the line: the router then reads them as missing, or the ticket of the thread it is in.
 */
export function commandLine(
  data: APIChatInputApplicationCommandInteractionData,
  commands: readonly CommandDefinition[] = commandList(),
): string {
  const sub = data.options?.[0];
  if (data.name !== COMMAND_NAME || sub?.type !== ApplicationCommandOptionType.Subcommand) {
    throw new Error(`Not a /${COMMAND_NAME} subcommand: /${data.name}`);
  }
  const def = commands.find((c) => c.name === sub.name);
  const given = new Map(
    (sub.options ?? []).map((o: APIApplicationCommandInteractionDataBasicOption) => [o.name, o]),
  );
  if (!def) return sub.name; // The router answers an unknown command with what there is.
  const words = [def.name];
  for (const arg of def.args) {
    const rest = arg.endsWith('...');
    const o = given.get(rest ? arg.slice(0, -3) : arg);
    if (!o || !('value' in o)) continue;
    const value = String(o.value);
    words.push(rest ? value : word(value));
  }
  return words.join(' ');
}
