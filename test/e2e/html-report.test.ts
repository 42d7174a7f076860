/**
 * The HTML report in a real browser (Debian's chromium, driven by playwright-core): a run against
 * the lab's Dovecot shows its verdict, findings and a waterfall bar for every step; a hostile
 * server's markup (`<script>`, `<img onerror>`) shows as text and runs nothing; the page loads
 * nothing from anywhere. Screenshots go to test-output/ (gitignored). Also: JSON stage offsets
 * and --fail-on against the lab.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scripts, startFakeImap, type FakeImapServer } from '../servers/fake-imap.js';
import { labOrSkip, programAvailable } from '../servers/require.js';
import { expectExit, registerSecret, ROOT, runCli, secretForms, labArgs } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const OUT = path.join(ROOT, 'test-output');
const HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';
const lab = labOrSkip('dovecot (html report)');
const browserOk = lab !== null && programAvailable('html report browser', 'chromium', 'chromium');

/** A browser with a fresh profile that may load file: URLs only; every other request is refused and recorded. */
async function launch(profile: string): Promise<{ ctx: BrowserContext; requests: string[] }> {
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const requests: string[] = [];
  await ctx.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  return { ctx, requests };
}

async function open(ctx: BrowserContext, html: string, name: string): Promise<{ page: Page; events: string[] }> {
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.html`);
  writeFileSync(file, html);
  const page = await ctx.newPage();
  const events: string[] = [];
  page.on('dialog', (d) => {
    events.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => events.push(`error: ${e.message}`));
  page.on('console', (m) => events.push(`console: ${m.text()}`));
  await page.goto(`file://${file}`);
  return { page, events };
}

