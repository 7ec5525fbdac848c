// Agent console: the ticket list (views, filters) and the live triage cards on the left, one ticket on the
// right, all kept live over SSE; in English or Spanish (console-strings.js).
import { consoleStrings } from '/static/console-strings.js';
import {
  api,
  chooseLanguage,
  el,
  formatTime,
  linkify,
  openForm,
  relativeTime,
  renderMessage,
  tickTimes,
  translatePage,
} from '/static/render.js';
import { fillOptions, optionName, priorities, sources } from '/static/ticket-options.js';

const $ = (selector) => document.querySelector(selector);
const cardList = $('[data-testid="cards"]');
const errorBox = $('[data-testid="error"]');
const replyBox = $('#reply');

// The console's words (console-strings.js), in the language the agent picks here, else their browser's
// (chooseLanguage).
const LANGUAGE_KEY = 'relevo.console.language';
let language = 'en';
let ui = consoleStrings.en;

function setLanguage(wanted) {
  language = wanted === 'es' ? 'es' : 'en';
  ui = consoleStrings[language];
  document.title = ui.page.title;
  translatePage(ui.page, language);
  fillOptions($('#filter-priority'), priorities, language);
  fillOptions($('#filter-source'), sources, language);
  $('#send-keys').textContent = ui.sendKeys;
}

let me = null; // the signed-in agent {id, name, role}
let current = null; // number of the ticket shown on the right
const cards = new Map(); // post id → card <li>; cards are edited in place, so updates replace by id
const drafts = new Map(); // ticket number → unsent composer text, kept when switching tickets
let stream = null;

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

let noticeTimer;
let noticeAbout = null; // { number, status? }: the ticket a notice spoke of, and its status when shown
/** A notice; `about` a ticket's number when it speaks of one ("#12: the customer was asked…"). */
function showNotice(message, about = null) {
  const notice = $('#notice');
  notice.textContent = message;
  notice.hidden = false;
  noticeAbout = about === null ? null : { number: about };
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (notice.hidden = true), 6000);
}

/** A notice about a ticket is stale once that ticket's status moved on (the customer answered meanwhile). */
function retireStaleNotice(ticket) {
  if (noticeAbout?.number !== ticket.number) return;
  noticeAbout.status ??= ticket.status;
  if (noticeAbout.status === ticket.status) return;
  $('#notice').hidden = true;
  noticeAbout = null;
}

/** Runs an async step with the error area cleared first and any failure shown in it. */
async function attempt(step) {
  showError('');
  try {
    return await step();
  } catch (error) {
    showError(error.message);
  }
}

// ---- Sign-in ---------------------------------------------------------------------------------

async function loadAgents() {
  const token = $('#token').value.trim();
  const select = $('#agent');
  if (!token) return;
  try {
    // The token is used here and at login only; the console itself runs on the session cookie.
    const { agents } = await api('/api/v1/agents', { headers: { authorization: `Bearer ${token}` } });
    select.replaceChildren(...agents.map((a) => el('option', { value: a.id }, `${a.name} (${a.role})`)));
    select.disabled = agents.length === 0;
    showError('');
  } catch (error) {
    select.replaceChildren(el('option', { value: '' }, ui.page.enterTokenFirst));
    select.disabled = true;
    showError(error.message);
  }
}

let tokenTimer;
$('#token').addEventListener('input', () => {
  clearTimeout(tokenTimer);
  tokenTimer = setTimeout(loadAgents, 300); // wait for a pause in typing before asking the server
});
$('#token').addEventListener('change', loadAgents);

$('#login').addEventListener('submit', (event) => {
  event.preventDefault();
  attempt(async () => {
    if (!$('#agent').value) await loadAgents();
    const body = { token: $('#token').value.trim(), agentId: $('#agent').value };
    const { agent } = await api('/console/api/login', { method: 'POST', body });
    $('#token').value = '';
    enterApp(agent);
  });
});

$('#logout').addEventListener('click', () =>
  attempt(async () => {
    await api('/console/api/logout', { method: 'POST', body: {} });
    showLogin();
  }),
);

function showLogin() {
  stream?.close();
  me = null;
  $('#app').hidden = true;
  $('#logout').hidden = true;
  $('#me').textContent = '';
  $('#login').hidden = false;
  $('#token').focus();
}

