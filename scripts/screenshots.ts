// `npx tsx scripts/screenshots.ts`: the README's pictures — the agent console and the web chat in Spanish —
// taken in headless Chromium from a demo Relevo in memory, with a few tickets a day's work would have.
// Writes docs/console.png and docs/chat-es.png.
import { mkdir, readFile } from 'node:fs/promises';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { parseEnv } from '../src/config/env.ts';
import { parseConfigFile } from '../src/config/file.ts';
import { demoConfigPath } from '../src/config/index.ts';
import { launchChromium } from '../test/harness/browser.ts';

const token = 'screenshot-token-0123456789';
const app = await createApp({
  env: parseEnv({ RELEVO_DATA_DIR: 'memory://', PORT: '0', RELEVO_API_TOKEN: token, LOG_LEVEL: 'silent' }),
  config: parseConfigFile(await readFile(demoConfigPath, 'utf8'), 'demo.yaml'),
  logger: pino({ level: 'silent' }),
});
const url = await app.listen();
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.json());

for (const [email, subject, priority] of [
  ['marta@example.com', 'La exportación a PDF falla desde el lunes', 'high'],
  ['tom@example.com', 'VPN drops every ten minutes', 'normal'],
  ['ines@example.com', 'Alta de usuario nuevo para Recursos Humanos', 'low'],
  ['li@example.com', 'Invoices show the wrong tax rate', 'urgent'],
] as const) {
  await post('/api/v1/tickets', { requesterEmail: email, subject, body: subject, priority });
}

const browser = await launchChromium();
await mkdir('docs', { recursive: true });
const viewport = { width: 1280, height: 800 };

// The customer writes in Spanish on the web chat.
const chat = await (await browser.newContext({ locale: 'es-ES', viewport })).newPage();
await chat.goto(`${url}/chat`);
await chat.getByTestId('chat-name').fill('Lucía Pérez');
await chat.getByTestId('chat-email').fill('lucia@example.com');
await chat.getByTestId('chat-start').click();
await chat
  .getByTestId('chat-input')
  .fill('Hola: la impresora de la segunda planta imprime páginas en blanco.');
await chat.getByTestId('chat-input').press('Enter');
await chat.locator('[data-testid="chat-message"][data-author="relevo"]').first().waitFor();

// The agent opens that ticket from the list.
const consolePage = await (await browser.newContext({ locale: 'en-GB', viewport })).newPage();
await consolePage.goto(`${url}/console`);
await consolePage.getByTestId('login-token').fill(token);
await consolePage.locator('[data-testid="login-agent"] option[value="ana"]').waitFor({ state: 'attached' });
await consolePage.getByTestId('login-agent').selectOption('ana');
await consolePage.getByTestId('login-submit').click();
const row = consolePage.getByTestId('ticket-row').filter({ hasText: 'impresora' });
await row.waitFor();
await row.click();
await consolePage.locator('[data-testid="event"][data-type="customer_message"]').waitFor();
await consolePage.getByTestId('reply-input').fill('Gracias, Lucía: ¿qué modelo de impresora es?');
await consolePage.getByTestId('reply-send').click();
await chat.locator('[data-testid="chat-message"]', { hasText: '¿qué modelo' }).waitFor();
await consolePage.locator('[data-testid="event"][data-type="public_reply"]').waitFor();
// The list follows live: answered, the ticket is open now.
await row.filter({ hasText: 'open ·' }).waitFor({ timeout: 15_000 });

await chat.screenshot({ path: 'docs/chat-es.png' });
await consolePage.screenshot({ path: 'docs/console.png' });
console.log('wrote docs/chat-es.png and docs/console.png');
await browser.close();
await app.stop();
