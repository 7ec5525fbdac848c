// Customer-facing texts in Spanish and English (per organisation), courteous and brief (seeds 000, 002),
// and the texts agents read about a ticket, in the same organisation's language.
export type Language = 'es' | 'en';

/** Mail from an agent's address that could not be authenticated, held for agents as a private note. */
export interface UnverifiedMail {
  from: string;
  subject: string;
  text: string;
  /** Addresses it had in To/Cc besides Relevo's own: none of them joined the thread. */
  copies: string[];
}

const UNVERIFIED_MARK = '⚠';

const en = {
  ack: (n: number, within: string) =>
    `Thanks, we have opened ticket #${n} for you. An agent will answer within ${within}. You can add anything else here.`,
  resolutionAsk: (n: number) => `We believe ticket #${n} is solved. Is it working for you now?`,
  confirmYes: 'Yes, solved',
  confirmNo: 'Still happening',
  confirmed: (n: number) =>
    `Thank you for confirming: ticket #${n} is resolved. Should you need anything else, write here again and we will open a new ticket.`,
  reopened: (n: number) =>
    `Sorry it is not solved yet: ticket #${n} is open again and an agent will follow up.`,
  autoResolved: (n: number, days: string) =>
    `Ticket #${n} is now resolved, as we had no answer in ${days}. Write here again if you still need help.`,
  duration: (minutes: number) => humanDuration(minutes, 'en'),
  wrongRecipient: (n: number) =>
    `Thank you for your message (ticket #${n}). This address is only for support of our products, so it seems your message reached us by mistake. We are closing this request.`,
  meantForPerson: (n: number, contact: string) =>
    `Thank you for your message (ticket #${n}). This channel is only for support of our products; to reach the person you wrote to, please contact ${contact}.`,
  unsupportedProduct: (n: number, products: string) =>
    `Thank you for your message (ticket #${n}). What you describe is not part of the products we support for you, so we cannot take it on here. The products we support for you are: ${products}.`,
  noProducts: 'none registered yet',
  followUp: (n: number, subject: string) => `Follow-up to #${n}: ${subject}`,
  confirmByEmail: 'If it is solved, just reply "yes". If not, reply telling us what still happens.',
  yourRequest: (n: number, subject: string) => `Ticket #${n}: ${subject}`,
  rejected: (n: number, reason: string) => `We cannot go on with ticket #${n}: ${reason}`,
  initialResponse: {
    required: 'We need this information from you to go on',
    optional: 'This would also help us',
    diagnosis: 'What we know so far',
    expected: 'Expected resolution time',
    workaround: 'Meanwhile, you can',
  },
  unverifiedAgentMail: (m: UnverifiedMail) =>
    [
      `${UNVERIFIED_MARK} UNVERIFIED — mail from an agent's address that Relevo could not authenticate.`,
      `It says it is from ${m.from}, but it answers no personal Relevo mail to that agent and our mail server did not vouch for it (DMARC/DKIM), so anyone could have written it. It was NOT sent to the customer and changed nothing on the ticket; nobody in its copy joined the thread. Check with the agent before acting on it.`,
      `Subject: ${m.subject || '(none)'}`,
      ...(m.copies.length ? [`In copy (not added): ${m.copies.join(', ')}`] : []),
      '',
      m.text,
    ].join('\n'),
  unverifiedForward: (from: string, note: string) =>
    [
      `${UNVERIFIED_MARK} UNVERIFIED FORWARD — ${from} is an agent's address, but Relevo could not authenticate this mail, so anyone could have sent it.`,
      'The ticket was opened for the original sender it names, without acknowledging it to them. Check with the agent before answering.',
      ...(note ? ['', `Forwarding note: ${note}`] : []),
    ].join('\n'),
  /** The words around a customer's message mailed to one agent personally (the reply-token mail). */
  agentCopy: {
    intro: (from: string, n: number, subject: string) => `${from} wrote on ticket #${n} (${subject}):`,
    footer: (supportAddress: string) =>
      `Reply to this mail to answer: Relevo sends your reply to the customer from ${supportAddress}. This mail was sent to you alone and your reply is recognised by it, so do not forward it, and leave the customer out of copy.`,
  },
  notYourTicket: (n: number) =>
    `Only the person who asked for ticket #${n}, or someone our team added to it, can confirm or reopen it.`,
  notAwaiting: (n: number) => `Ticket #${n} is not waiting for your confirmation.`,
  noTicket: (n: number) => `There is no ticket #${n}.`,
  verification: {
    mailSubject: 'Your verification code',
    mailBody: (code: string, validFor: string) =>
      `Your code to confirm your address in our support chat is:\n\n    ${code}\n\nIt works once, within ${validFor}. If you did not ask for it, ignore this message: nothing happens without the code.`,
    unavailable:
      'We cannot send codes by email here (this help desk sends no email). You can go on writing as an unverified visitor, and an agent will confirm who you are.',
    notSent: 'We could not send the code just now. Please try again in a minute.',
    tooManyCodes:
      'We have sent several codes to this address in the last hour. Please wait a while before asking again.',
    format: 'The code has 6 digits.',
    none: 'That code has expired or was already used. Ask for a new one.',
    wrong: (left: number) =>
      `That code is not right. ${left === 1 ? '1 attempt left' : `${left} attempts left`}.`,
    tooManyAttempts: 'Too many wrong attempts for that code. Ask for a new one.',
    alreadyVerified: 'Your address is already verified.',
    badSignature:
      'The page was opened with an identity that could not be verified. Sign in with your name and email instead.',
    signedUnavailable: 'This help desk does not accept identities signed by another site.',
    agentAddress: 'This address belongs to the support team: agents work in the agent console.',
  },
};

