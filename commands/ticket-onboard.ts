import { z } from 'zod';
import type { AgentSettings } from '../src/core/config.ts';
import { UserError } from '../src/core/errors.ts';
import { startOnboarding } from '../src/core/onboarding/onboarding.ts';
import { onboardingTexts as x } from '../src/i18n/onboarding.ts';
import { type CommandContext, defineCommand, say } from './command.ts';

export default defineCommand({
  name: 'onboard',
  args: ['person'],
  schema: z.object({
    person: z
      .string({ error: 'expected the new agent: their id, their email or an @mention' })
      .trim()
      .min(1, 'expected the new agent: their id, their email or an @mention'),
  }),
  usage: '/ticket onboard <agent id|email|@mention>',
  help: {
    en: 'Posts the checklist of accesses a new agent needs in the agents’ channel, to tick as each is given.',
    es: 'Publica en el canal de agentes la lista de accesos que necesita un agente nuevo, para marcarlos al darlos.',
  },
  argHelp: {
    person: {
      en: 'The new agent: their id in relevo.yaml, their email or an @mention',
      es: 'El agente nuevo: su id en relevo.yaml, su correo o una @mención',
    },
  },
  audience: 'agent',
  async run(ctx, args) {
    if (ctx.actor.kind !== 'agent') {
      throw new UserError(
        { en: '/ticket onboard is for agents.', es: '/ticket onboard es solo para agentes.' },
        403,
        'forbidden',
      );
    }
    const agent = await agentNamed(ctx, args.person);
    if (!ctx.place) throw new UserError(x.noAgentsChannel, 409, 'no_agents_channel');
    const { done, total } = await startOnboarding(
      { db: ctx.db, config: ctx.config, now: ctx.tickets.now() },
      { agentId: agent.id, by: ctx.actor.agentId, place: ctx.place },
    );
    return {
      text: say(ctx, done === total ? x.completeAlready(agent.name) : x.posted(agent.name, done, total)),
    };
  },
});

/**
 * The agent `typed` names. An @mention the platform resolved is that person, agent or not (a customer
 * whose handle happens to be an agent's id is not that agent); anything else is an agent's id in
 * relevo.yaml or their email. Slack sends `@handle` as plain text, so there a handle reads as an id.
 */
async function agentNamed(ctx: CommandContext, typed: string): Promise<AgentSettings> {
  const agents = ctx.config.agents;
  const mention = /^<?@/.test(typed);
  if (mention && ctx.agentMentioned) {
    const mentioned = await ctx.agentMentioned(typed);
    if (mentioned) {
      const agent = agents.find((a) => a.id === mentioned.agentId);
      if (!agent) throw new UserError(x.notAnAgent(typed), 404, 'not_found');
      return agent;
    }
  }
  const bare = typed.replace(/^@/, '').toLowerCase();
  const agent = bare.includes('@')
    ? agents.find((a) => a.email?.toLowerCase() === bare)
    : agents.find((a) => a.id === bare);
  if (!agent) throw new UserError(x.notAnAgent(typed), 404, 'not_found');
  return agent;
}
