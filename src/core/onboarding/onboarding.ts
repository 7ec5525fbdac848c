// `/ticket onboard @person` (seed 000): the accesses a new agent must be given, as one chat message in an
// agents' channel whose items are ticked with buttons. Each tick records who and when (one row per item:
// the primary key makes a second press, or two at once, record nothing) and edits the message in place on
// every channel that shows it — a live message, delivered through the outbox like a card.
import type { Db, Tx } from '../../db/index.ts';
import { formatMoment } from '../../i18n/durations.ts';
import { type Localized, pick } from '../../i18n/localized.ts';
import { onboardingTexts as x } from '../../i18n/onboarding.ts';
import type { Actor } from '../actor.ts';
import type { DeskConfig } from '../config.ts';
import { ForbiddenError, NotFoundError, refusal, UserError } from '../errors.ts';
import { showLive } from '../live-messages/show.ts';
import { liveSubject } from '../live-messages/subjects.ts';
import type { Button, OutMessage } from '../message.ts';
import { enqueue, enqueueSyncs, type OutboxJob } from '../outbox.ts';
import type { ChatAdapter } from '../ports.ts';

/** The button that ticks an item; its value is "<checklist id>:<item id>". */
export const ONBOARD_TICK = 'onboard.tick';

type OnboardingJob = Extract<OutboxJob, { kind: 'onboarding' }>;

/** Where a command was typed: its platform, and its channel when the platform says. */
export interface Place {
  platform: string;
  channel?: string;
}

/**
 * The agents' channel the checklist goes to: the one the command was typed in, else the platform's first.
 * Never a support channel: customers must not read who is given which access.
 */
export function onboardingChannel(
  config: Pick<DeskConfig, 'channels'>,
  place: Place,
): { platform: string; channel: string } | undefined {
  const agents = config.channels.filter((c) => c.kind === 'agents' && c.platform === place.platform);
  const chosen = agents.find((c) => c.id === place.channel) ?? agents[0];
  return chosen ? { platform: chosen.platform, channel: chosen.id } : undefined;
}

export interface Progress {
  checklistId: string;
  done: number;
  total: number;
}

/**
 * Starts (or shows again) the onboarding of `agentId`: one checklist per agent, whoever asks and however
 * often, so every tick stays recorded. The message is posted in the agents' channel of `place`, or edited
 * there if it was posted already.
 */
export async function startOnboarding(
  deps: { db: Db; config: DeskConfig; now: Date },
  input: { agentId: string; by: string; place: Place },
): Promise<Progress> {
  const target = onboardingChannel(deps.config, input.place);
  if (!target) throw new UserError(x.noAgentsChannel, 409, 'no_agents_channel');
  return deps.db.$transaction(async (tx) => {
    // Two commands at once for the same person: the unique agent id keeps one checklist.
    await tx.onboardingChecklist.createMany({
      data: [{ agentId: input.agentId, startedById: input.by, createdAt: deps.now }],
      skipDuplicates: true,
    });
    const checklist = await tx.onboardingChecklist.findUniqueOrThrow({
      where: { agentId: input.agentId },
      select: { id: true, items: { select: { itemId: true } } },
    });
    await enqueue(tx, { kind: 'onboarding', checklistId: checklist.id, ...target });
    return progressOf(deps.config, checklist.id, checklist.items);
  });
}

function progressOf(
  config: Pick<DeskConfig, 'onboarding'>,
  checklistId: string,
  ticked: readonly { itemId: string }[],
): Progress {
  const items = config.onboarding.checklist;
  const done = items.filter((item) => ticked.some((t) => t.itemId === item.id)).length;
  return { checklistId, done, total: items.length };
}

const languageOf = (config: Pick<DeskConfig, 'agents'>, agentId: string) =>
  config.agents.find((a) => a.id === agentId)?.language ?? 'en';

