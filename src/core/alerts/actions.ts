// The buttons of an alert group's message: Acknowledge, Silence… (its form is silenceForm) and Open
// ticket. Each value is the group's id; agents only (actions.ts mayRun). Every change enqueues the
// message's edit in its own transaction, so the message shows who acknowledged, the silence, the ticket —
// at once: an agent's own change is not spaced like a flapping group's (message-sync.ts).

import { alertTexts } from '../../i18n/alerts.ts';
import { formatMoment } from '../../i18n/durations.ts';
import { type Localized, pick } from '../../i18n/localized.ts';
import type { ActionDeps } from '../actions.ts';
import type { Actor } from '../actor.ts';
import { ForbiddenError, NotFoundError, refusal, UserError } from '../errors.ts';
import type { FormSpec } from '../message.ts';
import { alertMessageSync } from './message-sync.ts';
import { silenceLinkOf } from './render.ts';
import { createAlertmanagerSilence, MAX_SILENCE_MS, parseSilenceDuration } from './silences.ts';
import { openAlertTicket } from './tickets.ts';

type AlertHandler = (
  deps: ActionDeps,
  actor: Actor,
  groupId: string,
  form: Record<string, string>,
) => Promise<Localized>;

/** The message's edit, wanted now. */
const showNow = (deps: ActionDeps) => alertMessageSync(deps.config, { minEditGapMs: 0 });

const agentOf = (actor: Actor): string => {
  if (actor.kind !== 'agent') throw new ForbiddenError(refusal.agentsOnly);
  return actor.agentId;
};

const gone = () =>
  new NotFoundError({ en: 'That alert group no longer exists.', es: 'Ese grupo de alertas ya no existe.' });

export const silenceDurations = ['1h', '4h', '1d', '1w'] as const;

/** The Silence… button's form: a duration (a choice, or typed) and a comment Alertmanager keeps. */
export function silenceForm(language: string): FormSpec {
  const say = (t: Localized) => pick(t, language);
  return {
    title: say(alertTexts.silenceFormTitle),
    submitLabel: say(alertTexts.silenceFormSubmit),
    fields: [
      {
        id: 'duration',
        label: say(alertTexts.durationLabel),
        kind: 'select',
        required: true,
        options: silenceDurations.map((d) => ({ value: d, label: d })),
      },
      { id: 'other', label: say(alertTexts.otherDurationLabel), kind: 'text', placeholder: '2h30m' },
      {
        id: 'comment',
        label: say(alertTexts.commentLabel),
        kind: 'textarea',
        required: true,
        placeholder: say(alertTexts.commentPlaceholder),
      },
    ],
  };
}

const acknowledge: AlertHandler = async (deps, actor, groupId) => {
  const agentId = agentOf(actor);
  const now = deps.tickets.now();
  return deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "AlertGroup" WHERE id = ${groupId} FOR UPDATE`;
    const group = await tx.alertGroup.findUnique({ where: { id: groupId } });
    if (!group) throw gone();
    if (group.acknowledgedAt) {
      return {
        en: `Already acknowledged (${formatMoment(group.acknowledgedAt)}).`,
        es: `Ya estaba reconocida (${formatMoment(group.acknowledgedAt)}).`,
      };
    }
    await tx.alertGroup.update({
      where: { id: groupId },
      data: { acknowledgedById: agentId, acknowledgedAt: now },
    });
    await showNow(deps)(tx, groupId);
    return { en: `Acknowledged: ${group.title}.`, es: `Reconocida: ${group.title}.` };
  });
};

const silence: AlertHandler = async (deps, actor, groupId, form) => {
  const agentId = agentOf(actor);
  const group = await deps.db.alertGroup.findUnique({ where: { id: groupId }, include: { alerts: true } });
  if (!group) throw gone();
  if (group.source !== 'alertmanager') {
    const link = silenceLinkOf(group.alerts);
    throw new UserError(
      link
        ? {
            en: `Relevo cannot silence ${group.source} alerts itself: silence them on the source's page, ${link}`,
            es: `Relevo no puede silenciar alertas de ${group.source} por sí mismo: silencie en la página del origen, ${link}`,
          }
        : {
            en: `Relevo cannot silence ${group.source} alerts: pause them in ${group.source} itself (its monitor's or trigger's maintenance).`,
            es: `Relevo no puede silenciar alertas de ${group.source}: páuselas en el propio ${group.source} (mantenimiento del monitor o del disparador).`,
          },
    );
  }
  const typed = form.other?.trim() || form.duration?.trim() || '';
  const ms = parseSilenceDuration(typed);
  if (!ms || ms > MAX_SILENCE_MS) {
    throw new UserError({
      en: `"${typed}" is not a duration Relevo silences for: use e.g. 1h, 4h, 1d, 1w or 2h30m (30 days at most).`,
      es: `«${typed}» no es una duración válida para silenciar: use p. ej. 1h, 4h, 1d, 1w o 2h30m (30 días como mucho).`,
    });
  }
  const comment = form.comment?.trim();
  if (!comment) {
    throw new UserError({
      en: 'Say why: Alertmanager keeps the comment with the silence.',
      es: 'Indique el motivo: Alertmanager guarda el comentario con el silencio.',
    });
  }
  const monitor = deps.config.monitors.find((m) => m.id === group.monitorId);
  const baseUrl = monitor?.url ?? group.externalUrl;
  if (!baseUrl) {
    throw new UserError({
      en: `Relevo does not know where Alertmanager "${group.monitorId}" is: set its url in relevo.yaml monitors.`,
      es: `Relevo no sabe dónde está el Alertmanager «${group.monitorId}»: indique su url en monitors de relevo.yaml.`,
    });
  }
  const agent = await deps.db.agent.findUnique({ where: { id: agentId }, select: { name: true } });
  const startsAt = deps.tickets.now();
  const endsAt = new Date(startsAt.getTime() + ms);
  // Outside any transaction: a slow Alertmanager must not hold the group's row.
  const id = await createAlertmanagerSilence({
    baseUrl,
    matchers: group.groupLabels as Record<string, string>,
    startsAt,
    endsAt,
    createdBy: agent?.name ?? agentId,
    comment,
  });
  await deps.db.$transaction(async (tx) => {
    await tx.alertGroup.update({ where: { id: groupId }, data: { silenceId: id, silencedUntil: endsAt } });
    await showNow(deps)(tx, groupId);
  });
  return {
    en: `Silenced until ${formatMoment(endsAt)} (silence ${id}).`,
    es: `Silenciada hasta ${formatMoment(endsAt)} (silencio ${id}).`,
  };
};

const openTicket: AlertHandler = async (deps, actor, groupId) => {
  agentOf(actor);
  const sync = showNow(deps);
  const { number, created } = await deps.db.$transaction((tx) =>
    openAlertTicket(tx, { tickets: deps.tickets, syncMessages: sync }, groupId, actor),
  );
  return created
    ? { en: `Ticket #${number} opened for this alert.`, es: `Ticket #${number} abierto para esta alerta.` }
    : { en: `This alert already has ticket #${number}.`, es: `Esta alerta ya tiene el ticket #${number}.` };
};

/** The alert buttons' handlers by action id; their value is the group's id, not a ticket number. */
export const alertHandlers: Record<string, AlertHandler> = {
  'alert.acknowledge': acknowledge,
  'alert.silence': silence,
  'alert.open_ticket': openTicket,
};
