// Customer web chat: sign in with name and email, then one conversation kept live over SSE.
import { api, el, formatTime, renderMessage } from '/static/render.js';

const strings = {
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
    signedIn: (c) => `${c.name} · ${c.organisation}`,
    empty: 'Write to us and we will open a ticket for you.',
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
    signedIn: (c) => `${c.name} · ${c.organisation}`,
    empty: 'Escríbanos y abriremos un ticket para usted.',
  },
};

let text = strings.en;
const $ = (selector) => document.querySelector(selector);
const list = $('[data-testid="chat-messages"]');
const errorBox = $('[data-testid="error"]');
const posts = new Map(); // post id → its <li>, so a post from both the POST answer and the stream shows once
let stream = null;

function setLanguage(language) {
  const lang = language === 'es' ? 'es' : 'en';
  text = strings[lang];
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = text[node.dataset.i18n];
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = text[node.dataset.i18nPlaceholder];
  }
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

let noticeTimer;
function showNotice(message) {
  const notice = $('#notice');
  notice.textContent = message;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (notice.hidden = true), 8000);
}

async function onAction({ action, value }) {
  showError('');
  try {
    const answer = await api('/webchat/api/actions', { method: 'POST', body: { action, value } });
    if (answer.text) showNotice(answer.text);
  } catch (error) {
    showError(error.message);
  }
}

function renderPost(post) {
  const mine = post.authorKind === 'customer';
  return el(
    'li',
    {
      class: `post ${mine ? 'mine' : 'theirs'}`,
      'data-testid': 'chat-message',
      'data-author': post.authorKind,
      'data-id': post.id,
    },
    el('div', { class: 'post-meta' }, mine ? text.you : post.authorName, ' · ', formatTime(post.createdAt)),
    el('div', { class: 'bubble' }, renderMessage(post.message, onAction)),
  );
}

/** Adds or replaces a post, keeping the list in creation order whatever order posts arrive in. */
function upsert(post) {
  const node = renderPost(post);
  node.dataset.created = post.createdAt;
  const existing = posts.get(post.id);
  posts.set(post.id, node);
  if (existing) existing.replaceWith(node);
  else {
    const later = [...list.children].find((li) => li.dataset.created > post.createdAt);
    list.insertBefore(node, later ?? null);
  }
  list.querySelector('.empty')?.remove();
  node.scrollIntoView({ block: 'nearest' });
}

async function loadMessages() {
  const { messages } = await api('/webchat/api/messages');
  for (const post of messages) upsert(post);
  if (!list.children.length) list.append(el('li', { class: 'empty muted' }, text.empty));
}

function connect() {
  stream?.close();
  stream = new EventSource('/webchat/api/stream');
  const conn = $('#conn');
  // Fetch on every (re)connection: whatever was posted while the stream was down arrives this way.
  stream.addEventListener('open', () => {
    conn.hidden = true;
    loadMessages().catch((error) => showError(error.message));
  });
  for (const type of ['post', 'update'])
    stream.addEventListener(type, (event) => upsert(JSON.parse(event.data)));
  stream.addEventListener('error', () => {
    conn.hidden = false;
    // EventSource retries by itself unless the server refused outright (e.g. the session expired).
    if (stream.readyState === EventSource.CLOSED) setTimeout(start, 5000);
  });
}

function enterConversation(session) {
  setLanguage(session.language);
  $('#who').textContent = text.signedIn(session.contact);
  $('#signin').hidden = true;
  $('#conversation').hidden = false;
  connect();
  $('#input').focus();
}

async function start() {
  try {
    enterConversation(await api('/webchat/api/session'));
  } catch (error) {
    if (error.status !== 401) return showError(error.message);
    stream?.close();
    $('#conversation').hidden = true;
    $('#signin').hidden = false;
    $('#name').focus();
  }
}

$('#signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  const button = $('[data-testid="chat-start"]');
  button.disabled = true;
  try {
    const body = { name: $('#name').value.trim(), email: $('#email').value.trim() };
    enterConversation(await api('/webchat/api/session', { method: 'POST', body }));
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
});

let unsent = null; // {text, clientId} of a message whose send failed, so a retry reuses its id

async function send() {
  const input = $('#input');
  const message = input.value.trim();
  const button = $('[data-testid="chat-send"]');
  if (!message || button.disabled) return;
  showError('');
  button.disabled = true;
  try {
    // One id per message, kept across retries: if both attempts reached the server, it keeps one copy.
    if (unsent?.text !== message) unsent = { text: message, clientId: crypto.randomUUID() };
    const answer = await api('/webchat/api/messages', { method: 'POST', body: unsent });
    unsent = null;
    input.value = '';
    if (answer.message) upsert(answer.message);
  } catch (error) {
    showError(error.message); // the text stays in the box so nothing typed is lost
  } finally {
    button.disabled = false;
    input.focus();
  }
}

$('#composer').addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});
$('#input').addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter adds a line; never interrupt an IME composition.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});

setLanguage(navigator.language?.toLowerCase().startsWith('es') ? 'es' : 'en');
start();
