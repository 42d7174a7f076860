/**
 * The hostile matrix end to end (cases in test/hostile/cases.ts, shared with `npm run bench`): the real
 * CLI against servers that misbehave on purpose. Every case must end by itself (the runner would kill
 * it only after a minute), never with exit code 3, with a report that matches the schema, holds the
 * expected finding codes, and holds no control character or form of the password in its text, Markdown
 * or HTML output.
 * How long each case takes and how much memory it uses is the bench's business, not asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderHtml } from '../../src/render/html.js';
import { renderText } from '../../src/render/text.js';
import { HIDDEN } from '../../src/render/visible.js';
import { startDnsServer, type DnsTestServer } from '../servers/dns-server.js';
import { startHttpsServer, type HttpsTestServer } from '../servers/https-server.js';
import { labOrSkip } from '../servers/require.js';
import { D, HOSTILE_CASES, hostilePassword, type HostileEnv } from '../hostile/cases.js';
import { registerSecret, runCli, secretForms } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (hostile matrix e2e)');
/** What a terminal or viewer would act on (C0, DEL, C1, bidi and line-separator controls): never raw in an output. */
const RAW_CONTROL = new RegExp(HIDDEN.source);

describe.skipIf(!lab)('the hostile matrix', () => {
  if (!lab) return;
  let dns: DnsTestServer;
  let web: HttpsTestServer;
  const password = hostilePassword();
  registerSecret(...secretForms(password, `alice@${D}`), password.toUpperCase(), password.normalize('NFD'));
  const env = (): HostileEnv => ({ lab, dns, web, password });

  beforeAll(async () => {
    dns = await startDnsServer();
    web = await startHttpsServer({
      ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
      names: [D, `autoconfig.${D}`, `autodiscover.${D}`, `ua-auto-config.${D}`],
    });
  });
  afterAll(async () => {
    await web?.close();
    await dns?.close();
  });

  for (const c of HOSTILE_CASES) {
    it(`${c.group}: ${c.what} → ${c.expect.join(', ')}`, async () => {
      dns.reset();
      web.routes = [];
      const run = await c.setup(env());
      try {
        const r = await runCli([...run.args, '--json'], { ...(run.env ? { env: run.env } : {}), timeoutMs: 60_000 });
        expect(r.code, `ended by itself, not killed; stderr: ${r.stderr.slice(0, 300)}`).toBeLessThan(3);
        const report = r.json as Report;
        expect(schemaErrors(report), 'report matches docs/report.schema.json').toBeNull();
        const codes = report.findings.map((f) => f.code);
        expect(codes).not.toContain('INTERNAL_ERROR');
        expect(codes, JSON.stringify(codes)).toEqual(expect.arrayContaining(c.expect));
        c.check?.(report);
        for (const out of [
          renderText(report, { color: false, verbose: true, quiet: false }),
          renderMarkdown(report),
          renderHtml(report),
        ]) {
          expect(out).not.toMatch(RAW_CONTROL);
          expect(out).not.toContain(password);
        }
      } finally {
        await run.close();
      }
    });
  }
});
