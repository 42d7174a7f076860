/**
 * The latency bench's world, shared by bench/latency.ts and bench/cpu-profile.ts: the lab Dovecot, an HTTPS
 * server for discovery (ISPDB, the domain's web site), a delaying proxy and DNS server in front of them, and a
 * network namespace whose addresses drop every TCP packet; plus the scenarios run against it.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDelayProxy, type DelayProxy } from '../test/servers/delay-proxy.js';
import { startDnsServer, type DnsTestServer, type Zone } from '../test/servers/dns-server.js';
import { startHttpsServer, type HttpsTestServer } from '../test/servers/https-server.js';
import { startLab, type Lab } from '../test/servers/lab.js';
import { createNetns, type NetnsLab } from '../test/servers/netns.js';
import type { ScenarioInfo } from './latency-report.js';

const run = promisify(execFile);
export const BLACKHOLE_TIMEOUT = 2000;
const DOMAIN = 'example.test';
const DROPPED = 'dropped.test';
const ISPDB = 'https://ispdb.test/v1.1/';

export interface Env {
  lab: Lab;
  web: HttpsTestServer;
  proxy: DelayProxy;
  dns: DnsTestServer;
  netns: NetnsLab;
  /** Addresses inside the namespace whose every TCP packet is dropped. */
  dropped: string[];
  /** Arrival times of DNS queries (performance.now()). */
  arrivals: number[];
  /** Resolves with the arrival time of the next DNS query. */
  nextQuery(): Promise<number>;
  tmp: string;
}

export interface Scenario extends ScenarioInfo {
  expectExit: number;
  args(env: Env): string[];
}

const common = (env: Env) => ['--dns', env.dns.address, '--ca-file', env.lab.info.certs.ca.crt, '--json'];

export const SCENARIOS: Scenario[] = [
  {
    id: 'address',
    title: 'address only, found by SRV',
    k: 8,
    path: [
      'SRV _imaps._tcp',
      'A of the SRV target',
      'TLS 1.3 handshake',
      'greeting',
      'CAPABILITY',
      'AUTHENTICATE PLAIN (SASL-IR)',
      "EXAMINE INBOX + the sync probe's read-only commands + IDLE, pipelined",
      'DONE (IDLE ends)',
    ],
    why: "The SRV answer names the host, whose A record gives the address (the lab DNS server sends no additional section); the TCP connect is free here; TLS 1.3 takes one round trip; Dovecot sends its greeting only after the client's Finished; CAPABILITY and the login (AUTHENTICATE PLAIN with SASL-IR: one round trip) each wait for their tagged answer; EXAMINE, the read-only sync commands and IDLE go out in one flight, and the IDLE continuation is answered by DONE, whose OK ends the conversation (issue #9: K = 8 with discovery once the sync checks are in). The other sources (autoconfig, ISPDB, Autodiscover: A + TLS + GET = 3) and AAAA run beside this chain and are shorter. LOGOUT need not be waited for.",
    expectExit: 0,
    args: (env) => [env.lab.info.users.alice, ...common(env), '--ispdb-url', ISPDB],
  },
  {
    id: 'host',
    title: '--host given (993 and 143 probed)',
    k: 7,
    path: [
      'A of --host',
      'TLS 1.3 handshake',
      'greeting',
      'CAPABILITY',
      'AUTHENTICATE PLAIN (SASL-IR)',
      'EXAMINE + sync commands + IDLE, pipelined',
      'DONE (IDLE ends)',
    ],
    why: 'As above without SRV. 143 is probed beside 993: its pre-login chain (A, greeting, CAPABILITY, STARTTLS, TLS, CAPABILITY) is 6, and its own login follows on the same kept connection (the sync probe runs on the first working login only). K = 7 is the 993 chain the verdict needs; the report also waits for the login on 143, which the fitted round trips show.',
    expectExit: 0,
    args: (env) => [env.lab.info.users.alice, '--host', `imap.${DOMAIN}`, ...common(env)],
  },
  {
    id: 'blackhole',
    title: `6 published candidates, every port dropped, --timeout ${BLACKHOLE_TIMEOUT}`,
    k: 2,
    timeoutMs: BLACKHOLE_TIMEOUT,
    path: ['SRV _imaps/_imap._tcp', 'A of the SRV targets', `(one connect timeout, ${BLACKHOLE_TIMEOUT} ms)`],
    why: 'Three hosts × (993, 143), all in SRV. Their names come after one SRV round trip and their addresses after one A round trip; then every connect hangs until the step timeout. The reference probes (443/80 of the same addresses) and the other sources can overlap that wait, so the floor is one timeout + 2 round trips. The goal is on wall / timeout.',
    expectExit: 1,
    args: (env) => [`alice@${DROPPED}`, ...common(env), '--ispdb-url', ISPDB, '--timeout', String(BLACKHOLE_TIMEOUT)],
  },
];