function enterApp(agent) {
  me = agent;
  tickTimes(); // the cards' SLA countdowns
  tickDue(); // the list's and the ticket view's
  $('#me').textContent = `${agent.name} · ${agent.role}`;
  $('#login').hidden = true;
  $('#logout').hidden = false;
  $('#app').hidden = false;
  attempt(loadFilterChoices);
  // The list at once, not after the live stream connects (its reload on connecting catches up with anything
  // that changed in between).
  attempt(() => loadList());
  connect();
}

// ---- Live updates ----------------------------------------------------------------------------

function connect() {
  stream?.close();
  stream = new EventSource('/console/api/stream');
  // Refetch on every (re)connection so nothing that happened while disconnected is missed.
  stream.addEventListener('open', () => {
    $('#conn').hidden = true;
    attempt(loadCards);
    refreshList();
    if (current) refreshTicket();
  });
  for (const type of ['post', 'update']) {
    stream.addEventListener(type, (e) => {
      upsertCard(JSON.parse(e.data));
      refreshList();
    });
  }
  stream.addEventListener('ticket', (e) => {
    refreshList();
    if (JSON.parse(e.data).number === current) refreshTicket();
  });
  stream.addEventListener('error', () => {
    $('#conn').hidden = false;
    // EventSource retries by itself unless the server refused (e.g. the session ended).
    if (stream.readyState === EventSource.CLOSED) setTimeout(start, 5000);
  });
}

// ---- Card feed -------------------------------------------------------------------------------

/** Presses a button; one that needs a form gets it from the server, and is pressed again with the answers. */
async function onAction(invocation) {
  await attempt(async () => {
    const { text, form } = await api('/console/api/actions', { method: 'POST', body: invocation });
    if (form) {
      openForm(form, (values) => onAction({ ...invocation, form: values }));
      return;
    }
    if (text) showNotice(text, Number(invocation.value));
    if (Number(invocation.value) === current) refreshTicket();
  });
}

/** A card names its ticket in its title ("#12 Printer on fire") and in its buttons' values. */
function ticketOf(post) {
  const fromTitle = /^#(\d+)/.exec(post.message.title ?? '')?.[1];
  const number = Number(fromTitle ?? post.message.buttons?.[0]?.value);
  return Number.isInteger(number) && number > 0 ? number : null;
}

function upsertCard(post) {
  const number = ticketOf(post);
  const card = el(
    'li',
    {
      class: 'card',
      'data-testid': 'card',
      'data-ticket': number,
      'data-id': post.id,
      tabindex: number ? 0 : null,
    },
    renderMessage(post.message, onAction),
    el('div', { class: 'card-time muted' }, formatTime(post.updatedAt ?? post.createdAt)),
  );
  card.dataset.created = post.createdAt;
  if (number) {
    card.classList.toggle('selected', number === current);
    card.addEventListener('click', (event) => {
      if (!event.target.closest('a, button')) openTicket(number);
    });
    card.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target === card) openTicket(number);
    });
  }
  const existing = cards.get(post.id);
  cards.set(post.id, card);
  if (existing) return existing.replaceWith(card); // an update keeps the card where it is
  // Newest first.
  const older = [...cardList.children].find((li) => li.dataset.created < post.createdAt);
  cardList.insertBefore(card, older ?? null);
}

async function loadCards() {
  const { messages } = await api('/console/api/messages');
  for (const post of messages) upsertCard(post);
}

// ---- Ticket list ------------------------------------------------------------------------------
// Views over GET /api/v1/tickets, paged by the server (most recently changed first), kept current by the
// live stream. The live cards are a view of their own.

const ACTIVE = 'new,open,waiting_on_customer,on_hold';
const views = {
  open: () => ({ status: ACTIVE }),
  mine: () => ({ status: `${ACTIVE},awaiting_confirmation`, assignee: me?.id ?? '' }),
  unassigned: () => ({ status: ACTIVE, assignee: 'none' }),
  overdue: () => ({ status: ACTIVE, sla: 'breached' }),
  waiting: () => ({ status: 'waiting_on_customer' }),
  confirming: () => ({ status: 'awaiting_confirmation' }),
  finished: () => ({ status: 'resolved,closed,spam,rejected' }),
};
const PAGE = 50;
const MAX_ROWS = 200; // the API's largest page: past it, a narrower view
let view = 'open';
let wanted = PAGE;
let loads = 0;
const ticketList = $('[data-testid="ticket-list"]');

