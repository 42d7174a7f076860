/**
 * The XML guard's limits (LIMITS.xmlDepth, LIMITS.xmlElements, LIMITS.xmlServers, LIMITS.xmlAuthentications) and its linear
 * scans: the body that froze the run (blanks then a character other than `<`) is answered at once.
 * The hang case runs the guard (bundled from src/ by esbuild) in a child process, so a regression fails instead of freezing vitest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { guardXml, rootElementName, shapeProblem } from '../../../src/discovery/xml-guard.js';
import { parseAutoconfig } from '../../../src/discovery/parse-autoconfig.js';
import { parseAutodiscover } from '../../../src/discovery/parse-autodiscover.js';
import { LIMITS } from '../../../src/limits.js';
import { autoconfigXml } from '../../servers/https-server.js';
import { ROOT } from '../../helpers/paths.js';

const who = { address: 'alice@example.com', localPart: 'alice', domain: 'example.com' };

let bundled: string | null = null;

/** src/discovery/xml-guard.ts bundled on its own (dist/ is one bundle of the CLI), once per test file. */
function guardModule(): string {
  if (!bundled) {
    bundled = path.join(mkdtempSync(path.join(os.tmpdir(), 'imapdoc-xml-guard-')), 'xml-guard.mjs');
    buildSync({
      entryPoints: [path.join(ROOT, 'src/discovery/xml-guard.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundled,
      logLevel: 'error',
    });
  }
  return bundled;
}

afterAll(() => {
  if (bundled) rmSync(path.dirname(bundled), { recursive: true, force: true });
});

/** guardXml from src/ in a child process, killed after `ms`: a hang becomes a failure, not a frozen run. */
function guardInChild(body: string, ms = 10_000): { status: number | null; out: string } {
  const mod = guardModule();
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(mod)}); process.stdout.write(JSON.stringify(m.guardXml(process.argv[1])));`,
      body,
    ],
    { timeout: ms, encoding: 'utf8' },
  );
  return { status: r.status, out: r.stdout };
}

describe('the XML guard runs in linear time', () => {
  it('blanks followed by "!" (the ReDoS body) come back as not-xml instead of freezing the run', () => {
    for (const blanks of ['\n'.repeat(60), ' '.repeat(5000), '\t\r\n'.repeat(20_000)]) {
      const r = guardInChild(`${blanks}!`);
      expect(r.status, 'the guard returned (the child was not killed)').toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ ok: false, reason: 'not-xml' });
    }
  });

  it('finds the root element after a declaration, comments and processing instructions', () => {
    expect(rootElementName('<?xml version="1.0"?>\n<!-- c -->\n<?pi x?>  <clientConfig/>')).toBe('clientConfig');
    expect(rootElementName('<!-- unterminated')).toBeUndefined();
    expect(rootElementName(`${'\n'.repeat(100_000)}!`)).toBeUndefined();
    expect(guardXml('<html><body>x</body></html>')).toMatchObject({ ok: false, reason: 'html' });
  });
});

describe('document shape limits', () => {
  const nested = (depth: number) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;

  it(`refuses elements nested deeper than LIMITS.xmlDepth (${LIMITS.xmlDepth})`, () => {
    expect(shapeProblem(nested(LIMITS.xmlDepth))).toBeUndefined();
    expect(guardXml(nested(LIMITS.xmlDepth)).ok).toBe(true);
    expect(guardXml(nested(LIMITS.xmlDepth + 1))).toMatchObject({
      ok: false,
      reason: 'too-deep',
      why: { code: 'nested-too-deep', limit: LIMITS.xmlDepth },
    });
    // Self-closing elements and comments do not nest; quoted '>' inside an attribute does not end a tag.
    expect(shapeProblem(`<r>${'<a x="1>2"/>'.repeat(50)}<!-- <b> --></r>`)).toBeUndefined();
  });

  it(`refuses more than LIMITS.xmlElements (${LIMITS.xmlElements}) elements before parsing`, () => {
    const doc = (n: number) => `<r>${'<a/>'.repeat(n - 1)}</r>`;
    expect(guardXml(doc(LIMITS.xmlElements)).ok).toBe(true);
    expect(guardXml(doc(LIMITS.xmlElements + 1))).toMatchObject({
      ok: false,
      reason: 'too-many-elements',
      why: { code: 'too-many-elements', limit: LIMITS.xmlElements },
    });
  });

  it(`reads at most LIMITS.xmlServers (${LIMITS.xmlServers}) servers of a kind from one file, and says so`, () => {
    const many = Array.from({ length: 500 }, (_, i): [string, string, number, string] => [
      'imap',
      `imap${i}.example.com`,
      993,
      'SSL',
    ]);
    const body = autoconfigXml('example.com', many);
    expect(Buffer.byteLength(body)).toBeLessThan(LIMITS.httpBodyBytes);
    const r = parseAutoconfig(body, who);
    if (!r.ok) throw new Error(`not parsed: ${r.reason}`);
    expect(r.config.incoming).toHaveLength(LIMITS.xmlServers);
    expect(r.config.problems).toContainEqual(
      expect.objectContaining({ code: 'too-many-servers', where: 'incomingServer' }),
    );

    const protocols = Array.from(
      { length: 500 },
      (_, i) => `<Protocol><Type>IMAP</Type><Server>imap${i}.example.com</Server><Port>993</Port></Protocol>`,
    ).join('');
    const ad = parseAutodiscover(
      `<Autodiscover><Response><Account>${protocols}</Account></Response></Autodiscover>`,
      who,
    );
    if (!ad.ok) throw new Error(`not parsed: ${ad.reason}`);
    expect(ad.servers).toHaveLength(LIMITS.xmlServers);
    expect(ad.problems).toContainEqual(expect.objectContaining({ code: 'too-many-servers' }));
  });

  it(`keeps at most LIMITS.xmlAuthentications (${LIMITS.xmlAuthentications}) <authentication> values of one server, in document order`, () => {
    const auth = Array.from(
      { length: 3000 },
      (_, i) => `<authentication system="sasl">X-MECH-${i}</authentication>`,
    ).join('');
    const body = `<clientConfig version="1.2"><emailProvider id="example.com"><domain>example.com</domain><incomingServer type="imap"><hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username>${auth}</incomingServer></emailProvider></clientConfig>`;
    expect(Buffer.byteLength(body)).toBeLessThan(LIMITS.httpBodyBytes);
    const r = parseAutoconfig(body, who);
    if (!r.ok) throw new Error(`not parsed: ${r.reason}`);
    const server = r.config.incoming[0];
    expect(server?.authentication).toHaveLength(LIMITS.xmlAuthentications);
    expect(server?.sasl).toEqual(Array.from({ length: LIMITS.xmlAuthentications }, (_, i) => `X-MECH-${i}`));
  });
});