/** The zone: example.test publishes SRV and has a web site (404 for every settings URL); dropped.test points at the blackhole. */
function zoneFor(proxyIp: string, dropped: string[]): Zone {
  const site = (d: string) => ({ A: [proxyIp], MX: [{ preference: 10, exchange: `mx.${d}` }] });
  const hosts = dropped.map((_, i) => `imap${i + 1}.${DROPPED}`);
  return {
    [DOMAIN]: site(DOMAIN),
    [`mx.${DOMAIN}`]: { A: [proxyIp] },
    [`_imaps._tcp.${DOMAIN}`]: { SRV: [{ priority: 0, weight: 1, port: 993, target: `imap.${DOMAIN}` }] },
    [`imap.${DOMAIN}`]: { A: [proxyIp] },
    'ispdb.test': { A: [proxyIp] },
    [DROPPED]: site(DROPPED),
    [`mx.${DROPPED}`]: { A: [proxyIp] },
    [`_imaps._tcp.${DROPPED}`]: { SRV: hosts.map((target) => ({ priority: 0, weight: 1, port: 993, target })) },
    [`_imap._tcp.${DROPPED}`]: { SRV: hosts.map((target) => ({ priority: 0, weight: 1, port: 143, target })) },
    ...Object.fromEntries(hosts.map((h, i) => [h, { A: [dropped[i] as string] }])),
  };
}

/** A namespace whose addresses (198.18.x.y, from its own /30 so runs never collide) drop every TCP packet. */
async function blackhole(): Promise<{ netns: NetnsLab; dropped: string[] }> {
  const netns = await createNetns();
  const [, , a, b] = netns.server.ip.split('.').map(Number) as [number, number, number, number];
  const dropped = [0, 1, 2].map((k) => `198.18.${a}.${b - 2 + k}`);
  for (const ip of dropped) {
    await netns.exec(netns.server.ns, 'ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo']);
    await run('ip', ['route', 'add', `${ip}/32`, 'via', netns.server.ip]);
  }
  await netns.iptables(netns.server.ns, ['-A', 'INPUT', '-p', 'tcp', '-j', 'DROP']);
  return { netns, dropped };
}

export async function startEnv(): Promise<Env> {
  const lab = await startLab();
  const parts: Partial<Env> = { lab };
  try {
    const ca = lab.info.certs.ca;
    parts.web = await startHttpsServer({ ca: { crt: ca.crt, key: ca.key }, names: [DOMAIN, DROPPED, 'ispdb.test'] });
    const good = lab.info.hosts.good;
    parts.proxy = await startDelayProxy({
      routes: {
        993: { host: good, port: 993 },
        143: { host: good, port: 143 },
        443: { host: parts.web.ip, port: 443 },
        80: { host: parts.web.ip, port: 80 },
      },
    });
    Object.assign(parts, await blackhole());
    const arrivals: number[] = [];
    let waiters: Array<(at: number) => void> = [];
    parts.arrivals = arrivals;
    parts.nextQuery = () => new Promise((resolve) => waiters.push(resolve));
    const onQuery = () => {
      const at = performance.now();
      arrivals.push(at);
      for (const w of waiters.splice(0)) w(at);
    };
    waiters = [];
    parts.dns = await startDnsServer({ zone: zoneFor(parts.proxy.ip, parts.dropped ?? []), onQuery });
    parts.tmp = path.join(lab.info.dir, 'latency');
    mkdirSync(parts.tmp, { recursive: true });
    return parts as Env;
  } catch (err) {
    await stopEnv(parts);
    throw err;
  }
}

export async function stopEnv(env: Partial<Env>): Promise<void> {
  await env.dns?.close();
  await env.proxy?.close();
  await env.web?.close();
  await env.netns?.destroy();
  await env.lab?.stop();
}

/** D ms each way on every TCP payload byte, and on every DNS query and answer. */
export function setDelay(env: Env, delayMs: number): void {
  env.proxy.delayMs = delayMs;
  // One DNS round trip: the query's way out and the answer's way back.
  env.dns.set({ delayMs: 2 * delayMs });
}