/** A due time counting down in place: "due in 20 minutes", red once past ("was due 5 minutes ago"). */
function fillDue(node) {
  const at = node.dataset.due;
  const overdue = Date.now() >= new Date(at).getTime();
  node.textContent = (overdue ? ui.overdue : ui.due)(relativeTime(at));
  node.classList.toggle('overdue', overdue);
  node.dataset.overdue = String(overdue);
}

function dueChip(iso, attrs = {}) {
  const node = el('span', { class: 'due', 'data-due': iso, title: formatTime(iso), ...attrs });
  fillDue(node);
  return node;
}

let dueTicking = false;
/** Recounts every due time on the page once a minute, between the server's updates. */
function tickDue() {
  if (dueTicking) return;
  dueTicking = true;
  setInterval(() => {
    for (const node of document.querySelectorAll('[data-due]')) fillDue(node);
  }, 60_000);
}

/** A search result's snippet: the matched words marked, all of it text (never parsed as HTML). */
function snippetLine(parts) {
  return el(
    'span',
    { class: 'row-snippet', 'data-testid': 'row-snippet' },
    parts.map((part) => (part.match ? el('mark', {}, part.text) : part.text)),
  );
}

const FINISHED = ['awaiting_confirmation', 'resolved', 'closed', 'spam', 'rejected'];

function ticketRow(ticket) {
  const words = ticket.statusLabel?.[language] ?? ticket.status;
  const counting = ticket.slaDueAt && !FINISHED.includes(ticket.status);
  const row = el(
    'button',
    {
      type: 'button',
      class: `ticket-row status-${ticket.status}`,
      'data-testid': 'ticket-row',
      'data-ticket': ticket.number,
      'aria-current': ticket.number === current ? 'true' : null,
    },
    el('span', { class: 'row-title' }, `#${ticket.number} ${ticket.subject}`),
    el(
      'span',
      { class: 'row-meta muted' },
      [
        words,
        optionName(priorities, ticket.priority, language),
        names.organisations.get(ticket.organisationId) ?? ticket.organisationId,
        ticket.assigneeId ? (names.agents.get(ticket.assigneeId) ?? ticket.assigneeId) : ui.unassignedRow,
      ].join(' · '),
      ' · ',
      el(
        'time',
        { datetime: ticket.updatedAt, title: formatTime(ticket.updatedAt) },
        relativeTime(ticket.updatedAt),
      ),
      counting ? ' · ' : null,
      counting ? dueChip(ticket.slaDueAt, { 'data-testid': 'row-due' }) : null,
    ),
    ticket.snippet ? snippetLine(ticket.snippet) : null,
  );
  row.addEventListener('click', () => openTicket(ticket.number));
  return el('li', {}, row);
}

/**
 * The view's newest `wanted` tickets (a page more each "Show more", up to the server's 200): a refresh
 * reloads as many as are shown, and only the latest load is drawn, so a live update arriving while more
 * are loading never takes rows away.
 */
async function loadList({ more = false } = {}) {
  if (view === 'feed') return;
  if (more) wanted = Math.min(wanted + PAGE, MAX_ROWS);
  const seq = ++loads;
  const query = new URLSearchParams({ ...views[view](), ...filters(), limit: String(wanted) });
  const page = await api(`/api/v1/tickets?${query}`);
  if (seq !== loads) return; // a later load (another view, a refresh) is on its way
  const focused = ticketList.contains(document.activeElement) ? document.activeElement.dataset.ticket : null;
  ticketList.replaceChildren(...page.tickets.map(ticketRow));
  $('#list-more').hidden = !page.nextCursor || wanted >= MAX_ROWS;
  const searched = filters().q;
  $('#list-empty').textContent = searched ? ui.noResults(searched) : ui.page.listEmpty;
  $('#list-empty').hidden = page.tickets.length > 0;
  // A refresh keeps the keyboard where it was.
  if (focused) ticketList.querySelector(`[data-ticket="${focused}"]`)?.focus();
}

