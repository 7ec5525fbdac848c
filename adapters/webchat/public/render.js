// Renders Relevo's platform-neutral message description (OutMessage) as DOM, for the web chat and the
// agent console alike. Message text comes from customers, so everything goes through textContent /
// createElement; innerHTML is never used.

/** Small element builder: el('p', {class: 'x'}, 'text', child). Attributes are set, not parsed. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const urlPattern = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

function link(url) {
  return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url);
}

/** Text with http(s) URLs turned into links; everything else stays plain text. */
export function linkify(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(urlPattern)) {
    parts.push(text.slice(last, match.index), link(match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== '');
}

/**
 * Returns an element for one message. onAction({action, value}) is called when a button is pressed; it
 * may return a promise, during which the button stays disabled so a double click does not run an action
 * twice. A button that needs a form learns so from the server's answer (see console.js onAction).
 */
export function renderMessage(message, onAction) {
  const root = el('div', { class: message.tone ? `msg tone-${message.tone}` : 'msg' });
  if (message.title) root.append(el('div', { class: 'msg-title' }, message.title));
  if (message.text) root.append(el('div', { class: 'msg-text' }, linkify(message.text)));
  if (message.fields?.length) {
    const list = el('dl', { class: 'msg-fields' });
    for (const f of message.fields) {
      const isUrl = /^https?:\/\/\S+$/.test(f.value);
      const dd = f.when
        ? timedValue(f)
        : el('dd', { class: f.tone ? `tone-${f.tone}` : null }, isUrl ? link(f.value) : f.value);
      list.append(el('div', {}, el('dt', {}, f.label), dd));
    }
    root.append(list);
  }
  if (message.buttons?.length) {
    const row = el('div', { class: 'msg-buttons' });
    for (const b of message.buttons) row.append(actionButton(b, onAction));
    root.append(row);
  }
  if (message.context) root.append(el('div', { class: 'msg-context' }, message.context));
  return root;
}

// ---- Live times ----------------------------------------------------------------------------------
// A card is re-rendered only when its ticket changes or an SLA clock crosses a threshold, so a field
// with a due time (Field.when in src/core/message.ts) counts on here in the browser: its relative part
// is recomputed each minute from the ISO time, and once that time passes the field turns red
// (`tone-danger`) without waiting for the server.

/**
 * "in 20 minutes", "3 hours ago" (Intl: English and Spanish alike), in `language` — the words around it are
 * written in that one — else the page's.
 */
export function relativeTime(iso, now = Date.now(), language = undefined) {
  const locale = viewerLocale(language || undefined);
  const format = formatter(
    `relative ${locale}`,
    () => new Intl.RelativeTimeFormat(locale, { numeric: 'always' }),
  );
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  const abs = Math.abs(minutes);
  // Under a minute either way: "now" / "ahora", not "0 minutes ago".
  if (abs === 0)
    return formatter(`now ${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(
      0,
      'second',
    );
  if (abs < 90) return format.format(minutes, 'minute');
  if (abs < 48 * 60) return format.format(Math.round(minutes / 60), 'hour');
  return format.format(Math.round(minutes / (24 * 60)), 'day');
}

function fillTimed(dd) {
  const { at, template, tone, language } = dd.dataset;
  dd.textContent = template
    .replaceAll('{relative}', relativeTime(at, Date.now(), language))
    .replaceAll('{moment}', formatTime(at));
  const overdue = Date.now() >= new Date(at).getTime();
  const shown = overdue ? 'danger' : tone;
  dd.className = shown ? `timed tone-${shown}` : 'timed';
  dd.dataset.overdue = String(overdue);
  // The whole card goes red with it, as the server would colour it at its next rendering.
  if (overdue) dd.closest('.msg')?.classList.add('tone-danger');
}

function timedValue(field) {
  const dd = el('dd', {
    'data-testid': 'timed',
    'data-at': field.when.at,
    'data-template': field.when.relative,
    'data-language': field.when.language,
    'data-tone': field.tone,
    title: field.value,
  });
  fillTimed(dd);
  return dd;
}

let ticking = false;
/** Starts the once-a-minute refresh of every timed field on the page (idempotent). */
export function tickTimes() {
  if (ticking) return;
  ticking = true;
  setInterval(() => {
    for (const dd of document.querySelectorAll('dd[data-at]')) fillTimed(dd);
  }, 60_000);
}

function actionButton(button, onAction) {
  const node = el('button', { type: 'button', class: `btn ${button.style ?? ''}`.trim() }, button.label);
  node.addEventListener('click', async (event) => {
    event.stopPropagation(); // a button inside a clickable card must not also open the card
    node.disabled = true;
    try {
      // The server answers with the button's form when it has one (forms are not carried in buttons).
      await onAction({ action: button.action, value: button.value });
    } finally {
      node.disabled = false;
    }
  });
  return node;
}

/** Shows a form in a modal <dialog>; onSubmit gets {fieldId: value}. The dialog removes itself. */
export function openForm(spec, onSubmit) {
  const form = el('form', { method: 'dialog', class: 'form' }, el('h2', {}, spec.title));
  for (const f of spec.fields) {
    const id = `form-field-${f.id}`;
    const common = {
      id,
      name: f.id,
      'data-testid': `form-${f.id}`,
      required: f.required,
      placeholder: f.placeholder,
    };
    if (f.kind === 'choices') {
      // A group of checkboxes: its answer is the ticked values joined by commas (core/message.ts).
      const boxes = (f.options ?? []).map((o) =>
        el(
          'label',
          { class: 'choice' },
          el('input', {
            type: 'checkbox',
            name: f.id,
            value: o.value,
            'data-testid': `form-${f.id}-${o.value}`,
            checked: (f.initial ?? []).includes(o.value),
          }),
          ` ${o.label}`,
        ),
      );
      form.append(el('fieldset', { class: 'choices', id }, el('legend', {}, f.label), ...boxes));
      continue;
    }
    let input;
    if (f.kind === 'textarea') input = el('textarea', { ...common, rows: 4 });
    else if (f.kind === 'select') {
      input = el(
        'select',
        common,
        (f.options ?? []).map((o) => el('option', { value: o.value }, o.label)),
      );
    } else input = el('input', { ...common, type: 'text' });
    form.append(
      el('label', { for: id }, f.label, f.required ? el('span', { class: 'req' }, ' *') : null),
      input,
    );
  }
  const dialog = el('dialog', { class: 'dialog' }, form);
  const cancel = el(
    'button',
    { type: 'button', class: 'btn' },
    document.documentElement.lang === 'es' ? 'Cancelar' : 'Cancel',
  );
  const submit = el(
    'button',
    { type: 'submit', class: 'btn primary', 'data-testid': 'form-submit' },
    spec.submitLabel,
  );
  form.append(el('div', { class: 'form-buttons' }, cancel, submit));
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const answerOf = (f) =>
      f.kind === 'choices'
        ? [...form.querySelectorAll(`input[name="${f.id}"]:checked`)].map((box) => box.value).join(',')
        : form.elements.namedItem(f.id).value;
    const values = Object.fromEntries(spec.fields.map((f) => [f.id, answerOf(f)]));
    dialog.close();
    onSubmit(values);
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * The locale times are written in: the viewer's own (the browser's) when it is of the page's language —
 * an English page in a British browser writes 16:34, in an American one 4:34 PM — else the page's
 * language. Times are in the browser's time zone.
 */
export function viewerLocale(language = document.documentElement.lang || 'en') {
  const page = language.toLowerCase().split('-')[0];
  const own = [...(navigator.languages ?? []), navigator.language].find(
    (l) => l && l.toLowerCase().split('-')[0] === page,
  );
  return own ?? page;
}

/**
 * Writes a page in `language` from its `words`: the elements marked data-i18n (text), data-i18n-placeholder
 * and data-i18n-label (aria-label), and which [data-language] button is pressed.
 */
export function translatePage(words, language) {
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = words[node.dataset.i18n];
  for (const node of document.querySelectorAll('[data-i18n-placeholder]'))
    node.placeholder = words[node.dataset.i18nPlaceholder];
  for (const node of document.querySelectorAll('[data-i18n-label]'))
    node.setAttribute('aria-label', words[node.dataset.i18nLabel]);
  for (const button of document.querySelectorAll('[data-language]'))
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
}

/**
 * The page's language: the one picked with its [data-language] buttons (remembered in this browser under
 * `key`), else the browser's. `apply` gets it now and at each pick.
 */
export function chooseLanguage(key, apply) {
  let chosen = null;
  try {
    chosen = localStorage.getItem(key);
  } catch {
    // storage refused (a private window's policy): the browser's language, every time
  }
  for (const button of document.querySelectorAll('[data-language]')) {
    button.addEventListener('click', () => {
      try {
        localStorage.setItem(key, button.dataset.language);
      } catch {
        // not remembered; still switched for this page
      }
      apply(button.dataset.language);
    });
  }
  apply(chosen ?? (navigator.language?.toLowerCase().startsWith('es') ? 'es' : 'en'));
}

/** "14:05" today, "3 Mar 14:05" otherwise, as the viewer writes times (viewerLocale). */
export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const locale = viewerLocale();
  const time = formatter(
    `time ${locale}`,
    () => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
  );
  const day = formatter(
    `day ${locale}`,
    () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }),
  );
  if (date.toDateString() === new Date().toDateString()) return time.format(date);
  return `${day.format(date)} ${time.format(date)}`;
}

// Building an Intl formatter costs about a millisecond (toLocaleTimeString with options builds one per call):
// a list of 50 rows with three times each spent ~200 ms on it. Each is built once per locale and kept.
const formatters = new Map();
function formatter(key, build) {
  let made = formatters.get(key);
  if (!made) {
    made = build();
    formatters.set(key, made);
  }
  return made;
}

// Control characters (a paste from a terminal) cannot be stored and nobody can see them to delete them:
// they are dropped before sending. Tab and line breaks stay. The server refuses any that get through.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * fetch for the JSON API: same-origin cookies, JSON body, and errors thrown as Error(error.message)
 * so callers can show the server's own wording, in the language the page shows (sent as
 * Accept-Language). err.status carries the HTTP status (401 → sign in, 429 → wait).
 */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const language = document.documentElement.lang;
  const init = {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(language ? { 'accept-language': language } : {}), ...headers },
  };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body, (_key, value) =>
      typeof value === 'string' ? value.replace(controls, '') : value,
    );
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data?.error?.message ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return data;
}
