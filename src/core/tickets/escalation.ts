// Escalation to a product's maintainers (seed 003): a thread in their channel with the original report,
// the background and the agent's notes; a maintainer claims it and gives a diagnosis summary, its
// certainty, a time estimate and the confidence in it. Everything here is internal: nothing reaches
// the customer unless an agent shares it explicitly.
import type { Db, Tx } from '../../db/index.ts';
import type { Localized } from '../../i18n/localized.ts';
import type { DeskConfig } from '../config.ts';
import { NotFoundError, refusal, UserError } from '../errors.ts';
import type { DomainEvents } from '../events.ts';
import { enqueue } from '../outbox.ts';
import type { Actor, TicketService } from './service.ts';

export interface Diagnosis {
  summary: string;
  certainty: string;
  estimate: string;
  confidence: string;
}

export const certaintyLevels = ['low', 'medium', 'high'] as const;

/** The maintainers' channel of a product, as configured: products[].maintainersChannel + channels[]. */
export function maintainersChannel(config: DeskConfig, productId: string) {
  const product = config.products.find((p) => p.id === productId);
  if (!product) throw new NotFoundError(refusal.noProduct(productId));
  const channel = config.channels.find(
    (c) => c.kind === 'maintainers' && c.id === product.maintainersChannel,
  );
  if (!product.maintainersChannel || !channel) {
    throw new UserError({
      en: `Product "${product.name}" has no maintainers' channel: set products[].maintainersChannel in relevo.yaml and list that channel under channels with kind: maintainers.`,
      es: `El producto «${product.name}» no tiene canal de mantenedores: configure products[].maintainersChannel en relevo.yaml y añada ese canal en channels con kind: maintainers.`,
    });
  }
  return { platform: channel.platform, channel: channel.id };
}

export class Escalations {
  constructor(
    private readonly deps: { db: Db; config: DeskConfig; tickets: TicketService; events: DomainEvents },
  ) {}

  /** Opens the maintainers' thread; the ticket waits on hold for them. */
  async escalate(
    number: number,
    actor: Actor,
    input: { product?: string; background?: string; notes?: string },
  ) {
    if (actor.kind !== 'agent') {
      throw new UserError(
        { en: 'Only agents can escalate.', es: 'Solo los agentes pueden escalar un ticket.' },
        403,
        'forbidden',
      );
    }
    return this.deps.db.$transaction(async (tx) => {
      const ticket = await tx.ticket.findUnique({ where: { number } });
      if (!ticket) throw new NotFoundError(refusal.noTicket(number));
      const productId = input.product || ticket.productId;
      if (!productId) {
        throw new UserError({
          en: `Choose the product of ticket #${number} before escalating it.`,
          es: `Elija el producto del ticket #${number} antes de escalarlo.`,
        });
      }
      const target = maintainersChannel(this.deps.config, productId);
      const open = await tx.escalation.findFirst({
        where: { ticketNumber: number, status: { not: 'closed' } },
      });
      if (open) {
        throw new UserError(
          { en: `Ticket #${number} is already escalated.`, es: `El ticket #${number} ya está escalado.` },
          409,
          'already_escalated',
        );
      }
      if (ticket.productId !== productId)
        await this.deps.tickets.setField(number, actor, 'product', productId, tx);
      const notes = [
        input.background && `Background: ${input.background}`,
        input.notes && `Notes: ${input.notes}`,
      ]
        .filter(Boolean)
        .join('\n');
      const note = await this.deps.tickets.note(
        number,
        actor,
        `Escalated to the ${productId} maintainers.${notes ? `\n${notes}` : ''}`,
        tx,
      );
      const escalation = await tx.escalation.create({
        data: {
          ticketNumber: number,
          productId,
          background: input.background?.trim() || null,
          agentNotes: input.notes?.trim() || null,
        },
      });
      if (ticket.status !== 'on_hold')
        await this.deps.tickets.setStatus(number, actor, 'on_hold', undefined, tx);
      await enqueue(tx, { kind: 'escalation', escalationId: escalation.id, ...target });
      await this.deps.events.emit({
        type: 'ticket.escalated',
        ticketNumber: number,
        actor,
        eventId: note,
        tx,
        escalationId: escalation.id,
        productId,
      });
      return escalation.id;
    });
  }

