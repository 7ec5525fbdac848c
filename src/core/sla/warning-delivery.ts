// Posts one SLA warning in one agents' channel. A ticket someone holds: in its card's thread there (at the
// channel's top level where the card has no thread), addressed to the holder — a mention where relevo.yaml
// knows their id on the platform — in their language. A ticket nobody holds: at the channel's top level,
// where the whole team reads it, in the team's language.
import type { Db } from '../../db/index.ts';
import { type SlaWarning, slaWarningText } from '../../i18n/sla-warnings.ts';
import { type DeskConfig, teamLanguage } from '../config.ts';
import { liveSubject } from '../live-messages/subjects.ts';
import type { OutMessage } from '../message.ts';
import type { OutboxJob } from '../outbox.ts';
import type { ChatAdapter, ChatTarget } from '../ports.ts';

type WarningJob = Extract<OutboxJob, { kind: 'sla_warning' }>;

export async function postSlaWarning(
  db: Db,
  config: Pick<DeskConfig, 'agents'>,
  adapter: ChatAdapter,
  job: WarningJob,
  key: string,
): Promise<void> {
  const ticket = await db.ticket.findUnique({
    where: { number: job.ticketNumber },
    select: { assignee: { select: { id: true, name: true } } },
  });
  if (!ticket) return;
  // Whoever holds the ticket now, not when the warning was raised: they are the one to act.
  const holder = ticket.assignee;
  const agent = holder ? config.agents.find((a) => a.id === holder.id) : undefined;
  const language = holder ? (agent?.language ?? 'en') : teamLanguage(config.agents);
  const warning: SlaWarning = { ...job, unassigned: !holder };
  const message: OutMessage = { text: slaWarningText(warning, language) };
  if (holder) {
    const platformId = agent?.identities[job.platform];
    message.mentions = [{ name: agent?.name ?? holder.name, ...(platformId ? { platformId } : {}) }];
  }
  // Nobody follows the thread of a ticket nobody holds: the team reads it in the channel.
  const place = holder ? await cardThread(db, adapter, job) : undefined;
  await adapter.post(place ?? { channel: job.channel }, message, key);
}

/** The card's thread in this channel, when the card was posted and the platform has threads. */
async function cardThread(db: Db, adapter: ChatAdapter, job: WarningJob): Promise<ChatTarget | undefined> {
  const card = await db.liveMessage.findUnique({
    where: {
      subject_platform_channel: {
        subject: liveSubject.card(job.ticketNumber),
        platform: job.platform,
        channel: job.channel,
      },
    },
    select: { ref: true, thread: true },
  });
  return card?.thread && adapter.threadOf ? adapter.threadOf(card.ref) : undefined;
}
