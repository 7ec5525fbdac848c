// Who a person on a chat platform is to Relevo: an agent (by the platform id in relevo.yaml, or by the
// email their platform profile shows), or a customer contact of the channel's organisation. Unknown
// people's profiles are looked up once, before the inbox transaction opens, so no network wait holds it.
import type { Db, Tx } from '../../db/index.ts';
import { findOrCreateContact } from '../directory.ts';
import type { Logger } from '../ports.ts';
import type { Actor } from '../tickets/service.ts';
import type { ChatPerson } from './events.ts';

export type Person =
  | { kind: 'agent'; agentId: string }
  | {
      kind: 'contact';
      contactId: string;
      organisationId: string;
      /** The language they read, once learnt (customer-language.ts); null: their organisation's. */
      language: string | null;
    }
  | { kind: 'unknown' };

/** A person's name and email as their platform shows them. */
export interface Profile {
  name: string;
  email?: string;
}

/** Looks up a person's profile on one platform; throws when it cannot (the id is then used as the name). */
export type ProfileLookup = (platformId: string) => Promise<Profile>;

export function actorOf(person: Person): Actor | undefined {
  if (person.kind === 'agent') return { kind: 'agent', agentId: person.agentId };
  if (person.kind === 'contact') return { kind: 'contact', contactId: person.contactId };
  return undefined;
}

export class People {
  private readonly lookups = new Map<string, ProfileLookup>();
  /** Profiles fetched ahead, by "platform:id". */
  private readonly fetched = new Map<string, Promise<Profile>>();

  constructor(private readonly log: Logger) {}

  /** Each platform says how to read a profile; a platform without one identifies people by id alone. */
  lookupWith(platform: string, lookup: ProfileLookup): void {
    this.lookups.set(platform, lookup);
  }

  /** Identifies a person; with `organisationId` an unknown person becomes that organisation's contact. */
  async identify(tx: Tx | Db, platform: string, who: ChatPerson, organisationId?: string): Promise<Person> {
    if ('actor' in who) return personOf(tx, who.actor);
    const externalId = who.platformId;
    const known = await tx.identity.findUnique({
      where: { platform_externalId: { platform, externalId } },
    });
    if (known?.agentId) return { kind: 'agent', agentId: known.agentId };
    if (known?.contactId) {
      const contact = await tx.contact.findUniqueOrThrow({ where: { id: known.contactId } });
      return contactPerson(contact);
    }
    const profile = await this.profile(platform, externalId);
    if (profile.email) {
      const byEmail = await tx.identity.findUnique({
        where: { platform_externalId: { platform: 'email', externalId: profile.email } },
      });
      if (byEmail?.agentId) {
        await tx.identity.create({ data: { platform, externalId, agentId: byEmail.agentId } });
        return { kind: 'agent', agentId: byEmail.agentId };
      }
    }
    if (!organisationId) return { kind: 'unknown' };
    const contact = await findOrCreateContact(tx as Tx, {
      platform,
      externalId,
      name: profile.name,
      organisationId,
      email: profile.email,
    });
    return contactPerson(contact);
  }

  /** Reads an unknown person's profile now, so `identify` inside a transaction need not wait on the platform. */
  async prefetch(db: Db, platform: string, who: ChatPerson): Promise<void> {
    if ('actor' in who || !this.lookups.has(platform)) return;
    const key = `${platform}:${who.platformId}`;
    if (this.fetched.has(key)) return;
    const known = await db.identity.findUnique({
      where: { platform_externalId: { platform, externalId: who.platformId } },
    });
    if (!known) this.fetched.set(key, this.lookup(platform, who.platformId));
  }

  private profile(platform: string, id: string): Promise<Profile> {
    const key = `${platform}:${id}`;
    const ahead = this.fetched.get(key);
    this.fetched.delete(key);
    return ahead ?? this.lookup(platform, id);
  }

  private async lookup(platform: string, id: string): Promise<Profile> {
    const lookup = this.lookups.get(platform);
    if (!lookup) return { name: id };
    try {
      const profile = await lookup(id);
      return { name: profile.name || id, email: profile.email?.toLowerCase() || undefined };
    } catch (err) {
      // Without the profile the person is still served, under their platform id.
      this.log.warn({ err: (err as Error).message, platform, id }, 'profile lookup failed; using the id');
      return { name: id };
    }
  }
}

async function personOf(tx: Tx | Db, actor: Actor): Promise<Person> {
  if (actor.kind === 'agent') return { kind: 'agent', agentId: actor.agentId };
  if (actor.kind === 'contact') {
    const contact = await tx.contact.findUniqueOrThrow({ where: { id: actor.contactId } });
    return contactPerson(contact);
  }
  return { kind: 'unknown' };
}

function contactPerson(contact: { id: string; organisationId: string; language: string | null }): Person {
  return {
    kind: 'contact',
    contactId: contact.id,
    organisationId: contact.organisationId,
    language: contact.language,
  };
}
