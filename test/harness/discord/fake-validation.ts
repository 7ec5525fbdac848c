// Discord's checks on what a bot sends, answered as 400 50035 Invalid Form Body with the nested
// `errors` object Discord uses ({field: {index: {field: {_errors: [{code, message}]}}}}). A message
// the real API would refuse must be refused here too, or Relevo's limits go untested.
import { ComponentType } from 'discord-api-types/v10';
import { DiscordError } from './fake-shapes.ts';

type Path = (string | number)[];

export class FormErrors {
  private readonly tree: Record<string, any> = {};
  private count = 0;

  add(path: Path, code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      node[String(key)] ??= {};
      node = node[String(key)];
    }
    node._errors ??= [];
    node._errors.push({ code, message });
    this.count++;
  }

  maxLength(path: Path, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max)
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  between(path: Path, value: unknown, min: number, max: number): void {
    if (typeof value !== 'string') {
      this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    } else if (value.length < min || value.length > max) {
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  }

  /** Throws the 50035 answer when anything was added. */
  throwIfAny(): void {
    if (this.count > 0) throw new DiscordError(400, 50035, 'Invalid Form Body', this.tree);
  }
}

const EMBED_TOTAL = 6000;

function embedLength(e: Record<string, any>): number {
  const len = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  let total = len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
  for (const f of Array.isArray(e.fields) ? e.fields : []) total += len(f?.name) + len(f?.value);
  return total;
}