/** The checklist as its message, in the new agent's language (relevo.yaml agents[].language). */
export async function renderOnboarding(
  db: Db | Tx,
  config: Pick<DeskConfig, 'agents' | 'onboarding'>,
  checklistId: string,
): Promise<OutMessage> {
  const checklist = await db.onboardingChecklist.findUniqueOrThrow({
    where: { id: checklistId },
    include: {
      agent: { select: { id: true, name: true } },
      items: { include: { doneBy: { select: { name: true } } } },
    },
  });
  const language = languageOf(config, checklist.agent.id);
  const say = (t: Localized) => pick(t, language);
  const person = checklist.agent.name;
  const items = config.onboarding.checklist;
  const lines: string[] = [];
  const buttons: Button[] = [];
  for (const item of items) {
    const tick = checklist.items.find((t) => t.itemId === item.id);
    const text = pick(item, language);
    if (tick) {
      lines.push(say(x.done(text, tick.doneBy.name, formatMoment(tick.doneAt))));
    } else {
      lines.push(say(x.pending(text)));
      buttons.push({ action: ONBOARD_TICK, label: say(x.button(text)), value: `${checklist.id}:${item.id}` });
    }
  }
  const ticks = checklist.items.filter((t) => items.some((item) => item.id === t.itemId));
  const done = ticks.length;
  const last = ticks.reduce<(typeof ticks)[number] | undefined>(
    (latest, t) => (!latest || t.doneAt >= latest.doneAt ? t : latest),
    undefined,
  );
  const complete = done === items.length && last;
  return {
    title: say(x.title(person)),
    text: [
      say(x.intro(person)),
      '',
      ...lines,
      ...(complete ? ['', say(x.complete(person, last.doneBy.name, formatMoment(last.doneAt)))] : []),
    ].join('\n'),
    context: say(x.progress(done, items.length)),
    ...(buttons.length ? { buttons } : {}),
  };
}

/** The outbox's delivery of one checklist's message on one channel: posted once, then edited in place. */
export async function syncOnboarding(
  db: Db,
  config: DeskConfig,
  adapter: ChatAdapter,
  job: OnboardingJob,
  key: string,
): Promise<void> {
  const message = await renderOnboarding(db, config, job.checklistId);
  await showLive(
    db,
    adapter,
    { subject: liveSubject.onboarding(job.checklistId), platform: job.platform, channel: job.channel },
    message,
    key,
  );
}

/** The "Done: …" button: records the tick once, and re-renders every message of the checklist. */
export async function tickOnboarding(
  deps: { db: Db; config: DeskConfig; now: () => Date },
  actor: Actor,
  value: string,
): Promise<Localized> {
  if (actor.kind !== 'agent') throw new ForbiddenError(refusal.agentsOnly);
  const at = value.lastIndexOf(':');
  const checklistId = value.slice(0, at);
  const itemId = value.slice(at + 1);
  const item = deps.config.onboarding.checklist.find((i) => i.id === itemId);
  if (at <= 0 || !item) throw new NotFoundError(x.noItem);
  return deps.db.$transaction(async (tx) => {
    const checklist = await tx.onboardingChecklist.findUnique({
      where: { id: checklistId },
      select: { agent: { select: { id: true, name: true } } },
    });
    if (!checklist) throw new NotFoundError(x.noChecklist);
    const person = checklist.agent.name;
    // ON CONFLICT DO NOTHING: a press of an item already done (a stale button, or two people at once —
    // the second waits for the first's commit) records nothing and edits nothing.
    const { count } = await tx.onboardingItem.createMany({
      data: [{ checklistId, itemId, doneById: actor.agentId, doneAt: deps.now() }],
      skipDuplicates: true,
    });
    if (count === 0) {
      const tick = await tx.onboardingItem.findUniqueOrThrow({
        where: { checklistId_itemId: { checklistId, itemId } },
        select: { doneAt: true, doneBy: { select: { name: true } } },
      });
      return x.alreadyDone(item, tick.doneBy.name, formatMoment(tick.doneAt));
    }
    const shown = await tx.liveMessage.findMany({
      where: { subject: liveSubject.onboarding(checklistId) },
      select: { platform: true, channel: true },
    });
    // Only where a platform still serves it: a channel taken out of relevo.yaml has no one to edit it.
    const served = shown.filter((s) =>
      deps.config.channels.some((c) => c.platform === s.platform && c.id === s.channel),
    );
    await enqueueSyncs(
      tx,
      served.map((s) => ({
        kind: 'onboarding' as const,
        checklistId,
        platform: s.platform,
        channel: s.channel,
      })),
    );
    const ticked = await tx.onboardingItem.findMany({ where: { checklistId }, select: { itemId: true } });
    const { done, total } = progressOf(deps.config, checklistId, ticked);
    return done === total ? x.tickedLast(person) : x.ticked(item, person);
  });
}
