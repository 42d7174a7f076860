/**
 * This computer's resolver and DNS disagree, end to end: the real CLI in a private mount namespace
 * (`unshare -m`) whose /etc/hosts names the IMAP host at one address and whose /etc/resolv.conf points
 * at the test DNS server (on port 53 of a free 127.78.x.y address), which gives another. getaddrinfo
 * (the hosts file) and the doctor's own DNS client both answer; the hosts file's address is the one
 * probed, and RESOLVERS_DISAGREE names both answers. Nothing is changed outside the namespace.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { startDnsServer, type DnsTestServer } from '../servers/dns-server.js';
import { netnsAvailable } from '../servers/require.js';
import { runWrapped } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const NAME = 'imap.example.test';
/** Nothing listens here: the probe of the hosts file's address is refused at once. */
const HOSTS_ADDRESS = '127.79.0.1';
const DNS_ADDRESS = '192.0.2.10';

/** The test DNS server on port 53 (resolv.conf has no port) of a free loopback address. */
async function dnsOnPort53(): Promise<DnsTestServer> {
  for (let i = 0; ; i++) {
    try {
      return await startDnsServer({
        host: `127.78.${randomInt(1, 255)}.${randomInt(1, 255)}`,
        port: 53,
        zone: { [NAME]: { A: [DNS_ADDRESS] } },
      });
    } catch (e) {
      if (i >= 20 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
}

/** The CLI with this /etc/hosts and /etc/resolv.conf, bind-mounted in a mount namespace of its own. */
async function runWith(hosts: string, resolvConf: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const mount = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && shift 2 && exec "$@"';
  const prefix = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', mount, 'sh', hosts, resolvConf];
  const r = await runWrapped(prefix, args, 'the resolvers run');
  expect(r.stderr, 'no stack trace, no mount error').not.toMatch(/mount:|\n\s+at /);
  return { code: r.code ?? -1, stdout: r.stdout };
}

// Mount namespaces need root, as the network namespaces do.
const root = netnsAvailable('resolvers that disagree (mount namespace e2e)');

describe.skipIf(!root)('this computer and DNS disagree', () => {
  const dirs: string[] = [];
  const servers: DnsTestServer[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('a hosts-file entry: its address is probed, and RESOLVERS_DISAGREE names both answers (a warning: the host failed)', async () => {
    const dns = await dnsOnPort53();
    servers.push(dns);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-resolvers-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'hosts'), `127.0.0.1 localhost\n${HOSTS_ADDRESS} ${NAME}\n`);
    writeFileSync(path.join(dir, 'resolv.conf'), `nameserver ${dns.host}\noptions timeout:1 attempts:1\n`);
    const args = ['alice@example.test', '--host', NAME, '--port', '993', '--security', 'tls', '--no-login'];
    const r = await runWith(path.join(dir, 'hosts'), path.join(dir, 'resolv.conf'), [...args, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(schemaErrors(report)).toBeNull();
    // Both resolvers were asked: the DNS server saw the A question.
    expect(dns.count(NAME, 'A')).toBeGreaterThanOrEqual(1);
    expect(report.endpoints[0]?.addresses.map((a) => a.address)).toEqual([HOSTS_ADDRESS]);
    const f = report.findings.filter((x) => x.code === 'RESOLVERS_DISAGREE');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: 'warning',
      who: 'your-network',
      params: {
        host: NAME,
        family: 4,
        keptBy: 'system',
        kept: [HOSTS_ADDRESS],
        otherServer: `${dns.host}:53`,
        other: [DNS_ADDRESS],
      },
    });
    expect(f[0]?.explanation).toContain(`says ${HOSTS_ADDRESS}, and the DNS server ${dns.host}:53 says ${DNS_ADDRESS}`);
    // The text report shows it too.
    const text = await runWith(path.join(dir, 'hosts'), path.join(dir, 'resolv.conf'), args);
    expect(text.stdout).toContain(`This computer and DNS give different addresses for ${NAME}`);
  });
});
