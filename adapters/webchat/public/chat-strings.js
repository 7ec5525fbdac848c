// The web chat's words, in English and Spanish: every key in both (adapters/webchat/strings.test.ts).
export const chatStrings = {
  en: {
    heading: 'Support',
    intro: 'Tell us who you are and we will take it from there.',
    name: 'Name',
    email: 'Work email',
    start: 'Start chat',
    send: 'Send',
    placeholder: 'Write your message…',
    hint: 'Enter sends · Shift+Enter for a new line',
    reconnecting: 'Reconnecting…',
    you: 'You',
    signedIn: (session) =>
      session.verified
        ? `${session.contact.name} · ${session.contact.organisation}`
        : `${session.contact.name} · ${session.contact.email}`,
    empty: 'Write to us and we will open a ticket for you.',
    verifiedBadge: 'Verified',
    signOut: 'Sign out',
    verifyIntro: (email) =>
      `You are writing as ${email}, an address not verified yet: you see only this conversation, and our team sees that the address is unproven. To connect this chat to your account, we can email you a code.`,
    codesUnavailable:
      'This help desk cannot email codes, so your address cannot be verified here. You can go on writing; an agent will confirm who you are.',
    sendCode: 'Email me a code',
    resendCode: 'Send another code',
    codeSent: (email) => `We sent a 6-digit code to ${email}. Type it here (it works for 10 minutes):`,
    confirmCode: 'Confirm',
    verifiedNow: 'Thank you: your address is verified.',
  },
  es: {
    heading: 'Soporte',
    intro: 'Díganos quién es y nos encargamos del resto.',
    name: 'Nombre',
    email: 'Correo de trabajo',
    start: 'Empezar',
    send: 'Enviar',
    placeholder: 'Escriba su mensaje…',
    hint: 'Intro envía · Mayús+Intro para una línea nueva',
    reconnecting: 'Reconectando…',
    you: 'Usted',
    signedIn: (session) =>
      session.verified
        ? `${session.contact.name} · ${session.contact.organisation}`
        : `${session.contact.name} · ${session.contact.email}`,
    empty: 'Escríbanos y abriremos un ticket para usted.',
    verifiedBadge: 'Verificado',
    signOut: 'Cerrar sesión',
    verifyIntro: (email) =>
      `Está escribiendo como ${email}, una dirección aún sin verificar: solo ve esta conversación, y nuestro equipo ve que la dirección no está comprobada. Para unir este chat a su cuenta, podemos enviarle un código por correo.`,
    codesUnavailable:
      'Este servicio de soporte no puede enviar códigos por correo, así que aquí no se puede verificar su dirección. Puede seguir escribiendo; un agente confirmará quién es.',
    sendCode: 'Enviarme un código',
    resendCode: 'Enviar otro código',
    codeSent: (email) =>
      `Hemos enviado un código de 6 cifras a ${email}. Escríbalo aquí (sirve durante 10 minutos):`,
    confirmCode: 'Confirmar',
    verifiedNow: 'Gracias: su dirección está verificada.',
  },
};
