// What a person reads when Relevo refuses a request for its shape or its pace, in Spanish and English.
// The language is the one the page shows (it sends it as Accept-Language), else the browser's.
import type { Language } from './index.ts';

export type LimitName =
  | 'webchatSessionsPerAddress'
  | 'webchatSessionsPerVisitor'
  | 'webchatMessagesPerSession'
  | 'webchatMessagesPerAddress'
  | 'ticketsPerVisitor'
  | 'signInsPerAddress'
  | 'wrongTokensPerAddress'
  | 'streamsPerSession'
  | 'streamsPerAddress';

interface RefusalTexts {
  control: (field: string, codePoint: string) => string;
  malformed: (field: string) => string;
  blank: (field: string) => string;
  emptyMessage: string;
  emptyName: string;
  /** `wait` is already worded ("45 seconds"). */
  limited: Record<LimitName, (wait: string, max: number) => string>;
  wait: (seconds: number) => string;
}

const en: RefusalTexts = {
  control: (field, cp) =>
    `${field}: contains a control character (${cp}) that cannot be stored. Remove it and send again.`,
  malformed: (field) =>
    `${field}: is not valid text (it holds half of a character pair). Check it and send again.`,
  blank: (field) => `${field}: is empty (it has no visible characters).`,
  emptyMessage: 'The message is empty: write something visible.',
  emptyName: 'Tell us your name.',
  limited: {
    webchatSessionsPerAddress: (wait) =>
      `Too many new conversations were started from your network. Please try again in ${wait}.`,
    webchatSessionsPerVisitor: (wait) =>
      `Too many new conversations were started with this email address. Please try again in ${wait}.`,
    webchatMessagesPerSession: (wait) =>
      `You are sending messages faster than we can take them. Please wait ${wait} and send it again; your text is kept.`,
    webchatMessagesPerAddress: (wait) =>
      `Too many messages are coming from your network. Please wait ${wait} and send it again; your text is kept.`,
    ticketsPerVisitor: (wait, max) =>
      `You have opened ${max} tickets within the hour, the most we open for one person. Please add to a conversation you already have, or try again in ${wait}.`,
    signInsPerAddress: (wait) => `Too many sign-in attempts from this address. Try again in ${wait}.`,
    wrongTokensPerAddress: (wait) =>
      `Too many requests with a wrong token came from this address. Try again in ${wait}.`,
    streamsPerSession: (_wait, max) =>
      `This conversation is already open in ${max} windows or tabs. Close one and reload this page.`,
    streamsPerAddress: (_wait, max) =>
      `${max} live pages are already open from your network. Close some and reload this page.`,
  },
  wait: (s) => wording(s, ['second', 'seconds', 'minute', 'minutes', 'hour', 'hours']),
};

const es: RefusalTexts = {
  control: (field, cp) =>
    `${field}: contiene un carácter de control (${cp}) que no se puede guardar. Quítelo y envíelo de nuevo.`,
  malformed: (field) =>
    `${field}: no es un texto válido (contiene la mitad de un par de caracteres). Revíselo y envíelo de nuevo.`,
  blank: (field) => `${field}: está vacío (no tiene caracteres visibles).`,
  emptyMessage: 'El mensaje está vacío: escriba algo visible.',
  emptyName: 'Díganos su nombre.',
  limited: {
    webchatSessionsPerAddress: (wait) =>
      `Se han iniciado demasiadas conversaciones desde su red. Vuelva a intentarlo en ${wait}.`,
    webchatSessionsPerVisitor: (wait) =>
      `Se han iniciado demasiadas conversaciones con esta dirección de correo. Vuelva a intentarlo en ${wait}.`,
    webchatMessagesPerSession: (wait) =>
      `Está enviando mensajes más rápido de lo que podemos recibirlos. Espere ${wait} y envíelo de nuevo; su texto se conserva.`,
    webchatMessagesPerAddress: (wait) =>
      `Llegan demasiados mensajes desde su red. Espere ${wait} y envíelo de nuevo; su texto se conserva.`,
    ticketsPerVisitor: (wait, max) =>
      `Ha abierto ${max} tickets en una hora, el máximo que abrimos para una persona. Añada lo que necesite a una conversación que ya tenga, o vuelva a intentarlo en ${wait}.`,
    signInsPerAddress: (wait) =>
      `Demasiados intentos de acceso desde esta dirección. Vuelva a intentarlo en ${wait}.`,
    wrongTokensPerAddress: (wait) =>
      `Llegaron demasiadas solicitudes con un token incorrecto desde esta dirección. Vuelva a intentarlo en ${wait}.`,
    streamsPerSession: (_wait, max) =>
      `Esta conversación ya está abierta en ${max} ventanas o pestañas. Cierre alguna y vuelva a cargar esta página.`,
    streamsPerAddress: (_wait, max) =>
      `Ya hay ${max} páginas en vivo abiertas desde su red. Cierre algunas y vuelva a cargar esta página.`,
  },
  wait: (s) => wording(s, ['segundo', 'segundos', 'minuto', 'minutos', 'hora', 'horas']),
};

function wording(seconds: number, [s1, sN, m1, mN, h1, hN]: string[]): string {
  const n = Math.max(1, Math.ceil(seconds));
  if (n < 60) return `${n} ${n === 1 ? s1 : sN}`;
  const minutes = Math.ceil(n / 60);
  // Rounded up, so the wait is never shorter than said; whole hours only once that is not misleading.
  if (minutes <= 90 && minutes % 60 !== 0) return `${minutes} ${minutes === 1 ? m1 : mN}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} ${hours === 1 ? h1 : hN}`;
}

export function refusals(language: Language): RefusalTexts {
  return language === 'es' ? es : en;
}

/** The first of Spanish or English an Accept-Language header prefers (by q), else English. */
export function languageFromHeader(header: string | undefined): Language {
  let best: { lang: Language; q: number } | undefined;
  for (const part of (header ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const lang = tag?.startsWith('es') ? 'es' : tag?.startsWith('en') ? 'en' : undefined;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang ?? 'en';
}