/** The filters chosen above the list, as the API's query parameters (empty ones left out). */
function filters() {
  const chosen = {
    q: $('#filter-q').value.trim(),
    organisation: $('#filter-organisation').value,
    product: $('#filter-product').value,
    priority: $('#filter-priority').value,
    source: $('#filter-source').value,
    sort: $('#filter-sort').value === 'due' ? 'due' : '',
  };
  return Object.fromEntries(Object.entries(chosen).filter(([, value]) => value));
}

function filtersChanged() {
  wanted = PAGE;
  attempt(() => loadList());
}
for (const select of document.querySelectorAll('[data-testid="filters"] select')) {
  select.addEventListener('change', filtersChanged);
}
// The search runs as the agent types, once they pause; Enter runs it at once.
let searchTimer;
$('#filter-q').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(filtersChanged, 250);
});
$('#filter-q').addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  event.preventDefault();
  clearTimeout(searchTimer);
  filtersChanged();
});

/** Names to show for the ids list rows carry (organisations, agents), once loaded. */
const names = { organisations: new Map(), agents: new Map() };

/** The organisations and products to filter by, and the names rows show, once signed in. */
async function loadFilterChoices() {
  const [{ organisations }, { products }, { agents }] = await Promise.all([
    api('/api/v1/organisations'),
    api('/api/v1/products'),
    api('/api/v1/agents'),
  ]);
  names.organisations = new Map(organisations.map((o) => [o.id, o.name]));
  names.agents = new Map(agents.map((a) => [a.id, a.name]));
  if (ticketList.children.length) refreshList(); // rows drawn before the names came
  const choices = (items) => [
    el('option', { value: '', 'data-i18n': 'all' }, ui.page.all),
    ...items.map((item) => el('option', { value: item.id }, item.name)),
  ];
  $('#filter-organisation').replaceChildren(...choices(organisations));
  $('#filter-product').replaceChildren(...choices(products));
}

// Live updates arrive in bursts (a ticket's card and its ticket event): one reload per burst.
let listTimer;
function refreshList() {
  clearTimeout(listTimer);
  listTimer = setTimeout(() => attempt(() => loadList()), 150);
}

function chooseView(name) {
  view = name;
  for (const tab of document.querySelectorAll('[data-view]')) {
    tab.setAttribute('aria-selected', String(tab.dataset.view === name));
    tab.tabIndex = tab.dataset.view === name ? 0 : -1;
  }
  $('#feed-panel').hidden = name !== 'feed';
  $('#list-panel').hidden = name === 'feed';
  $('#list-panel').setAttribute('aria-labelledby', `view-${name === 'feed' ? 'open' : name}`);
  wanted = PAGE;
  ticketList.replaceChildren();
  attempt(() => loadList());
}

for (const tab of document.querySelectorAll('[data-view]')) {
  tab.tabIndex = tab.dataset.view === view ? 0 : -1; // one tab stop for the whole row of tabs
  tab.addEventListener('click', () => chooseView(tab.dataset.view));
}
// The tabs and the rows are walked with the arrow keys; Enter opens a ticket.
$('[data-testid="views"]').addEventListener('keydown', (event) => {
  const tabs = [...document.querySelectorAll('[data-view]')];
  const at = tabs.indexOf(document.activeElement);
  const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
  if (at < 0 || !step) return;
  event.preventDefault();
  const next = tabs[(at + step + tabs.length) % tabs.length];
  next.focus();
  chooseView(next.dataset.view);
});
ticketList.addEventListener('keydown', (event) => {
  const rows = [...ticketList.querySelectorAll('[data-testid="ticket-row"]')];
  const at = rows.indexOf(document.activeElement);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[event.key];
  if (at < 0 || to === undefined || !rows[to]) return;
  event.preventDefault();
  rows[to].focus();
});
$('#list-more').addEventListener('click', () => attempt(() => loadList({ more: true })));

// ---- Ticket view -----------------------------------------------------------------------------

function openTicket(number) {
  if (current !== null) drafts.set(current, replyBox.value);
  current = number;
  replyBox.value = drafts.get(number) ?? '';
  for (const card of cardList.children)
    card.classList.toggle('selected', Number(card.dataset.ticket) === number);
  for (const row of ticketList.querySelectorAll('[data-testid="ticket-row"]'))
    row.setAttribute('aria-current', String(Number(row.dataset.ticket) === number));
  refreshTicket();
}