  /** "I'll take it": the clicking maintainer (or agent) owns the escalation. */
  async claim(number: number, actor: Actor) {
    if (actor.kind !== 'agent')
      throw new UserError(
        {
          en: 'Only maintainers can take an escalation.',
          es: 'Solo los mantenedores pueden tomar un escalado.',
        },
        403,
        'forbidden',
      );
    return this.change(number, actor, async (tx, esc) => {
      if (esc.maintainerId && esc.maintainerId !== actor.agentId) {
        throw new UserError(
          {
            en: 'Someone else already took this escalation.',
            es: 'Otra persona ya ha tomado este escalado.',
          },
          409,
          'already_claimed',
        );
      }
      await tx.escalation.update({
        where: { id: esc.id },
        data: { maintainerId: actor.agentId, status: 'claimed' },
      });
      const agent = await tx.agent.findUniqueOrThrow({ where: { id: actor.agentId } });
      return { en: `${agent.name} took the escalation.`, es: `${agent.name} ha tomado el escalado.` };
    });
  }

  async diagnose(number: number, actor: Actor, d: Diagnosis) {
    if (actor.kind !== 'agent') {
      throw new UserError(
        { en: 'Only maintainers can diagnose.', es: 'Solo los mantenedores pueden diagnosticar.' },
        403,
        'forbidden',
      );
    }
    if (!d.summary.trim() || !d.estimate.trim()) {
      throw new UserError({
        en: 'A diagnosis needs a summary and a time estimate.',
        es: 'Un diagnóstico necesita un resumen y una estimación de tiempo.',
      });
    }
    for (const [what, value] of [
      ['certainty', d.certainty],
      ['confidence', d.confidence],
    ] as const) {
      if (!(certaintyLevels as readonly string[]).includes(value)) {
        throw new UserError({
          en: `Choose the ${what}: one of ${certaintyLevels.join(', ')}.`,
          es: `Elija ${what === 'certainty' ? 'la certeza' : 'la confianza'}: una de ${certaintyLevels.join(', ')}.`,
        });
      }
    }
    return this.change(number, actor, async (tx, esc) => {
      await tx.escalation.update({
        where: { id: esc.id },
        data: {
          status: 'diagnosed',
          maintainerId: esc.maintainerId ?? actor.agentId,
          diagnosis: d.summary.trim(),
          certainty: d.certainty,
          estimate: d.estimate.trim(),
          estimateConfidence: d.confidence,
        },
      });
      return {
        en: `Diagnosis: ${d.summary.trim()} (certainty ${d.certainty}). Estimate: ${d.estimate.trim()} (confidence ${d.confidence}).`,
        es: `Diagnóstico: ${d.summary.trim()} (certeza ${d.certainty}). Estimación: ${d.estimate.trim()} (confianza ${d.confidence}).`,
      };
    });
  }

  private async change(
    number: number,
    actor: Actor,
    fn: (tx: Tx, esc: { id: string; maintainerId: string | null }) => Promise<Localized>,
  ) {
    return this.deps.db.$transaction(async (tx) => {
      const esc = await tx.escalation.findFirst({
        where: { ticketNumber: number, status: { not: 'closed' } },
        orderBy: { createdAt: 'desc' },
      });
      if (!esc) {
        throw new NotFoundError({
          en: `Ticket #${number} has no open escalation.`,
          es: `El ticket #${number} no tiene ningún escalado abierto.`,
        });
      }
      const text = await fn(tx, esc);
      // The ticket's history keeps its notes in English, as every other note Relevo writes itself.
      await this.deps.tickets.note(number, actor, text.en, tx);
      const target = maintainersChannel(this.deps.config, esc.productId);
      await enqueue(tx, { kind: 'escalation', escalationId: esc.id, ...target });
      return text;
    });
  }
}
