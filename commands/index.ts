// The command registry: every /ticket subcommand, one file each, and the router that runs a typed line.
import { UserError } from '../src/core/errors.ts';
import type { OutMessage } from '../src/core/message.ts';
import { tokenize } from './args.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import alerts from './ticket-alerts.ts';
import assign from './ticket-assign.ts';
import cc from './ticket-cc.ts';
import create from './ticket-create.ts';
import help from './ticket-help.ts';
import list from './ticket-list.ts';
import newTicket from './ticket-new.ts';
import note from './ticket-note.ts';
import onboard from './ticket-onboard.ts';
import reopen from './ticket-reopen.ts';
import reply from './ticket-reply.ts';
import resolve from './ticket-resolve.ts';
import search from './ticket-search.ts';
import share from './ticket-share.ts';
import show from './ticket-show.ts';
import sla from './ticket-sla.ts';
import stats from './ticket-stats.ts';

const commands: CommandDefinition[] = [
  newTicket,
  create,
  show,
  list,
  assign,
  cc,
  reply,
  note,
  share,
  resolve,
  reopen,
  search,
  sla,
  stats,
  alerts,
  onboard,
  help,
];

export function commandList(): readonly CommandDefinition[] {
  return commands;
}

/** Turns the words after the subcommand into the named arguments of its description. */
export function bindArgs(def: CommandDefinition, rest: string, ctx: Pick<CommandContext, 'ticketInThread'>) {
  let line = rest.trim();
  // In a ticket's thread the number may be left out.
  if (def.args[0] === 'ticket' && ctx.ticketInThread && !/^#?\d+\b/.test(line)) {
    line = `${ctx.ticketInThread} ${line}`;
  }
  const words = tokenize(line);
  const raw: Record<string, string> = {};
  def.args.forEach((name, i) => {
    if (name.endsWith('...')) {
      // The rest of the line as typed, after the words the earlier arguments took.
      let remaining = line;
      for (let j = 0; j < i; j++) remaining = remaining.replace(/^("[^"]*"|\S+)\s*/, '');
      if (remaining) raw[name.slice(0, -3)] = remaining;
    } else if (words[i] !== undefined) {
      raw[name] = words[i] as string;
    }
  });
  const parsed = def.schema.safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    const field = problem?.path[0] ? `<${String(problem.path[0])}> ` : '';
    // The schemas' own explanations are English; the frame around them is the reader's.
    const what = problem?.message;
    throw new UserError({
      en: `${field}${what ?? 'invalid arguments'}. Usage: ${def.usage}`,
      es: `${field}${what ?? 'argumentos no válidos'}. Uso: ${def.usage}`,
    });
  }
  return parsed.data;
}

/**
 * Runs "/ticket reply 12 On it" (the leading "/ticket" is optional) and returns the answer for the
 * person who typed it. Mistakes become UserErrors whose message says how to do it right.
 */
export async function runCommandLine(line: string, ctx: CommandContext): Promise<OutMessage> {
  const trimmed = line
    .trim()
    .replace(/^\/?ticket\b\s*/, '')
    .replace(/^\//, '');
  const name = trimmed.split(/\s+/, 1)[0] || 'help';
  const def = commands.find((c) => c.name === name);
  if (!def) {
    throw new UserError({
      en: `There is no /ticket ${name}. Try /ticket help.`,
      es: `No existe /ticket ${name}. Pruebe /ticket help.`,
    });
  }
  if (def.audience === 'agent' && ctx.actor.kind !== 'agent') {
    throw new UserError(
      { en: `/ticket ${name} is for agents.`, es: `/ticket ${name} es solo para agentes.` },
      403,
      'forbidden',
    );
  }
  const args = bindArgs(def, trimmed.slice(name.length), ctx);
  return def.run(ctx, args);
}
