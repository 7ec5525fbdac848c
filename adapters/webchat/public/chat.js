// Customer web chat: sign in with name and email, then one conversation kept live over SSE. A visitor
// who only typed an address is unverified (sees only this conversation) until they type a code mailed
// to it; a site embedding the chat can instead open it with a signed identity in the URL fragment:
// /chat#email=alice%40acme.com&name=Alice&signature=<hex HMAC-SHA256 of the address> (README).
import { chatStrings } from '/static/chat-strings.js';
import {
  api,
  chooseLanguage,
  el,
  formatTime,
  openForm,
  renderMessage,
  translatePage,
} from '/static/render.js';

let text = chatStrings.en;
const $ = (selector) => document.querySelector(selector);
const list = $('[data-testid="chat-messages"]');
const errorBox = $('[data-testid="error"]');
// post id → the post and its <li>: a post from both the POST answer and the stream shows once, and all are
// drawn again in another language.
const posts = new Map();
let stream = null;

// The customer's language: the one they pick here, else their browser's (chooseLanguage). The
// organisation's language does not override it: it is what Relevo writes when it knows no better. The
// server is told it (at sign-in, with each message, and at each switch), so Relevo's own answers speak it.
const LANGUAGE_KEY = 'relevo.chat.language';
let language = 'en';

function setLanguage(picked) {
  const lang = picked === 'es' ? 'es' : 'en';
  const switched = lang !== language;
  language = lang;
  text = chatStrings[lang];
  translatePage(text, lang);
  // What is on screen already follows: who is signed in, and every post's "You" and time.
  if (session) renderIdentity();
  for (const { post } of posts.values()) upsert(post, { scroll: false });
  if (session && switched) tellLanguage();
}

/** Relevo writes to this customer in the page's language from now on. */
async function tellLanguage() {
  try {
    session = await api('/webchat/api/language', { method: 'POST', body: { language } });
  } catch (error) {
    showError(error.message);
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

/** A button of post `post` pressed: the server then replaces the post's buttons with the outcome. */
async function onAction({ action, value, post }, form) {
  showError('');
  try {
    const body = { action, value, post, ...(form ? { form } : {}) };
    const answer = await api('/webchat/api/actions', { method: 'POST', body });
    // The button opens a form (a survey's comment): the answer comes with its submission.
    if (answer.form) openForm(answer.form, (values) => onAction({ action, value, post }, values));
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
    el(
      'div',
      { class: 'bubble' },
      renderMessage(post.message, (pressed) => onAction({ ...pressed, post: post.id })),
    ),
  );
}

/** Adds or replaces a post, keeping the list in creation order whatever order posts arrive in. */
function upsert(post, { scroll = true } = {}) {
  const node = renderPost(post);
  node.dataset.created = post.createdAt;
  const existing = posts.get(post.id)?.node;
  posts.set(post.id, { post, node });
  if (existing) existing.replaceWith(node);
  else {
    const later = [...list.children].find((li) => li.dataset.created > post.createdAt);
    list.insertBefore(node, later ?? null);
  }
  list.querySelector('.empty')?.remove();
  if (scroll) node.scrollIntoView({ block: 'nearest' });
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

let session = null; // GET /webchat/api/session's answer: contact, verified, codes, language

/** Who the visitor is, and while unverified, how they can prove it. */
function renderIdentity() {
  $('#who').textContent = text.signedIn(session);
  $('#verified-badge').hidden = !session.verified;
  $('#verify').hidden = session.verified;
  if (session.verified) return;
  $('#verify-intro').textContent = text.verifyIntro(session.contact.email);
  $('#verify-unavailable').hidden = session.codes;
  $('#verify-send').hidden = !session.codes;
}

function enterConversation(current) {
  session = current;
  renderIdentity();
  $('#signin').hidden = true;
  $('#signout').hidden = false;
  $('#conversation').hidden = false;
  connect();
  $('#input').focus();
}

function showSignIn() {
  stream?.close();
  session = null;
  posts.clear();
  list.replaceChildren();
  $('#who').textContent = '';
  $('#verified-badge').hidden = true;
  $('#verify').hidden = true;
  $('#verify-form').hidden = true;
  $('#signout').hidden = true;
  $('#conversation').hidden = true;
  $('#signin').hidden = false;
  $('#name').focus();
}

async function start() {
  try {
    enterConversation(await api('/webchat/api/session'));
  } catch (error) {
    if (error.status !== 401) return showError(error.message);
    showSignIn();
  }
}

/** An identity the embedding site signed, from the URL fragment (never sent to any server log). */
function signedIdentityFromUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const email = params.get('email');
  const signature = params.get('signature');
  if (!email || !signature) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return { name: params.get('name') || email.split('@')[0], email, signature };
}

async function boot(signed) {
  if (signed) {
    try {
      const current = await api('/webchat/api/session').catch(() => null);
      const same = current?.verified && current.contact.email === signed.email.trim().toLowerCase();
      return enterConversation(
        same ? current : await api('/webchat/api/session', { method: 'POST', body: { ...signed, language } }),
      );
    } catch (error) {
      showError(error.message); // then the ordinary sign-in
    }
  }
  await start();
}

$('#verify-send').addEventListener('click', async () => {
  showError('');
  const button = $('#verify-send');
  button.disabled = true;
  try {
    const { sentTo } = await api('/webchat/api/verification', { method: 'POST', body: {} });
    $('#verify-sent').textContent = text.codeSent(sentTo);
    $('#verify-form').hidden = false;
    button.textContent = text.resendCode;
    $('#verify-code').focus();
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
});

$('#verify-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  const button = $('[data-testid="verify-confirm"]');
  button.disabled = true;
  try {
    const code = $('#verify-code').value.trim();
    session = await api('/webchat/api/verification/confirm', { method: 'POST', body: { code } });
    $('#verify-code').value = '';
    $('#verify-form').hidden = true;
    renderIdentity();
    showNotice(text.verifiedNow);
    connect(); // the session's token was renewed: listen with the new one
  } catch (error) {
    showError(error.message);
  } finally {
    button.disabled = false;
  }
});

$('#signout').addEventListener('click', async () => {
  showError('');
  try {
    await api('/webchat/api/logout', { method: 'POST', body: {} });
    showSignIn();
  } catch (error) {
    showError(error.message);
  }
});

$('#signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  showError('');
  const button = $('[data-testid="chat-start"]');
  button.disabled = true;
  try {
    const body = { name: $('#name').value.trim(), email: $('#email').value.trim(), language };
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
    const answer = await api('/webchat/api/messages', { method: 'POST', body: { ...unsent, language } });
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

chooseLanguage(LANGUAGE_KEY, setLanguage);
boot(signedIdentityFromUrl());