describe.skipIf(!lab)('html report and timeline against the lab', () => {
  if (!lab) return;
  const pw = { IMAP_DOCTOR_PASSWORD: lab.password };
  registerSecret(...secretForms(lab.password, lab.users.alice));
  const base = (ip: string, ...more: string[]) => labArgs(lab, lab.users.alice, ip, '1500', ...more);
  const fakes: FakeImapServer[] = [];
  let browser: { ctx: BrowserContext; requests: string[] } | null = null;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-chromium-'));
  beforeAll(async () => {
    if (browserOk) browser = await launch(profile);
  }, 60_000);
  afterAll(async () => {
    await browser?.ctx.close();
    await Promise.all(fakes.map((f) => f.close()));
    rmSync(profile, { recursive: true, force: true });
  });

  it('the JSON report records when every step began, in order, within the run', async () => {
    const r = await runCli([...base(lab.hosts.good), '--json'], { env: pw });
    expectExit(r, 0);
    expect(schemaErrors(r.json)).toBeNull();
    for (const e of r.json?.endpoints ?? []) {
      expect(e.resolve.at).toBeGreaterThanOrEqual(0);
      const stages = e.addresses[0]?.stages ?? [];
      expect(stages.map((s) => s.stage)).toEqual(
        e.port === 993
          ? ['tcp', 'tls', 'greeting', 'capability']
          : ['tcp', 'greeting', 'capability', 'starttls', 'starttls-tls', 'capability-after-tls'],
      );
      for (const [i, s] of stages.entries()) {
        const prev = stages[i - 1];
        expect(s.at, s.stage).toBeGreaterThanOrEqual(prev ? (prev.at ?? 0) + (prev.ms ?? 0) - 1 : (e.resolve.at ?? 0));
        expect((s.at ?? 0) + (s.ms ?? 0)).toBeLessThanOrEqual(r.json?.durationMs ?? 0);
      }
      expect(e.login).toMatchObject({ state: 'attempted', ok: true });
      if (e.login.state === 'attempted')
        expect(e.login.at).toBeGreaterThanOrEqual((stages.at(-1)?.at ?? 0) + (stages.at(-1)?.ms ?? 0) - 1);
    }
  });

  it('--fail-on: a warning passes by default, fails with warning; an error passes with never', async () => {
    const starttls = base(lab.hosts.good, '--port', '143', '--security', 'starttls');
    expectExit(await runCli(starttls, { env: pw }), 0);
    expectExit(await runCli([...starttls, '--fail-on', 'warning'], { env: pw }), 1);
    expectExit(await runCli([...base(lab.hosts.expired), '--fail-on', 'never'], { env: pw }), 0);
    expectExit(await runCli([...base(lab.hosts.expired), '--fail-on', 'error'], { env: pw }), 1);
    const bad = await runCli([...starttls, '--fail-on', 'sometimes']);
    expectExit(bad, 2);
    expect(bad.stderr).toMatch(/--fail-on.*sometimes/);
  });

  it.skipIf(!browserOk)(
    'in chromium: verdict, findings and a waterfall bar for every step, nothing loaded from anywhere',
    async () => {
      if (!browser) throw new Error('no browser');
      const r = await runCli([...base(lab.hosts.good), '--format', 'html'], { env: pw });
      expectExit(r, 0);
      const { page, events } = await open(browser.ctx, r.stdout, 'html-report-healthy');
      await expect.poll(() => page.locator('#verdict').isVisible()).toBe(true);
      expect(await page.locator('#verdict .summary').innerText()).toMatch(/imap\.example\.test/);
      expect(await page.locator('li.finding').count()).toBeGreaterThan(5);
      expect(await page.locator('li.finding').first().isVisible()).toBe(true);
      expect(await page.locator('table.endpoints tr').count()).toBe(3);
      for (const stage of ['resolve', 'tcp', 'tls', 'greeting', 'starttls', 'starttls-tls', 'login']) {
        const bar = page.locator(`.bar[data-stage="${stage}"]`).first();
        expect(await bar.isVisible(), stage).toBe(true);
        const box = await bar.boundingBox();
        expect(box?.width, stage).toBeGreaterThanOrEqual(2);
      }
      // Two endpoints of one run share the time axis: the login bars start after their connection's TLS.
      const x = async (sel: string) => (await page.locator(sel).first().boundingBox())?.x ?? -1;
      expect(await x('.bar[data-stage="login"]')).toBeGreaterThan(await x('.bar[data-stage="tcp"]'));
      await page.screenshot({ path: path.join(OUT, 'html-report-healthy.png'), fullPage: true });
      expect(events).toEqual([]);
      expect(browser.requests).toEqual([]);
      await page.close();
    },
  );

  it.skipIf(!browserOk)("in chromium: a hostile server's markup shows as text and runs nothing", async () => {
    if (!browser) throw new Error('no browser');
    const fake = await startFakeImap({
      host: lab.hosts.good,
      port: 0,
      mode: 'tls',
      cert: lab.certs.good.crt,
      key: lab.certs.good.key,
      script: scripts.handlers({
        greeting: `* OK ${HOSTILE}`,
        replies: {
          AUTHENTICATE: [`NO [AUTHENTICATIONFAILED] ${HOSTILE}`],
          LOGIN: [`NO [AUTHENTICATIONFAILED] ${HOSTILE}`],
        },
      }),
    });
    fakes.push(fake);
    const r = await runCli(
      [...base(lab.hosts.good, '--port', String(fake.port), '--security', 'tls'), '--format', 'html'],
      { env: pw },
    );
    expectExit(r, 1);
    expect(r.stdout).not.toMatch(/<script|<img/i);
    const { page, events } = await open(browser.ctx, r.stdout, 'html-report-hostile');
    await expect.poll(() => page.locator('#verdict').isVisible()).toBe(true);
    const greeting = page.getByText(`* OK ${HOSTILE}`, { exact: true });
    expect(await greeting.isVisible()).toBe(true);
    expect(await page.locator('body').innerText()).toContain(`NO [AUTHENTICATIONFAILED] ${HOSTILE}`);
    // Evaluated in the page (a string: this project compiles without the DOM types).
    expect(
      await page.evaluate(
        '({ pwned: String(window.pwned), scripts: document.scripts.length, images: document.images.length })',
      ),
    ).toEqual({ pwned: 'undefined', scripts: 0, images: 0 });
    await page.screenshot({ path: path.join(OUT, 'html-report-hostile.png'), fullPage: true });
    expect(events).toEqual([]);
    expect(browser.requests).toEqual([]);
    await page.close();
  });
});
