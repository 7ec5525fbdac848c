// The team's dashboard (seeds 001 and 004 step 10): GET /api/v1/reports/summary drawn as tiles, a chart of
// created against resolved tickets (uPlot, served by Relevo from its npm package) and the times, SLA and
// recurring problems; the same filters give the CSV. Signed in with the agent console's session.
import { dashboardStrings } from '/static/dashboard-strings.js';
import { api, chooseLanguage, el, translatePage } from '/static/render.js';
import { fillOptions, priorities, sources } from '/static/ticket-options.js';
import uPlot from '/static/vendor/uPlot.esm.js';

const $ = (selector) => document.querySelector(selector);
const DAY = 86_400_000;
let ui = dashboardStrings.en;
let language = 'en';
/** Category id → its names in both languages (GET /api/v1/categories), for the category filter's options. */
let categoryLabels = new Map();
let chart = null;
let last = null; // the summary drawn, redrawn in the other language without asking again

const isoDay = (date) => date.toISOString().slice(0, 10);

function setLanguage(wanted) {
  language = wanted === 'es' ? 'es' : 'en';
  ui = dashboardStrings[language];
  document.title = ui.page.title;
  translatePage(ui.page, language);
  fillOptions($('#priority'), priorities, language);
  fillOptions($('#source'), sources, language);
  nameCategories();
  if (last) draw(last);
}

/** The category filter's options in the page's language (the server sends both; no second request). */
function nameCategories() {
  for (const option of $('#category').options) {
    const label = categoryLabels.get(option.value);
    if (label) option.textContent = label[language];
  }
}

function showError(message) {
  $('[data-testid="error"]').textContent = message;
  $('[data-testid="error"]').hidden = !message;
}

/** The report's query: the chosen days (the last one included) and filters, empty ones left out. */
function query() {
  const to = new Date(`${$('#to').value}T00:00:00Z`).getTime() + DAY;
  const chosen = {
    from: $('#from').value,
    to: isoDay(new Date(to)),
    bucket: $('#bucket').value,
    organisation: $('#organisation').value,
    priority: $('#priority').value,
    source: $('#source').value,
    plan: $('#plan').value,
    product: $('#product').value,
    category: $('#category').value,
    agent: $('#agent').value,
  };
  return new URLSearchParams(Object.entries(chosen).filter(([, value]) => value));
}

const minutes = (n) => {
  if (n === null) return ui.none;
  if (n < 90) return `${Math.round(n)} min`;
  if (n < 48 * 60) return `${(n / 60).toFixed(1)} h`;
  return `${(n / 1440).toFixed(1)} d`;
};
const percent = (rate) => (rate === null ? ui.none : `${Math.round(rate * 100)}%`);
const pair = (term, value, testid) =>
  el('div', { 'data-testid': testid }, el('dt', {}, term), el('dd', {}, value));

function draw(report) {
  last = report;
  $('#now').replaceChildren(
    ...Object.entries(ui.tiles).map(([key, words]) => pair(words, String(report.now[key]), `now-${key}`)),
  );
  const times = (kind) => {
    const t = report[kind];
    return pair(
      ui[kind],
      ui.medianP90(minutes(t.medianMinutes), minutes(t.p90Minutes), t.count),
      `times-${kind}`,
    );
  };
  $('#times').replaceChildren(
    times('firstResponse'),
    times('resolution'),
    ...Object.entries(ui.sla).map(([clock, words]) => {
      const c = report.sla[clock];
      return pair(words, ui.compliance(percent(c.rate), c.met, c.breached), `sla-${clock}`);
    }),
  );
  $('#top').replaceChildren(
    ...Object.entries(ui.top).map(([kind, words]) => {
      // Categories are named in the page's language; products and organisations carry their names.
      const name = (row) => categoryLabels.get(row.key)?.[language] ?? row.name ?? row.key;
      const rows = report.top[kind].map(
        (row) => `${kind === 'categories' ? name(row) : row.name} ${row.count}`,
      );
      return pair(words, rows.length ? rows.join(' · ') : ui.nothing, `top-${kind}`);
    }),
  );
  const csat = report.satisfaction;
  const average = csat.average === null ? ui.none : ui.averageOf(csat.average.toFixed(1));
  $('#satisfaction').replaceChildren(
    pair(ui.csat.average, average, 'csat-average'),
    pair(ui.csat.satisfied, percent(csat.satisfied), 'csat-satisfied'),
    pair(
      ui.csat.answered,
      ui.answeredOf(csat.answered, csat.asked, percent(csat.responseRate)),
      'csat-answered',
    ),
    pair(ui.csat.scores, ui.scoreCounts(csat.scores), 'csat-scores'),
  );
  drawChart(report.series);
}

function drawChart(series) {
  const box = $('#chart');
  chart?.destroy();
  const data = [
    series.map((s) => new Date(s.start).getTime() / 1000),
    series.map((s) => s.created),
    series.map((s) => s.resolved),
  ];
  chart = new uPlot(
    {
      width: Math.max(320, box.clientWidth),
      height: 260,
      series: [
        {},
        { label: ui.created, stroke: '#2f6db5', width: 2, points: { size: 6 } },
        { label: ui.resolved, stroke: '#1f8a4c', width: 2, points: { size: 6 } },
      ],
      axes: [{}, { label: '' }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    },
    data,
    box,
  );
  box.dataset.points = String(series.length);
}

async function load() {
  showError('');
  $('#csv').href = `/api/v1/reports/series.csv?${query()}`;
  try {
    draw(await api(`/api/v1/reports/summary?${query()}`));
  } catch (error) {
    showError(error.message);
  }
}

async function start() {
  try {
    await api('/console/api/me');
  } catch (error) {
    showError(error.status === 401 ? ui.signInFirst : error.message);
    return;
  }
  const today = new Date();
  $('#to').value = isoDay(today);
  $('#from').value = isoDay(new Date(today.getTime() - 6 * DAY));
  const [{ organisations }, { plans }, { products }, { categories }, { agents }] = await Promise.all([
    api('/api/v1/organisations'),
    api('/api/v1/plans'),
    api('/api/v1/products'),
    api('/api/v1/categories'),
    api('/api/v1/agents'),
  ]);
  const options = (items) => items.map((item) => el('option', { value: item.id }, item.name));
  $('#organisation').append(...options(organisations));
  $('#plan').append(...options(plans));
  $('#product').append(...options(products));
  $('#agent').append(...options(agents));
  categoryLabels = new Map(categories.map((c) => [c.id, c.label]));
  $('#category').append(...categories.map((c) => el('option', { value: c.id })));
  nameCategories();
  $('#dashboard').hidden = false;
  for (const input of document.querySelectorAll('#report-filters input, #report-filters select'))
    input.addEventListener('change', load);
  await load();
}

chooseLanguage('relevo.console.language', setLanguage);
start();
