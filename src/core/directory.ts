// Organisations, products and agents come from relevo.yaml; contacts are found or created as people
// write in. This file mirrors the configuration into the database and answers "who is this?".
import type { Db, Tx } from '../db/index.ts';
import { lockNames } from './advisory-locks.ts';
import type { DeskConfig } from './config.ts';
import { cleanName } from './text.ts';

/** Mirrors organisations, products and agents (with their identities) from the config into the database. */
export async function syncDirectory(
  db: Db,
  config: Pick<DeskConfig, 'products' | 'organisations' | 'agents'>,
): Promise<void> {
  await db.$transaction(async (tx) => {
    // Instances starting together would otherwise race on the same rows (unique violations, deadlocks).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('relevo:directory', 0))`;
    for (const p of config.products) {
      const data = { name: p.name, maintainersChannel: p.maintainersChannel ?? null };
      await tx.product.upsert({ where: { id: p.id }, create: { id: p.id, ...data }, update: data });
    }
    for (const o of config.organisations) {
      const data = {
        name: o.name,
        plan: o.plan,
        language: o.language,
        emailDomains: o.emailDomains.map((d) => d.toLowerCase()),
        products: [...o.products],
        infraUrl: o.infrastructureUrl ?? null,
      };
      await tx.organisation.upsert({ where: { id: o.id }, create: { id: o.id, ...data }, update: data });
    }
    const configured = new Set(config.agents.map((a) => a.id));
    await tx.agent.updateMany({ where: { id: { notIn: [...configured] } }, data: { active: false } });
    for (const a of config.agents) {
      const data = { name: a.name, role: a.role, active: true };
      await tx.agent.upsert({ where: { id: a.id }, create: { id: a.id, ...data }, update: data });
      const identities = { ...a.identities, ...(a.email ? { email: a.email.toLowerCase() } : {}) };
      for (const [platform, externalId] of Object.entries(identities)) {
        await tx.identity.upsert({
          where: { platform_externalId: { platform, externalId } },
          create: { platform, externalId, agentId: a.id },
          update: { agentId: a.id, contactId: null },
        });
      }
    }
  });
}

/** The organisation an email address belongs to by its domain, if any. */
export function organisationForEmail(
  config: Pick<DeskConfig, 'organisations'>,
  email: string,
): string | undefined {
  const domain = email.split('@')[1]?.toLowerCase();
  return config.organisations.find((o) => o.emailDomains.some((d) => d.toLowerCase() === domain))?.id;
}

export interface ContactInput {
  platform: string;
  externalId: string;
  name: string;
  organisationId: string;
  email?: string;
}

/** A contact as the directory finds it: who, of which organisation, and the language they read (if learnt). */
export interface FoundContact {
  id: string;
  organisationId: string;
  language: string | null;
}

const identityLock = (platform: string, externalId: string) => `identity:${platform}:${externalId}`;

/**
 * The locks findOrCreateContact takes, several at once in an order that cannot deadlock: a transaction
 * about to create contacts for several people takes them first (two workers each creating contacts for
 * the same senders in different orders deadlocked).
 */
export function lockIdentities(tx: Tx, platform: string, externalIds: readonly string[]): Promise<void> {
  return lockNames(
    tx,
    externalIds.map((id) => identityLock(platform, id)),
  );
}

/** Finds the contact behind a platform identity, creating it (and its email identity) on first sight. */
export async function findOrCreateContact(tx: Tx, input: ContactInput): Promise<FoundContact> {
  // One person writing through two instances at once must become one contact, not a unique violation.
  await lockIdentities(tx, input.platform, [input.externalId]);
  const existing = await tx.identity.findUnique({
    where: { platform_externalId: { platform: input.platform, externalId: input.externalId } },
    include: { contact: true },
  });
  if (existing?.contact) return existing.contact;
  const email = input.email?.toLowerCase();
  if (email) {
    const byEmail = await tx.identity.findUnique({
      where: { platform_externalId: { platform: 'email', externalId: email } },
      include: { contact: true },
    });
    if (byEmail?.contact) {
      await tx.identity.create({
        data: { platform: input.platform, externalId: input.externalId, contactId: byEmail.contact.id },
      });
      return byEmail.contact;
    }
  }
  const identities = [{ platform: input.platform, externalId: input.externalId }];
  if (email && input.platform !== 'email') identities.push({ platform: 'email', externalId: email });
  // Names come from people and platforms (a Slack profile, an email's display name, a form): shown to agents
  // inside other text, so one line and no bidi override; nothing visible left → the address or id.
  const name = cleanName(input.name) || cleanName(input.externalId) || 'unknown';
  // Two statements: a nested create would read the contact back in a third.
  const contact = await tx.contact.create({
    data: { name, organisationId: input.organisationId },
    select: { id: true, organisationId: true, language: true },
  });
  await tx.identity.createMany({ data: identities.map((i) => ({ ...i, contactId: contact.id })) });
  return contact;
}

/**
 * The contact behind an address someone proved they own (a mailed code, a signed identity): the one
 * that has it, or a new one. `agent` when it is a support agent's address — never a customer's.
 */
export async function contactForProvenEmail(
  tx: Tx,
  input: { email: string; name: string; organisationId: string },
): Promise<FoundContact | 'agent'> {
  const email = input.email.toLowerCase();
  const identity = await tx.identity.findUnique({
    where: { platform_externalId: { platform: 'email', externalId: email } },
    include: { contact: true },
  });
  if (identity?.agentId) return 'agent';
  if (identity?.contact) return identity.contact;
  return findOrCreateContact(tx, {
    platform: 'email',
    externalId: email,
    name: input.name,
    organisationId: input.organisationId,
  });
}