// Several `ticket` events can arrive at once: run one fetch at a time, plus one more if asked meanwhile.
let loading = null;
let again = false;
function refreshTicket() {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      await attempt(loadTicket);
    } while (again);
  })().finally(() => (loading = null));
  return loading;
}

async function loadTicket() {
  const number = current;
  const [{ ticket }, { buttons }] = await Promise.all([
    api(`/api/v1/tickets/${number}`),
    api(`/console/api/tickets/${number}/actions`),
  ]);
  if (number !== current) return;
  renderTicket(ticket);
  if (number !== similarOf) loadSimilar(number);
  // The ticket's card's buttons: only what makes sense where it stands (the server decides, as on the card).
  $('[data-testid="ticket-actions"]').replaceChildren(renderMessage({ buttons }, onAction));
}

// The solved tickets most like the open one (seed 004: resolved tickets' notes as documentation), fetched
// once per ticket opened: they change rarely, and never because of this ticket's own updates.
let similarOf = null;
async function loadSimilar(number) {
  similarOf = number;
  const box = $('[data-testid="similar"]');
  box.hidden = true;
  const { results } = await api(`/api/v1/tickets/${number}/similar`);
  if (number !== current) return;
  box.querySelector('ul').replaceChildren(
    ...results.map((hit) => {
      const open = el('button', { type: 'button', class: 'btn link' }, `#${hit.number} ${hit.subject}`);
      open.addEventListener('click', () => openTicket(hit.number));
      return el('li', { 'data-testid': 'similar-ticket' }, open, hit.solution ? ` — ${hit.solution}` : null);
    }),
  );
  box.hidden = results.length === 0;
}

/** The SLA clocks that ask something of someone now, counting down; none once the ticket is finished. */
function renderClocks(ticket) {
  const list = $('[data-testid="ticket-clocks"]');
  const rows = [];
  for (const name of ['firstResponse', 'nextUpdate', 'resolution']) {
    const clock = ticket.sla?.[name];
    if (!clock || FINISHED.includes(ticket.status) || clock.state === 'met') continue;
    if (clock.pausedBy === 'not_started') continue;
    let value;
    if (clock.state === 'paused') value = el('span', { class: 'muted' }, ui.clockPaused);
    else if (clock.stoppedAt)
      value = el('span', { class: 'overdue' }, ui.clockBreached(relativeTime(clock.dueAt)));
    else value = dueChip(clock.dueAt);
    rows.push(el('div', { 'data-clock': name }, el('dt', {}, ui.clocks[name]), el('dd', {}, value)));
  }
  list.replaceChildren(...rows);
  list.hidden = rows.length === 0;
}

/**
 * One timeline entry, its kind unmistakable: what the customer wrote, what they were sent, what only agents
 * read (a note: 🔒 and said so), and Relevo's own records (⚙, a quiet line). Each says who reads it.
 */
function renderEvent(event) {
  const author = event.authorAgent?.name ?? event.authorContact?.name ?? ui.system;
  const conversational = event.type in ui.events;
  const internal = event.visibility === 'internal';
  const classes = ['event', `event-${event.type}`];
  if (internal) classes.push('internal');
  if (!conversational) classes.push('event-system');
  const audience = conversational
    ? ui.audience[
        event.type === 'customer_message' ? 'customer_message' : internal ? 'private_note' : 'public_reply'
      ]
    : internal
      ? null
      : ui.audience.public_reply; // Relevo's message to the customer (asked to confirm, …)
  return el(
    'li',
    {
      class: classes.join(' '),
      'data-testid': 'event',
      'data-type': event.type,
      'data-audience': event.type === 'customer_message' ? 'customer' : internal ? 'agents' : 'public',
    },
    el(
      'div',
      { class: 'event-meta' },
      conversational ? el('span', { class: 'event-kind' }, ui.events[event.type]) : null,
      conversational ? el('strong', {}, author) : null,
      audience ? el('span', { class: 'event-audience' }, audience) : null,
      el('span', { class: 'muted' }, formatTime(event.createdAt)),
    ),
    el(
      'div',
      { class: 'event-body' },
      conversational ? null : el('span', { 'aria-hidden': 'true' }, '⚙ '),
      linkify(event.body ?? ''),
    ),
    event.type === 'private_note' ? shareControl(event) : null,
  );
}

