// The web pages' buttons, forms and /ticket lines go through the chat router like every platform's; the
// answer is the HTTP response, and a refusal is a 4xx carrying the router's words.
import type { Interaction } from '../../src/core/chat/events.ts';
import { UserError } from '../../src/core/errors.ts';
import type { FormSpec, OutMessage } from '../../src/core/message.ts';
import type { Actor } from '../../src/core/tickets/service.ts';
import type { HttpContext } from '../../src/http/context.ts';

type Answer = { message: OutMessage } | { form: FormSpec };

/** Runs an interaction from a web page; resolves with its answer, or throws the refusal as a UserError. */
async function answerOverHttp(ctx: HttpContext, interaction: Interaction): Promise<Answer> {
  let answer: Answer = { message: { text: '' } };
  let refusal: UserError | undefined;
  await ctx.router.interact(interaction, {
    reply: async (message) => {
      answer = { message };
    },
    openForm: async (form) => {
      answer = { form };
    },
    refused: async (text, status, code) => {
      // Already in the person's language, as the router chose it.
      refusal = UserError.inTheirLanguage(text, status as UserError['status'], code);
    },
  });
  if (refusal) throw refusal;
  return answer;
}

/**
 * A button pressed, or its form submitted: `{ text }`, or `{ form }` to fill in and submit. With
 * `language`, the form and the answer are in it (the console page's); else in the person's own.
 */
export async function press(
  ctx: HttpContext,
  actor: Actor,
  input: { action: string; value: string; form?: Record<string, string> },
  language?: string,
): Promise<{ text: string } | { form: FormSpec }> {
  const person = { actor };
  const { action, value } = input;
  const shown = language ? { language } : {};
  const answer = await answerOverHttp(
    ctx,
    input.form
      ? { kind: 'form', platform: 'webchat', person, action, value, values: input.form, ...shown }
      : { kind: 'button', platform: 'webchat', person, action, value, ...shown },
  );
  return 'form' in answer ? answer : { text: answer.message.text };
}

/** A `/ticket` line typed in the console: the command's answer. */
export async function command(
  ctx: HttpContext,
  actor: Actor,
  text: string,
  language?: string,
): Promise<OutMessage> {
  const shown = language ? { language } : {};
  const answer = await answerOverHttp(ctx, {
    kind: 'command',
    platform: 'webchat',
    person: { actor },
    text,
    ...shown,
  });
  return 'message' in answer ? answer.message : { text: '' };
}