export type Texts = typeof en;

const es: Texts = {
  ack: (n: number, within: string) =>
    `Gracias, hemos abierto el ticket #${n}. Un agente le responderá en ${within}. Puede añadir aquí cualquier otro detalle.`,
  resolutionAsk: (n: number) => `Creemos que el ticket #${n} está resuelto. ¿Le funciona ahora?`,
  confirmYes: 'Sí, resuelto',
  confirmNo: 'Sigue ocurriendo',
  confirmed: (n: number) =>
    `Gracias por confirmarlo: el ticket #${n} queda resuelto. Si necesita algo más, escriba aquí de nuevo y abriremos un ticket nuevo.`,
  reopened: (n: number) =>
    `Lamentamos que no esté resuelto: el ticket #${n} vuelve a estar abierto y un agente le dará seguimiento.`,
  autoResolved: (n: number, days: string) =>
    `El ticket #${n} queda resuelto al no recibir respuesta en ${days}. Escriba aquí de nuevo si aún necesita ayuda.`,
  duration: (minutes: number) => humanDuration(minutes, 'es'),
  wrongRecipient: (n: number) =>
    `Gracias por su mensaje (ticket #${n}). Esta casilla es solo para soporte de nuestros productos, por lo que parece que nos llegó por error. Cerramos esta solicitud.`,
  meantForPerson: (n: number, contact: string) =>
    `Gracias por su mensaje (ticket #${n}). Este canal es solo para soporte de nuestros productos; para comunicarse con la persona a quien escribió, contacte por favor a ${contact}.`,
  unsupportedProduct: (n: number, products: string) =>
    `Gracias por su mensaje (ticket #${n}). Lo que describe no corresponde a los productos que soportamos para ustedes, por lo que no podemos atenderlo aquí. Los productos con soporte para ustedes son: ${products}.`,
  noProducts: 'ninguno registrado aún',
  followUp: (n: number, subject: string) => `Continuación de #${n}: ${subject}`,
  confirmByEmail:
    'Si está resuelto, responda simplemente "sí". Si no, responda contándonos qué sigue ocurriendo.',
  yourRequest: (n: number, subject: string) => `Ticket #${n}: ${subject}`,
  rejected: (n: number, reason: string) => `No podemos continuar con el ticket #${n}: ${reason}`,
  initialResponse: {
    required: 'Necesitamos esta información para continuar',
    optional: 'También nos ayudaría',
    diagnosis: 'Lo que sabemos hasta ahora',
    expected: 'Plazo esperado de resolución',
    workaround: 'Mientras tanto, puede',
  },
  unverifiedAgentMail: (m: UnverifiedMail) =>
    [
      `${UNVERIFIED_MARK} NO VERIFICADO — correo desde la dirección de un agente que Relevo no pudo autenticar.`,
      `Dice venir de ${m.from}, pero no responde a ningún correo personal de Relevo para ese agente y nuestro servidor de correo no lo avaló (DMARC/DKIM), así que cualquiera pudo escribirlo. NO se envió al cliente ni cambió nada en el ticket; nadie de su copia se sumó a la conversación. Consulte con el agente antes de actuar.`,
      `Asunto: ${m.subject || '(sin asunto)'}`,
      ...(m.copies.length ? [`En copia (no añadidos): ${m.copies.join(', ')}`] : []),
      '',
      m.text,
    ].join('\n'),
  unverifiedForward: (from: string, note: string) =>
    [
      `${UNVERIFIED_MARK} REENVÍO NO VERIFICADO — ${from} es la dirección de un agente, pero Relevo no pudo autenticar este correo, así que cualquiera pudo enviarlo.`,
      'El ticket se abrió para el remitente original que indica, sin enviarle acuse de recibo. Consulte con el agente antes de responder.',
      ...(note ? ['', `Nota del reenvío: ${note}`] : []),
    ].join('\n'),
  agentCopy: {
    intro: (from: string, n: number, subject: string) => `${from} escribió en el ticket #${n} (${subject}):`,
    footer: (supportAddress: string) =>
      `Responda a este correo para contestar: Relevo envía su respuesta al cliente desde ${supportAddress}. Este correo se le envió solo a usted y su respuesta se reconoce por él, así que no lo reenvíe y no ponga al cliente en copia.`,
  },
  notYourTicket: (n: number) =>
    `Solo quien abrió el ticket #${n}, o alguien que nuestro equipo haya añadido a él, puede confirmarlo o reabrirlo.`,
  notAwaiting: (n: number) => `El ticket #${n} no está esperando su confirmación.`,
  noTicket: (n: number) => `No existe el ticket #${n}.`,
  verification: {
    mailSubject: 'Su código de verificación',
    mailBody: (code: string, validFor: string) =>
      `Su código para confirmar su dirección en nuestro chat de soporte es:\n\n    ${code}\n\nSirve una sola vez, durante ${validFor}. Si no lo pidió, ignore este mensaje: sin el código no ocurre nada.`,
    unavailable:
      'Aquí no podemos enviar códigos por correo (este servicio de soporte no envía correo). Puede seguir escribiendo como visitante sin verificar, y un agente confirmará quién es.',
    notSent: 'No hemos podido enviar el código ahora. Inténtelo de nuevo en un minuto.',
    tooManyCodes:
      'Hemos enviado varios códigos a esta dirección en la última hora. Espere un poco antes de pedir otro.',
    format: 'El código tiene 6 cifras.',
    none: 'Ese código ha caducado o ya se usó. Pida uno nuevo.',
    wrong: (left: number) =>
      `Ese código no es correcto. ${left === 1 ? 'Queda 1 intento' : `Quedan ${left} intentos`}.`,
    tooManyAttempts: 'Demasiados intentos fallidos con ese código. Pida uno nuevo.',
    alreadyVerified: 'Su dirección ya está verificada.',
    badSignature:
      'La página se abrió con una identidad que no se pudo verificar. Entre con su nombre y su correo.',
    signedUnavailable: 'Este servicio de soporte no acepta identidades firmadas por otro sitio.',
    agentAddress: 'Esta dirección es del equipo de soporte: los agentes trabajan en la consola de agentes.',
  },
};