/** Under a private note: the explicit gesture that sends its text to the customer, or that it was sent. */
function shareControl(event) {
  if (sharedNotes.has(event.id)) return el('div', { class: 'event-shared muted' }, `✓ ${ui.shared}`);
  const button = el('button', { type: 'button', class: 'btn link', 'data-testid': 'share-note' }, ui.share);
  button.addEventListener('click', () =>
    attempt(async () => {
      button.disabled = true;
      await api(`/api/v1/tickets/${current}/notes/${encodeURIComponent(event.id)}/share`, {
        method: 'POST',
        body: {},
      });
      await refreshTicket();
    }).finally(() => (button.disabled = false)),
  );
  return el('div', { class: 'event-share' }, button);
}
let sharedNotes = new Set(); // ids of the shown ticket's notes already sent to the customer

// ---- A new ticket on a customer's behalf (a phone call, a meeting) --------------------------------

$('[data-testid="new-ticket"]').addEventListener('click', () => {
  const words = ui.newTicketForm;
  // Normal first: the form's default.
  const order = ['normal', 'low', 'high', 'urgent'];
  openForm(
    {
      title: words.title,
      submitLabel: words.submit,
      fields: [
        {
          id: 'requesterEmail',
          label: words.email,
          kind: 'text',
          required: true,
          placeholder: 'name@example.com',
        },
        { id: 'subject', label: words.subject, kind: 'text', required: true },
        { id: 'body', label: words.body, kind: 'textarea', required: true },
        {
          id: 'priority',
          label: words.priority,
          kind: 'select',
          options: order.map((p) => ({ value: p, label: optionName(priorities, p, language) })),
        },
      ],
    },
    (values) =>
      attempt(async () => {
        const { number } = await api('/api/v1/tickets', { method: 'POST', body: values });
        showNotice(ui.opened(number), number);
        openTicket(number);
      }),
  );
});

