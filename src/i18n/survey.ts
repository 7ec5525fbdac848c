// The satisfaction survey's words (seed 004 step 8), in English and Spanish: the message the customer
// reads where they wrote (in their language), the answers to their presses, the page behind the email's
// link, and what agents read on the ticket and its card.
import type { Localized } from './localized.ts';

const l = (en: string, es: string): Localized => ({ en, es });

/** "★★★★☆ 4/5": the same in both languages. */
export const stars = (score: number) => `${'★'.repeat(score)}${'☆'.repeat(5 - score)} ${score}/5`;

export const surveyTexts = {
  // The survey message, edited in place as it is answered.
  ask: (n: number): Localized =>
    l(
      `How did we do with ticket #${n}? Rate us from 1 (poor) to 5 (excellent).`,
      `¿Qué tal lo hicimos con el ticket #${n}? Valórenos de 1 (mal) a 5 (excelente).`,
    ),
  byLink: (url: string): Localized =>
    l(`One click, no sign-in needed: ${url}`, `Un clic, sin necesidad de iniciar sesión: ${url}`),
  rated: (n: number, score: number): Localized =>
    l(
      `Thank you: you rated ticket #${n} ${score} of 5.`,
      `Gracias: ha valorado el ticket #${n} con ${score} de 5.`,
    ),
  commented: l('We have your comment too.', 'También tenemos su comentario.'),
  addComment: l('Add a comment…', 'Añadir un comentario…'),

  // The comment's form (its title fits Slack's and Mattermost's 24 characters).
  form: {
    title: l('Your comment', 'Su comentario'),
    submit: l('Send', 'Enviar'),
    comment: l('What should we know?', '¿Qué deberíamos saber?'),
  },

  // Answers to the person who pressed or submitted.
  thanksRating: (n: number, score: number): Localized =>
    l(
      `Thank you for rating ticket #${n} ${score} of 5.`,
      `Gracias por valorar el ticket #${n} con ${score} de 5.`,
    ),
  thanksComment: (n: number): Localized =>
    l(`Thank you for your comment on ticket #${n}.`, `Gracias por su comentario sobre el ticket #${n}.`),
  alreadyRated: (n: number, score: number): Localized =>
    l(
      `You already rated ticket #${n} ${score} of 5; that answer stands. Thank you!`,
      `Ya valoró el ticket #${n} con ${score} de 5; esa respuesta se mantiene. ¡Gracias!`,
    ),
  alreadyCommented: (n: number): Localized =>
    l(
      `Ticket #${n} already has your comment; that one stands. Thank you!`,
      `El ticket #${n} ya tiene su comentario; ese se mantiene. ¡Gracias!`,
    ),
  notAsked: (n: number): Localized =>
    l(
      `Ticket #${n} has no satisfaction survey to answer.`,
      `El ticket #${n} no tiene ninguna encuesta de satisfacción que responder.`,
    ),
  customersOnly: l(
    'Only the customer answers the satisfaction survey.',
    'Solo el cliente responde a la encuesta de satisfacción.',
  ),
  badScore: l('A rating is a whole number from 1 to 5.', 'Una valoración es un número entero del 1 al 5.'),
  emptyComment: l('Write your comment first.', 'Escriba primero su comentario.'),
  longComment: (max: number): Localized =>
    l(
      `A comment can be at most ${max} characters long.`,
      `Un comentario puede tener como mucho ${max} caracteres.`,
    ),

  // The page behind the email's signed link.
  page: {
    title: (n: number): Localized => l(`Ticket #${n}: how did we do?`, `Ticket #${n}: ¿qué tal lo hicimos?`),
    scale: l('Your rating', 'Su valoración'),
    poor: l('poor', 'mal'),
    excellent: l('excellent', 'excelente'),
    comment: l('Anything to add? (optional)', '¿Algo que añadir? (opcional)'),
    submit: l('Send', 'Enviar'),
    unknown: l(
      'This survey link is not valid. Check that the whole link was copied from the email.',
      'Este enlace de encuesta no es válido. Compruebe que ha copiado el enlace entero del correo.',
    ),
    other: l('Español', 'English'),
  },

  // What agents read: the ticket's history and its card.
  event: {
    rated: (score: number, via: string): Localized =>
      l(`Satisfaction: ${stars(score)} (${via})`, `Satisfacción: ${stars(score)} (${via})`),
    commented: (comment: string): Localized =>
      l(`Satisfaction comment: ${comment}`, `Comentario de satisfacción: ${comment}`),
    link: l('email link', 'enlace del correo'),
  },
  field: {
    label: l('Satisfaction', 'Satisfacción'),
    waiting: l('asked, no answer yet', 'preguntada, sin respuesta aún'),
  },
};