function checkEmbeds(errors: FormErrors, embeds: unknown): void {
  if (embeds === undefined || embeds === null) return;
  if (!Array.isArray(embeds)) {
    errors.add(['embeds'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return;
  }
  if (embeds.length > 10) errors.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((e: Record<string, any>, i) => {
    errors.maxLength(['embeds', i, 'title'], e?.title, 256);
    errors.maxLength(['embeds', i, 'description'], e?.description, 4096);
    errors.maxLength(['embeds', i, 'footer', 'text'], e?.footer?.text, 2048);
    errors.maxLength(['embeds', i, 'author', 'name'], e?.author?.name, 256);
    const fields = Array.isArray(e?.fields) ? e.fields : [];
    if (fields.length > 25)
      errors.add(['embeds', i, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    fields.forEach((f: Record<string, any>, j: number) => {
      errors.between(['embeds', i, 'fields', j, 'name'], f?.name, 1, 256);
      errors.between(['embeds', i, 'fields', j, 'value'], f?.value, 1, 1024);
    });
    total += embedLength(e ?? {});
  });
  // Discord counts the 6,000 characters across all of a message's embeds.
  if (total > EMBED_TOTAL)
    errors.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${EMBED_TOTAL}`);
}

const SELECTS = new Set<number>([
  ComponentType.StringSelect,
  ComponentType.UserSelect,
  ComponentType.RoleSelect,
  ComponentType.MentionableSelect,
  ComponentType.ChannelSelect,
]);

function checkInteractive(errors: FormErrors, path: Path, c: Record<string, any>): void {
  if (c.type === ComponentType.Button) {
    errors.maxLength([...path, 'label'], c.label, 80);
    // Link buttons (style 5) carry a url instead of a custom_id; premium buttons (6) a sku_id.
    if (c.style !== 5 && c.style !== 6) errors.between([...path, 'custom_id'], c.custom_id, 1, 100);
  } else if (SELECTS.has(c.type)) {
    errors.between([...path, 'custom_id'], c.custom_id, 1, 100);
    errors.maxLength([...path, 'placeholder'], c.placeholder, 150);
    if (c.type === ComponentType.StringSelect) {
      const options = Array.isArray(c.options) ? c.options : [];
      if (options.length < 1 || options.length > 25)
        errors.add([...path, 'options'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 25 in length.');
      options.forEach((o: Record<string, any>, k: number) => {
        errors.between([...path, 'options', k, 'label'], o?.label, 1, 100);
        errors.between([...path, 'options', k, 'value'], o?.value, 1, 100);
      });
    }
  }
}

/** Message components: ≤ 5 action rows, each ≤ 5 buttons or exactly 1 select. */
function checkComponents(errors: FormErrors, components: unknown): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    errors.add(['components'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return;
  }
  if (components.length > 5)
    errors.add(['components'], 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
  components.forEach((row: Record<string, any>, i) => {
    if (row?.type !== ComponentType.ActionRow) return;
    const children: Record<string, any>[] = Array.isArray(row.components) ? row.components : [];
    const selects = children.filter((c) => SELECTS.has(c?.type)).length;
    if (children.length < 1 || children.length > 5)
      errors.add(
        ['components', i, 'components'],
        'BASE_TYPE_BAD_LENGTH',
        'Must be between 1 and 5 in length.',
      );
    else if (selects > 0 && children.length > 1)
      errors.add(
        ['components', i, 'components'],
        'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        'The specified component exceeds the maximum width',
      );
    children.forEach((c, j) => {
      checkInteractive(errors, ['components', i, 'components', j], c ?? {});
    });
  });
}

/** POST/PATCH message bodies (also interaction responses and webhook follow-ups). */
export function validateMessageBody(body: Record<string, any>): void {
  const errors = new FormErrors();
  errors.maxLength(['content'], body.content, 2000);
  checkEmbeds(errors, body.embeds);
  checkComponents(errors, body.components);
  errors.throwIfAny();
}

export function validateThreadName(name: unknown): void {
  const errors = new FormErrors();
  errors.between(['name'], name, 1, 100);
  errors.throwIfAny();
}

/** A modal (interaction callback type 9): custom_id ≤ 100, title ≤ 45, 1–5 top-level components. */
export function validateModal(data: Record<string, any>): void {
  const errors = new FormErrors();
  errors.between(['data', 'custom_id'], data.custom_id, 1, 100);
  errors.between(['data', 'title'], data.title, 1, 45);
  const n = Array.isArray(data.components) ? data.components.length : 0;
  if (n < 1 || n > 5)
    errors.add(['data', 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  errors.throwIfAny();
}

const COMMAND_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

function checkCommandOptions(errors: FormErrors, path: Path, options: unknown): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) {
    errors.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
    return;
  }
  if (options.length > 25) errors.add(path, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  let optionalSeen = false;
  options.forEach((o: Record<string, any>, i) => {
    const at = [...path, i];
    checkName(errors, [...at, 'name'], o?.name);
    errors.between([...at, 'description'], o?.description, 1, 100);
    // Subcommands (1) and groups (2) nest their own options and are never "required".
    if (o?.type === 1 || o?.type === 2) {
      checkCommandOptions(errors, [...at, 'options'], o.options);
      return;
    }
    if (o?.required && optionalSeen)
      errors.add(
        at,
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    if (!o?.required) optionalSeen = true;
  });
}

function checkName(errors: FormErrors, path: Path, name: unknown): void {
  if (typeof name !== 'string' || !COMMAND_NAME.test(name) || name !== name.toLowerCase())
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
}

/** PUT …/commands (bulk overwrite): names lowercase 1–32, descriptions 1–100, ≤ 25 options. */
export function validateCommands(commands: unknown): void {
  const errors = new FormErrors();
  if (!Array.isArray(commands)) {
    errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    errors.throwIfAny();
    return;
  }
  commands.forEach((c: Record<string, any>, i) => {
    // User and message commands (types 2, 3) are named as people read them: 1-32 characters, any case.
    if ((c?.type ?? 1) === 1) checkName(errors, [i, 'name'], c?.name);
    else errors.between([i, 'name'], c?.name, 1, 32);
    // Only chat-input commands (type 1, the default) have descriptions.
    if ((c?.type ?? 1) === 1) errors.between([i, 'description'], c?.description, 1, 100);
    checkCommandOptions(errors, [i, 'options'], c?.options);
  });
  errors.throwIfAny();
}