function renderTicket(ticket) {
  $('#ticket-empty').hidden = true;
  $('#ticket-body').hidden = false;
  $('#ticket-subject').textContent = `#${ticket.number} ${ticket.subject}`;
  const status = $('[data-testid="ticket-status"]');
  // The status's one wording (the API's, as cards and /ticket commands write it).
  status.textContent = ticket.statusLabel?.[language] ?? ticket.status;
  status.className = `badge status-${ticket.status}`;
  retireStaleNotice(ticket);
  const others = (ticket.participants ?? []).map((p) => p.contact.name);
  $('#ticket-info').textContent = [
    optionName(priorities, ticket.priority, language),
    ticket.organisation?.name,
    ticket.contact?.name,
    others.length ? `${ui.alsoOnIt}: ${others.join(', ')}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const unverified = $('[data-testid="ticket-unverified"]');
  unverified.hidden = ticket.contact?.verified !== false;
  unverified.textContent = `⚠ ${ui.unverified}`;
  unverified.title = ticket.contact?.claimedEmail ? ui.claimed(ticket.contact.claimedEmail) : '';
  $('[data-testid="ticket-assignee"]').textContent = ticket.assignee
    ? ui.assignedTo(ticket.assignee.name)
    : ui.unassigned;
  $('[data-testid="assign-me"]').hidden = ticket.assignee?.id === me?.id || FINISHED.includes(ticket.status);
  renderSatisfaction(ticket.satisfaction);
  renderClocks(ticket);
  // Stay at the bottom of the timeline if the agent was there, otherwise keep their place.
  const timeline = $('#timeline');
  const atBottom = timeline.scrollTop + timeline.clientHeight >= timeline.scrollHeight - 20;
  sharedNotes = new Set(ticket.events.map((e) => e.data?.sharedFrom).filter(Boolean));
  timeline.replaceChildren(...ticket.events.map(renderEvent));
  if (atBottom) timeline.scrollTop = timeline.scrollHeight;
}

/** The customer's answer to the satisfaction survey, once they were asked: "★★★★☆ 4/5 — “comment”". */
function renderSatisfaction(survey) {
  const node = $('[data-testid="ticket-satisfaction"]');
  node.hidden = !survey;
  if (!survey) return;
  const rating =
    survey.score === null
      ? ui.satisfactionWaiting
      : `${'★'.repeat(survey.score)}${'☆'.repeat(5 - survey.score)} ${survey.score}/5`;
  node.textContent = `${ui.satisfaction}: ${rating}${survey.comment ? ` — “${survey.comment}”` : ''}`;
}

$('[data-testid="assign-me"]').addEventListener('click', () =>
  attempt(async () => {
    await api(`/api/v1/tickets/${current}/assign`, { method: 'POST', body: { assignee: me.id } });
    await refreshTicket();
  }),
);

/**
 * Product rule (seed 002, netiquette): a reply that reads as shouting is checked with the agent before it
 * goes. Says what it found: capitals throughout, "!!!", "???".
 */
function shoutingIn(text) {
  const found = [];
  const cased = [...text].filter((c) => c.toUpperCase() !== c.toLowerCase());
  if (cased.length >= 8 && cased.every((c) => c === c.toUpperCase())) found.push(ui.caps);
  for (const run of ['!!!', '???']) if (text.includes(run)) found.push(ui.marks(run));
  return found;
}

/** The console's own dialog (not the browser's confirm): what was found, and a choice. True: send. */
function confirmShouting(found) {
  const edit = el('button', { type: 'button', class: 'btn', 'data-testid': 'shouting-edit' }, ui.edit);
  const send = el(
    'button',
    { type: 'button', class: 'btn primary', 'data-testid': 'shouting-send' },
    ui.sendAnyway,
  );
  const dialog = el(
    'dialog',
    { class: 'dialog', 'data-testid': 'shouting', 'aria-labelledby': 'shouting-title' },
    el('h2', { id: 'shouting-title' }, ui.shoutingTitle),
    el(
      'ul',
      {},
      found.map((line) => el('li', {}, line)),
    ),
    el('p', {}, ui.shoutingAdvice),
    el('div', { class: 'form-buttons' }, edit, send),
  );
  return new Promise((resolve) => {
    let answer = false;
    edit.addEventListener('click', () => dialog.close());
    send.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    // Escape closes it too: that is "edit it".
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (!answer) replyBox.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    edit.focus(); // the safe choice is the one Enter takes
  });
}

let sending = false; // a reply or note on its way: a second Ctrl+Enter or click must not send it twice

async function sendFromComposer(kind) {
  const text = replyBox.value.trim();
  if (!text || current === null || sending) return;
  sending = true;
  const buttons = document.querySelectorAll('.composer-buttons button');
  for (const b of buttons) b.disabled = true;
  try {
    const found = kind === 'replies' ? shoutingIn(text) : [];
    if (found.length && !(await confirmShouting(found))) return;
    await attempt(async () => {
      await api(`/api/v1/tickets/${current}/${kind}`, { method: 'POST', body: { text } });
      replyBox.value = '';
      drafts.delete(current);
      await refreshTicket();
    });
  } finally {
    sending = false;
    for (const b of buttons) b.disabled = false;
  }
}

$('#composer').addEventListener('submit', (event) => {
  event.preventDefault();
  sendFromComposer('replies');
});
// Ctrl+Enter (⌘+Enter on a Mac) replies to the customer; Enter alone adds a line. Never while an IME
// composes. A private note keeps its button: a keystroke must not decide who reads the text.
replyBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing) {
    event.preventDefault();
    sendFromComposer('replies');
  }
});
$('[data-testid="note-send"]').addEventListener('click', () => sendFromComposer('notes'));

// ---- Commands --------------------------------------------------------------------------------

$('#command').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('[data-testid="command-input"]');
  const text = input.value.trim();
  if (!text) return;
  const output = $('[data-testid="command-output"]');
  output.replaceChildren(); // an old answer next to a new error would read as this command's answer
  attempt(async () => {
    const { message } = await api('/console/api/commands', { method: 'POST', body: { text } });
    output.replaceChildren(renderMessage(message, onAction));
    input.value = '';
  });
});

// ---- Start -----------------------------------------------------------------------------------

chooseLanguage(LANGUAGE_KEY, (picked) => {
  setLanguage(picked);
  // What the console drew itself follows; the server's words come in the next answers.
  if (me) refreshList();
  if (current !== null) refreshTicket();
});

async function start() {
  try {
    enterApp((await api('/console/api/me')).agent);
  } catch (error) {
    if (error.status === 401) showLogin();
    else showError(error.message);
  }
}

start();