export function t(language: string): Texts {
  return language === 'es' ? es : en;
}

// What agents read about who a customer is, written where a ticket is shown (card, `/ticket show`,
// notes). In the ticket's organisation's language, like everything about that ticket.
const agentEn = {
  unverified: 'unverified',
  unverifiedRequester: (name: string, claimed: string | null) =>
    `${name} — unverified web chat visitor${claimed ? ` (typed ${claimed}, not proven)` : ''}`,
  alsoOnIt: 'Also on it',
  visitorVerified: (email: string, how: 'code' | 'signed') =>
    `The web chat visitor proved they are ${email} (${how === 'code' ? 'with a code mailed to that address' : 'with an identity signed by the site that embeds the chat'}); the ticket now belongs to that contact.`,
  participantAdded: (who: string, n: number) =>
    `${who} is now on ticket #${n}: they get its email in copy and may confirm or reopen it.`,
  participantEvent: (who: string) => `Added to the ticket: ${who}`,
  alreadyRequester: (who: string, n: number) => `${who} asked for ticket #${n}: they are on it already.`,
};

export type AgentTexts = typeof agentEn;

const agentEs: AgentTexts = {
  unverified: 'sin verificar',
  unverifiedRequester: (name: string, claimed: string | null) =>
    `${name} — visitante del chat sin verificar${claimed ? ` (escribió ${claimed}, sin comprobar)` : ''}`,
  alsoOnIt: 'También en el ticket',
  visitorVerified: (email: string, how: 'code' | 'signed') =>
    `El visitante del chat demostró ser ${email} (${how === 'code' ? 'con un código enviado a esa dirección' : 'con una identidad firmada por el sitio que incluye el chat'}); el ticket pasa a ese contacto.`,
  participantAdded: (who: string, n: number) =>
    `${who} ya está en el ticket #${n}: recibe su correo en copia y puede confirmarlo o reabrirlo.`,
  participantEvent: (who: string) => `Añadido al ticket: ${who}`,
  alreadyRequester: (who: string, n: number) => `${who} abrió el ticket #${n}: ya está en él.`,
};

export function agentTexts(language: string): AgentTexts {
  return language === 'es' ? agentEs : agentEn;
}

function humanDuration(minutes: number, lang: Language): string {
  const [day, days, hour, hours, minute, mins] =
    lang === 'es'
      ? ['día', 'días', 'hora', 'horas', 'minuto', 'minutos']
      : ['day', 'days', 'hour', 'hours', 'minute', 'minutes'];
  if (minutes % (24 * 60) === 0) {
    const n = minutes / (24 * 60);
    return `${n} ${n === 1 ? day : days}`;
  }
  if (minutes % 60 === 0) {
    const n = minutes / 60;
    return `${n} ${n === 1 ? hour : hours}`;
  }
  return `${minutes} ${minutes === 1 ? minute : mins}`;
}
