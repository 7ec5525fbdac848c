// Reads what required-info.ts judges: what a ticket's plan and product require, and what its customer
// has sent so far (their words, the files kept on the ticket, its product).
import type { Tx } from '../../db/index.ts';
import type { DeskConfig } from '../config.ts';
import { type InfoItem, type IntakeFacts, infoItems, isInfoItem, missingInfo } from './required-info.ts';

/** The plan's and the product's requirements together, in the seed's order. */
export function requiredFor(config: DeskConfig, plan: string, productId: string | null): InfoItem[] {
  const wanted = new Set([
    ...(config.plans[plan]?.requires ?? []),
    ...(config.products.find((p) => p.id === productId)?.requires ?? []),
  ]);
  return infoItems.filter((i) => wanted.has(i));
}

/**
 * What ticket `number`'s customer has sent so far. `newFiles`: files that came with the message being
 * taken in and are not kept on the ticket yet (an email's attachments are stored after its words).
 */
export async function factsOf(tx: Tx, number: number, newFiles = 0): Promise<IntakeFacts> {
  const ticket = await tx.ticket.findUniqueOrThrow({
    where: { number },
    select: {
      productId: true,
      organisation: { select: { products: true } },
      events: { where: { type: 'customer_message' }, select: { body: true }, orderBy: { createdAt: 'asc' } },
      _count: { select: { attachments: true } },
    },
  });
  const products = await tx.product.findMany({
    where: { id: { in: ticket.organisation.products } },
    select: { id: true, name: true },
  });
  return {
    text: ticket.events.map((e) => e.body).join('\n'),
    attachments: ticket._count.attachments + newFiles,
    // An organisation with one product leaves no doubt which project a request is about.
    productKnown: ticket.productId !== null || products.length === 1,
    productNames: products.flatMap((p) => [p.name, p.id]),
  };
}

/**
 * What a ticket still lacks of what its plan and product require (only items Relevo can tell). Its plan
 * and product are passed by the caller, who has just read or written them.
 */
export async function missingOf(
  tx: Tx,
  config: DeskConfig,
  ticket: { number: number; productId: string | null },
  plan: string,
  newFiles = 0,
): Promise<InfoItem[]> {
  const required = requiredFor(config, plan, ticket.productId);
  if (!required.length) return [];
  return missingInfo(required, await factsOf(tx, ticket.number, newFiles));
}

/**
 * After the customer answered a request: the items an agent asked for that nobody can check are taken as
 * answered (a person reads the answer); the ones Relevo can tell are looked at again.
 */
export async function stillMissing(tx: Tx, asked: readonly string[], number: number, newFiles = 0) {
  const items = asked.filter(isInfoItem);
  if (!items.length) return [];
  return missingInfo(items, await factsOf(tx, number, newFiles));
}
