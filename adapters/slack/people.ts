// Who a Slack user is to Relevo: an agent (by the Slack id in relevo.yaml, or by email), or a customer
// contact of the channel's organisation. Unknown people are looked up once with users.info.
import type { WebClient } from '@slack/web-api';
import { findOrCreateContact } from '../../src/core/directory.ts';
import type { Logger } from '../../src/core/ports.ts';
import type { Actor } from '../../src/core/tickets/service.ts';
import type { Db, Tx } from '../../src/db/index.ts';

export type SlackPerson =
  | { kind: 'agent'; agentId: string }
  | { kind: 'contact'; contactId: string; organisationId: string }
  | { kind: 'unknown' };

export function actorOf(person: SlackPerson): Actor | undefined {
  if (person.kind === 'agent') return { kind: 'agent', agentId: person.agentId };
  if (person.kind === 'contact') return { kind: 'contact', contactId: person.contactId };
  return undefined;
}

export class SlackPeople {
  /** Profiles fetched ahead (outside a transaction) for people Relevo does not know yet. */
  private readonly fetched = new Map<string, Promise<{ name: string; email?: string }>>();

  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
  ) {}

  /** Identifies a user; with `organisationId` an unknown person becomes that organisation's contact. */
  async identify(tx: Tx | Db, userId: string, organisationId?: string): Promise<SlackPerson> {
    const known = await tx.identity.findUnique({
      where: { platform_externalId: { platform: 'slack', externalId: userId } },
    });
    if (known?.agentId) return { kind: 'agent', agentId: known.agentId };
    if (known?.contactId) {
      const contact = await tx.contact.findUniqueOrThrow({ where: { id: known.contactId } });
      return { kind: 'contact', contactId: contact.id, organisationId: contact.organisationId };
    }
    const profile = await this.profile(userId);
    if (profile.email) {
      const byEmail = await tx.identity.findUnique({
        where: { platform_externalId: { platform: 'email', externalId: profile.email } },
      });
      if (byEmail?.agentId) {
        await tx.identity.create({
          data: { platform: 'slack', externalId: userId, agentId: byEmail.agentId },
        });
        return { kind: 'agent', agentId: byEmail.agentId };
      }
    }
    if (!organisationId) return { kind: 'unknown' };
    const contact = await findOrCreateContact(tx as Tx, {
      platform: 'slack',
      externalId: userId,
      name: profile.name,
      organisationId,
      email: profile.email,
    });
    return { kind: 'contact', contactId: contact.id, organisationId: contact.organisationId };
  }

  /** Looks up an unknown person's profile now, so `identify` inside a transaction need not wait on Slack. */
  async prefetch(db: Db, userId: string): Promise<void> {
    if (this.fetched.has(userId)) return;
    const known = await db.identity.findUnique({
      where: { platform_externalId: { platform: 'slack', externalId: userId } },
    });
    if (!known) this.fetched.set(userId, this.lookup(userId));
  }

  private profile(userId: string): Promise<{ name: string; email?: string }> {
    const ahead = this.fetched.get(userId);
    this.fetched.delete(userId);
    return ahead ?? this.lookup(userId);
  }

  private async lookup(userId: string): Promise<{ name: string; email?: string }> {
    try {
      const res = await this.client.users.info({ user: userId });
      const u = res.user;
      return {
        name: u?.real_name || u?.profile?.real_name || u?.profile?.display_name || u?.name || userId,
        email: u?.profile?.email?.toLowerCase() || undefined,
      };
    } catch (err) {
      // Without users:read(.email) the person is still served, under their Slack id.
      this.log.warn({ err: (err as Error).message, userId }, 'Slack users.info failed; using the user id');
      return { name: userId };
    }
  }
}
