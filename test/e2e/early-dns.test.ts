/**
 * The launcher's early DNS queries end to end (src/early.ts, src/dns/early.ts): the real CLI finds the lab's
 * Dovecot by SRV through a loopback DNS server that logs every query with its source port. A plain diagnosis
 * sends discovery's first questions from the launcher's one socket, each exactly once (the resolver takes
 * them over instead of asking again), and its report says what the same run says without the early path
 * (an option outside the allow-list, --fail-on at its default, turns it off). Every query the run sends is
 * sent as often with and without it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { DEFAULTS } from '../../src/options.js';
import { startDnsServer, type DnsTestServer, type LoggedQuery } from '../servers/dns-server.js';
import { labOrSkip } from '../servers/require.js';
import { registerSecret, runCli, secretForms } from './cli-runner.js';

const lab = labOrSkip('dovecot (early DNS e2e)');

/** What a report says, without what differs from run to run (times, in fields and in sentences). */
function said(r: Report) {
  return {
    verdict: r.verdict.working,
    status: r.verdict.status,
    findings: r.findings.map((f) => `${f.code} ${f.severity} ${f.endpoint ?? ''}`),
    sources: r.discovery?.sources.map((s) => `${s.source} ${s.status}`),
    endpoints: r.endpoints.map((e) => `${e.id} ${e.trust} ${e.login.state}`),
  };
}

/** name/type → how often it was asked. */
function tally(queries: LoggedQuery[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const q of queries)
    out[`${q.name} ${q.type} ${q.transport}`] = (out[`${q.name} ${q.type} ${q.transport}`] ?? 0) + 1;
  return out;
}

describe.skipIf(!lab)('early DNS queries (CLI, loopback DNS, lab Dovecot)', () => {
  if (!lab) return;
  let dns: DnsTestServer;
  registerSecret(...secretForms(lab.password, lab.users.alice));
  const address = lab.users.alice;
  const D = address.slice(address.indexOf('@') + 1);
  const FIRST = [
    ['', 'NS'],
    [D, 'MX'],
    [`_imaps._tcp.${D}`, 'SRV'],
    [`_imap._tcp.${D}`, 'SRV'],
    [`_submissions._tcp.${D}`, 'SRV'],
    [`_submission._tcp.${D}`, 'SRV'],
    [`_autodiscover._tcp.${D}`, 'SRV'],
  ] as const;

  beforeAll(async () => {
    dns = await startDnsServer();
  });
  afterAll(async () => {
    await dns?.close();
  });
  beforeEach(() => dns.reset());

  const run = async (...more: string[]) => {
    dns.reset();
    dns.zone = {
      [D]: {},
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${D}` }] },
      [`imap.${D}`]: { A: [lab.hosts.good] },
    };
    const args = [address, '--dns', dns.address, '--ca-file', lab.certs.ca.crt, '--no-ispdb', '--json', ...more];
    const r = await runCli(args, { env: { IMAP_DOCTOR_PASSWORD: lab.password } });
    return { r, queries: [...dns.queries] };
  };

  it('sends each first question once, from one socket, and reports as the run without the early path', async () => {
    const early = await run();
    const plain = await run('--fail-on', DEFAULTS.failOn);
    for (const [name, type] of FIRST) {
      expect(
        early.queries.filter((q) => q.name === name && q.type === type),
        `${name} ${type}`,
      ).toHaveLength(1);
      expect(
        plain.queries.filter((q) => q.name === name && q.type === type),
        `${name} ${type}`,
      ).toHaveLength(1);
    }
    const ports = (qs: LoggedQuery[]) =>
      new Set(qs.filter((q) => FIRST.some(([n, t]) => q.name === n && q.type === t)).map((q) => dns.portOf(q)));
    // The launcher's one socket sent them all; without it, each came from the resolver's own socket.
    expect(ports(early.queries).size).toBe(1);
    expect(ports(plain.queries).size).toBe(FIRST.length);
    expect(tally(early.queries)).toEqual(tally(plain.queries));
    expect(early.r.code).toBe(plain.r.code);
    const report = early.r.json as Report;
    expect(report.verdict.working?.loginVerified).toBe(true);
    expect(said(report)).toEqual(said(plain.r.json as Report));
  });

  it("with --host, the host's A and AAAA: sent early, taken over, and every query as often as without", async () => {
    const host = ['--host', `imap.${D}`, '--port', '993'];
    const early = await run(...host);
    const plain = await run(...host, '--fail-on', DEFAULTS.failOn);
    const first = (qs: LoggedQuery[]) =>
      qs.filter((q) => q.name === `imap.${D}` && (q.type === 'A' || q.type === 'AAAA'));
    const ports = (qs: LoggedQuery[]) => first(qs).map((q) => dns.portOf(q));
    // Early: the A and the AAAA share the launcher's socket; without it, every query has its own.
    expect(new Set(ports(early.queries)).size).toBeLessThan(ports(early.queries).length);
    expect(new Set(ports(plain.queries)).size).toBe(ports(plain.queries).length);
    expect(tally(early.queries)).toEqual(tally(plain.queries));
    expect(early.r.code).toBe(plain.r.code);
    expect((early.r.json as Report).verdict.working?.loginVerified).toBe(true);
    expect(said(early.r.json as Report)).toEqual(said(plain.r.json as Report));
  });
});
