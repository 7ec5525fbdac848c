// The web chat's identity flows in real headless Chromium: an unverified visitor proves their address
// with a code mailed to it (read from a local SMTP sink), in English and in Spanish — the language the
// visitor's browser speaks, or the one they pick on the page; a page opened with
// an identity signed by the embedding site arrives verified; without outgoing mail the page says codes
// are not available; signing out ends the session. The agent console marks an unverified requester.
// Waits are Playwright's own (waitFor / expect.poll), never fixed sleeps.

import { createHmac } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmail } from '../../src/email/parse.ts';
import { startTestApp, type TestApp } from '../harness/app.ts';
import { launchChromium } from '../harness/browser.ts';
import { type SmtpSink, startSmtpSink } from '../harness/email/smtp-sink.ts';
import { agentClient } from '../harness/http.ts';

const SECRET = 'embedding-site-secret-0123456789abcdef';

describe('web chat identity in a browser', () => {
  let t: TestApp;
  let bare: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  const pages: Page[] = [];
  const pageErrors: string[] = [];

  async function open(context: BrowserContext, url: string): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`${url}: ${error.message}`));
    pages.push(page);
    await page.goto(url);
    return page;
  }
  const context = (locale: string) => browser.newContext({ locale, viewport: { width: 1200, height: 860 } });

  /** The code in the latest mail to an address, once it has arrived. */
  async function codeMailedTo(address: string, count: number): Promise<string> {
    await expect
      .poll(
        async () => {
          const mails = await Promise.all(sink.messages.map((m) => parseEmail(m.raw)));
          return mails.filter((m) => m.to.some((a) => a.address === address)).length;
        },
        { timeout: 15_000 },
      )
      .toBe(count);
    const mails = await Promise.all(sink.messages.map((m) => parseEmail(m.raw)));
    const mail = mails.filter((m) => m.to.some((a) => a.address === address)).at(-1);
    const code = /\b(\d{6})\b/.exec(mail?.text ?? '')?.[1];
    if (!code) throw new Error('no code in the mail');
    return code;
  }

  async function signIn(page: Page, name: string, email: string) {
    await page.getByTestId('chat-name').fill(name);
    await page.getByTestId('chat-email').fill(email);
    await page.getByTestId('chat-start').click();
    await page.getByTestId('chat-input').waitFor();
  }

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({
      env: {
        RELEVO_SUPPORT_ADDRESS: 'support@relevo.test',
        RELEVO_SMTP_URL: sink.url,
        RELEVO_WEBCHAT_IDENTITY_SECRET: SECRET,
      },
    });
    bare = await startTestApp();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await mkdir('test-results', { recursive: true });
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: `test-results/identity-${i}.png`, fullPage: true }).catch(() => {});
    }
    await browser?.close();
    await t?.stop();
    await bare?.stop();
    await sink?.close();
  });

  it('an unverified visitor proves their address with a mailed code; the console shows the change; signing out ends the session', async () => {
    const agentPage = await open(await context('en-GB'), `${t.url}/console`);
    await agentPage.getByTestId('login-token').fill(t.apiToken);
    await agentPage.locator('[data-testid="login-agent"] option[value="ana"]').waitFor({ state: 'attached' });
    await agentPage.getByTestId('login-agent').selectOption('ana');
    await agentPage.getByTestId('login-submit').click();
    await agentPage.getByTestId('command-input').waitFor();

    const page = await open(await context('en-GB'), `${t.url}/chat`);
    await signIn(page, 'Bob', 'bob@example.com');
    await expect.poll(() => page.getByTestId('chat-who').textContent()).toBe('Bob · bob@example.com');
    expect(await page.getByTestId('chat-verified').isVisible()).toBe(false);
    expect(await page.getByTestId('verify-intro').textContent()).toContain(
      'You are writing as bob@example.com, an address not verified yet',
    );
    expect(await page.getByTestId('verify-unavailable').isVisible()).toBe(false);

    await page.getByTestId('chat-input').fill('My invoices are missing');
    await page.getByTestId('chat-input').press('Enter');
    const ack = page
      .locator('[data-testid="chat-message"][data-author="relevo"]', { hasText: /#\d+/ })
      .first();
    await ack.waitFor();
    const n = Number(/#(\d+)/.exec((await ack.textContent()) ?? '')?.[1]);

    // The agent sees an unverified requester.
    await agentPage.getByRole('tab', { name: 'Live cards' }).click();
    const card = agentPage.locator(`[data-testid="card"][data-ticket="${n}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain(
      'unverified web chat visitor (typed bob@example.com, not proven)',
    );
    await card.locator('.msg-title').click();
    const badge = agentPage.getByTestId('ticket-unverified');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('⚠ unverified web chat visitor');

    await page.getByTestId('verify-send').click();
    await page.getByTestId('verify-sent').waitFor();
    expect(await page.getByTestId('verify-sent').textContent()).toBe(
      'We sent a 6-digit code to bob@example.com. Type it here (it works for 10 minutes):',
    );
    const code = await codeMailedTo('bob@example.com', 1);
    await page.getByTestId('verify-code').fill(code === '000000' ? '111111' : '000000');
    await page.getByTestId('verify-confirm').click();
    await expect
      .poll(() => page.getByTestId('error').textContent())
      .toBe('That code is not right. 4 attempts left.');
    await page.getByTestId('verify-code').fill(code);
    await page.getByTestId('verify-confirm').click();
    await page.getByTestId('chat-verified').waitFor();
    await expect.poll(() => page.getByTestId('chat-who').textContent()).toBe('Bob · Acme');
    expect(await page.getByTestId('verify-panel').isVisible()).toBe(false);
    expect(await page.getByTestId('error').isVisible()).toBe(false);

    // The console follows live: the requester is now verified.
    await badge.waitFor({ state: 'hidden' });
    // The conversation goes on, live, under the renewed session.
    await agentClient(t.url, t.apiToken).post(`/api/v1/tickets/${n}/replies`, { text: 'We found them' });
    await page.locator('[data-testid="chat-message"]', { hasText: 'We found them' }).waitFor();
    expect(await page.getByTestId('chat-messages').textContent()).toContain('My invoices are missing');

    await page.getByTestId('chat-signout').click();
    await page.getByTestId('chat-start').waitFor();
    expect(await page.getByTestId('chat-messages').textContent()).toBe('');
    await page.reload();
    await page.getByTestId('chat-start').waitFor();
    expect(await page.getByTestId('chat-input').isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('speaks Spanish to a Spanish-speaking organisation’s visitor, code mail included', async () => {
    const page = await open(await context('es-ES'), `${t.url}/chat`);
    await signIn(page, 'Lucía', 'lucia@globex.es');
    await expect.poll(() => page.getByTestId('verify-send').textContent()).toBe('Enviarme un código');
    expect(await page.getByTestId('verify-intro').textContent()).toContain(
      'Está escribiendo como lucia@globex.es, una dirección aún sin verificar',
    );
    await page.getByTestId('verify-send').click();
    await page.getByTestId('verify-sent').waitFor();
    expect(await page.getByTestId('verify-sent').textContent()).toContain(
      'Hemos enviado un código de 6 cifras',
    );
    const code = await codeMailedTo('lucia@globex.es', 1);
    const mails = await Promise.all(sink.messages.map((m) => parseEmail(m.raw)));
    expect(mails.at(-1)?.subject).toBe('Su código de verificación');
    await page.getByTestId('verify-code').fill(code);
    await page.getByTestId('verify-confirm').click();
    await expect.poll(() => page.getByTestId('chat-verified').textContent()).toBe('Verificado');
    await expect.poll(() => page.getByTestId('chat-who').textContent()).toBe('Lucía · Globex');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('speaks the customer’s language, not their organisation’s: the browser’s, then the one they pick, remembered — and tells the server', async () => {
    const page = await open(await context('es-ES'), `${t.url}/chat`);
    const heading = page.locator('h1');
    await expect.poll(() => heading.textContent()).toBe('Soporte');
    // Acme writes English; a Spanish-speaking visitor of Acme stays in Spanish after signing in.
    await signIn(page, 'Pilar', 'pilar@example.com');
    expect(await heading.textContent()).toBe('Soporte');
    expect(await page.getByTestId('chat-send').textContent()).toBe('Enviar');
    expect(await page.getByTestId('chat-language-es').getAttribute('aria-pressed')).toBe('true');
    // Their choice, shown at once on everything already on screen, and kept across a reload.
    await page.getByTestId('chat-input').fill('Hola, la impresora no imprime');
    await page.getByTestId('chat-input').press('Enter');
    const mine = page.locator('[data-testid="chat-message"][data-author="customer"] .post-meta').first();
    await expect.poll(() => mine.textContent()).toMatch(/^Usted · /);
    // The page tells the server its language: Relevo's own acknowledgement speaks it, not Acme's English.
    const ack = page.locator('[data-testid="chat-message"][data-author="relevo"]', { hasText: /#\d+/ });
    await expect.poll(() => ack.first().textContent()).toMatch(/Gracias, hemos abierto el ticket #\d+/);
    const kept = async () =>
      (await t.app.db.prisma.contact.findFirst({ where: { claimedEmail: 'pilar@example.com' } }))?.language;
    expect(await kept()).toBe('es');
    await page.getByTestId('chat-language-en').click();
    expect(await heading.textContent()).toBe('Support');
    expect(await page.getByTestId('chat-send').textContent()).toBe('Send');
    expect(await mine.textContent()).toMatch(/^You · /);
    expect(await page.getByTestId('chat-language-en').getAttribute('aria-pressed')).toBe('true');
    // …and so does the switch: Relevo writes to her in English from now on.
    await expect.poll(kept).toBe('en');
    await page.reload();
    await page.getByTestId('chat-input').waitFor();
    expect(await heading.textContent()).toBe('Support');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('a page opened with a signed identity arrives verified; a forged one is refused and offers the sign-in', async () => {
    const signature = createHmac('sha256', SECRET).update('alice@example.com').digest('hex');
    const page = await open(
      await context('en-GB'),
      `${t.url}/chat#email=alice%40example.com&name=Alice&signature=${signature}`,
    );
    await page.getByTestId('chat-verified').waitFor();
    await expect.poll(() => page.getByTestId('chat-who').textContent()).toBe('Alice · Acme');
    expect(await page.evaluate(() => location.hash)).toBe('');

    const forged = await open(
      await context('en-GB'),
      `${t.url}/chat#email=alice%40example.com&name=Alice&signature=${'0'.repeat(64)}`,
    );
    await expect
      .poll(() => forged.getByTestId('error').textContent())
      .toBe(
        'The page was opened with an identity that could not be verified. Sign in with your name and email instead.',
      );
    await forged.getByTestId('chat-start').waitFor();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('without outgoing mail the page says codes cannot be mailed, and offers no button', async () => {
    const page = await open(await context('en-GB'), `${bare.url}/chat`);
    await signIn(page, 'Fay', 'fay@example.com');
    const unavailable = page.getByTestId('verify-unavailable');
    await unavailable.waitFor();
    expect(await unavailable.textContent()).toBe(
      'This help desk cannot email codes, so your address cannot be verified here. You can go on writing; an agent will confirm who you are.',
    );
    expect(await page.getByTestId('verify-send').isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
