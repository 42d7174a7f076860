/**
 * The latency-injected suite (issue #9): the real CLI against the real lab Dovecot with a password login,
 * with every DNS answer and every TCP payload byte held back D ms in each direction (a delaying DNS server
 * and a userspace proxy; TCP connects are free), at D = 0, 25, 50 and 100 ms. Per scenario and D: wall time,
 * net(D) = T(D) − T(0), the critical path K × 2D (K stated and justified in the output), their ratio,
 * connections, DNS queries, CPU time of the child, and the sequential baseline from the same runs.
 * Also cold start against `node -e 0` and the time to the first packet. Root only (netns for the
 * blackholed scenario). Results: bench/results/latency.{json,md}, or latency-<label>.* with --label <label>.
 * Rounds interleave every D and scenario, so machine load spreads over all cells alike.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunEvidence } from '../src/model/run-evidence.js';
import { startDelayProxy, type DelayProxy } from '../test/servers/delay-proxy.js';
import { startDnsServer, type DnsTestServer, type Zone } from '../test/servers/dns-server.js';
import { startHttpsServer, type HttpsTestServer } from '../test/servers/https-server.js';
import { startLab, type Lab } from '../test/servers/lab.js';
import { createNetns, type NetnsLab } from '../test/servers/netns.js';
import { ROOT, cleanUpChildren, percentile, runChild } from './child.js';
import { sequentialMs } from './sequential.js';
import { renderLatencyMarkdown, type ColdStart, type LatencyResults, type ScenarioInfo, type ScenarioResult } from './latency-report.js';

const run = promisify(execFile);
const DELAYS = [0, 25, 50, 100];
const ROUNDS = Number(process.env.LATENCY_ROUNDS ?? 5);
const COLD_RUNS = Number(process.env.LATENCY_COLD_RUNS ?? 20);
const BLACKHOLE_TIMEOUT = 2000;
const DOMAIN = 'example.test';
const DROPPED = 'dropped.test';
const ISPDB = 'https://ispdb.test/v1.1/';
/** A directory to keep every run's report and evidence in (looking into a surprising number). */
const KEEP = process.env.LATENCY_KEEP;

interface Env {
  lab: Lab;
  web: HttpsTestServer;
  proxy: DelayProxy;
  dns: DnsTestServer;
  netns: NetnsLab;
  /** Addresses inside the namespace whose every TCP packet is dropped. */
  dropped: string[];
  /** Arrival times of DNS queries (performance.now()). */
  arrivals: number[];
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
    k: 7,
    path: ['SRV _imaps._tcp', 'A of the SRV target', 'TLS 1.3 handshake', 'greeting', 'CAPABILITY', 'LOGIN', 'EXAMINE INBOX'],
    why:
      'The SRV answer names the host, whose A record gives the address (the lab DNS server sends no additional section); the TCP connect is free here; TLS 1.3 takes one round trip; Dovecot sends its greeting only after the client\'s Finished; CAPABILITY, LOGIN and EXAMINE each wait for their tagged answer. The other sources (autoconfig, ISPDB, Autodiscover: A + TLS + GET = 3) and AAAA run beside this chain and are shorter. LOGOUT need not be waited for.',
    expectExit: 0,
    args: (env) => [env.lab.info.users.alice, ...common(env), '--ispdb-url', ISPDB],
  },
  {
    id: 'host',
    title: '--host given (993 and 143 probed)',
    k: 6,
    path: ['A of --host', 'TLS 1.3 handshake', 'greeting', 'CAPABILITY', 'LOGIN', 'EXAMINE INBOX'],
    why:
      'As above without SRV. 143 is probed beside 993: its pre-login chain (A, greeting, CAPABILITY, STARTTLS, TLS, CAPABILITY) is 6 as well; a second login over 143 would make it 8, so K = 6 holds only if the verdict does not wait for that second login (part B decides).',
    expectExit: 0,
    args: (env) => [env.lab.info.users.alice, '--host', `imap.${DOMAIN}`, ...common(env)],
  },
  {
    id: 'blackhole',
    title: `6 published candidates, every port dropped, --timeout ${BLACKHOLE_TIMEOUT}`,
    k: 2,
    timeoutMs: BLACKHOLE_TIMEOUT,
    path: ['SRV _imaps/_imap._tcp', 'A of the SRV targets', `(one connect timeout, ${BLACKHOLE_TIMEOUT} ms)`],
    why:
      'Three hosts × (993, 143), all in SRV. Their names come after one SRV round trip and their addresses after one A round trip; then every connect hangs until the step timeout. The reference probes (443/80 of the same addresses) and the other sources can overlap that wait, so the floor is one timeout + 2 round trips. The goal is on wall / timeout.',
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

async function startEnv(): Promise<Env> {
  const lab = await startLab();
  const parts: Partial<Env> = { lab };
  try {
    const ca = lab.info.certs.ca;
    parts.web = await startHttpsServer({ ca: { crt: ca.crt, key: ca.key }, names: [DOMAIN, DROPPED, 'ispdb.test'] });
    const good = lab.info.hosts.good;
    parts.proxy = await startDelayProxy({
      routes: { 993: { host: good, port: 993 }, 143: { host: good, port: 143 }, 443: { host: parts.web.ip, port: 443 }, 80: { host: parts.web.ip, port: 80 } },
    });
    Object.assign(parts, await blackhole());
    const arrivals: number[] = [];
    parts.arrivals = arrivals;
    parts.dns = await startDnsServer({ zone: zoneFor(parts.proxy.ip, parts.dropped ?? []), onQuery: () => void arrivals.push(performance.now()) });
    parts.tmp = path.join(lab.info.dir, 'latency');
    mkdirSync(parts.tmp, { recursive: true });
    return parts as Env;
  } catch (err) {
    await stopEnv(parts);
    throw err;
  }
}

async function stopEnv(env: Partial<Env>): Promise<void> {
  await env.dns?.close();
  await env.proxy?.close();
  await env.web?.close();
  await env.netns?.destroy();
  await env.lab?.stop();
}

export interface RunRecord {
  delayMs: number;
  wallMs: number;
  cpuMs: number;
  rssKiB: number;
  code: number;
  reportMs: number;
  dnsQueries: number;
  /** Connections the proxy accepted (IMAP 993/143 and web 443/80) plus connects to the blackholed addresses. */
  connections: { imap: number; web: number; dropped: number };
  /** Spawn to the first DNS query's arrival. */
  firstPacketMs: number | null;
  /** The same run's steps one after another: start-up and exit as measured, plus every step's own time. */
  sequentialMs: number;
  working: boolean;
}

/** Connects the run made to the blackholed addresses (endpoint probes and reference probes), from its evidence. */
function droppedConnects(ev: RunEvidence, dropped: string[]): number {
  const isDropped = (a: string) => dropped.includes(a);
  const probes = ev.endpoints.flatMap((e) => e.addresses).filter((a) => isDropped(a.address) && a.tcp.state !== 'skipped').length;
  const refs = ev.network.references.filter((r) => isDropped(r.address) && r.outcome.state !== 'skipped').length;
  return probes + refs;
}

async function measure(env: Env, s: Scenario, delayMs: number): Promise<RunRecord> {
  env.proxy.resetCounts();
  const queriesBefore = env.dns.queries.length;
  const arrivalsBefore = env.arrivals.length;
  const evidenceFile = path.join(env.tmp, `${s.id}-${delayMs}.evidence.json`);
  const c = await runChild([...s.args(env), '--save-evidence', evidenceFile], { env: { IMAP_DOCTOR_PASSWORD: env.lab.info.password } });
  const ev = JSON.parse(readFileSync(evidenceFile, 'utf8')) as RunEvidence;
  if (KEEP) writeFileSync(path.join(KEEP, `${s.id}-${delayMs}-${Math.round(c.spawnedAt)}.json`), JSON.stringify({ report: JSON.parse(c.stdout) as unknown, evidence: ev }, null, 1));
  rmSync(evidenceFile);
  const report = JSON.parse(c.stdout) as { durationMs: number; verdict: { working: unknown } };
  const first = env.arrivals[arrivalsBefore];
  const a = env.proxy.accepted;
  return {
    delayMs,
    wallMs: c.ms,
    cpuMs: c.cpuMs,
    rssKiB: c.rssKiB,
    code: c.code,
    reportMs: report.durationMs,
    dnsQueries: env.dns.queries.length - queriesBefore,
    connections: { imap: (a[993] ?? 0) + (a[143] ?? 0), web: (a[443] ?? 0) + (a[80] ?? 0), dropped: droppedConnects(ev, env.dropped) },
    firstPacketMs: first === undefined ? null : first - c.spawnedAt,
    sequentialMs: c.ms - ev.durationMs + sequentialMs(ev),
    working: report.verdict.working !== null && report.verdict.working !== undefined,
  };
}

function setDelay(env: Env, delayMs: number): void {
  env.proxy.delayMs = delayMs;
  // One DNS round trip: the query's way out and the answer's way back.
  env.dns.set({ delayMs: 2 * delayMs });
}

/** Every (D, scenario) once per round, rounds repeated; a warm-up round first (file cache, Dovecot's auth). */
async function measureAll(env: Env): Promise<Map<string, RunRecord[]>> {
  const out = new Map<string, RunRecord[]>();
  setDelay(env, 0);
  for (const s of SCENARIOS) await measure(env, s, 0);
  for (let round = 0; round < ROUNDS; round++) {
    for (const d of DELAYS) {
      setDelay(env, d);
      for (const s of SCENARIOS) {
        const r = await measure(env, s, d);
        const key = `${s.id}/${d}`;
        out.set(key, [...(out.get(key) ?? []), r]);
        process.stdout.write(`round ${round + 1}/${ROUNDS} D=${d} ${s.id}: ${Math.round(r.wallMs)} ms, exit ${r.code}\n`);
      }
    }
  }
  return out;
}

/** `--version` and `node -e 0`, alternated, without the preload (pure wall time); CPU from a second, preloaded pass. */
async function coldStart(): Promise<ColdStart> {
  const version: number[] = [];
  const bare: number[] = [];
  const versionCpu: number[] = [];
  const bareCpu: number[] = [];
  await runChild(['--version'], { plain: true });
  for (let i = 0; i < COLD_RUNS; i++) {
    bare.push((await runChild([], { bare: true, plain: true })).ms);
    version.push((await runChild(['--version'], { plain: true })).ms);
    bareCpu.push((await runChild([], { bare: true })).cpuMs);
    versionCpu.push((await runChild(['--version'])).cpuMs);
  }
  const med = (xs: number[]) => percentile(xs, 50);
  return {
    runs: COLD_RUNS,
    versionMs: { median: med(version), min: Math.min(...version), max: Math.max(...version) },
    bareMs: { median: med(bare), min: Math.min(...bare), max: Math.max(...bare) },
    ratio: med(version) / med(bare),
    versionCpuMs: med(versionCpu),
    bareCpuMs: med(bareCpu),
  };
}

function gitCommit(): string {
  // A copy outside git (a baseline run from `git archive`) names its commit itself.
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const label = process.argv.includes('--label') ? process.argv[process.argv.indexOf('--label') + 1] : undefined;
  const t0 = performance.now();
  const loadStart = os.loadavg();
  const env = await startEnv();
  let records: Map<string, RunRecord[]>;
  let cold: ColdStart;
  try {
    records = await measureAll(env);
    cold = await coldStart();
  } finally {
    await stopEnv(env);
    cleanUpChildren();
  }
  const results: LatencyResults = {
    meta: {
      date: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
      loadavgStart: loadStart.map((x) => Math.round(x * 100) / 100),
      loadavgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
      rounds: ROUNDS,
      suiteSeconds: Math.round((performance.now() - t0) / 1000),
    },
    scenarios: SCENARIOS.map((s): ScenarioResult => summarise(s, records)),
    coldStart: cold,
    batch: null,
  };
  const name = label ? `latency-${label}` : 'latency';
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, `bench/results/${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(ROOT, `bench/results/${name}.md`), renderLatencyMarkdown(results));
  process.stdout.write(`results written to bench/results/${name}.{json,md}\n`);
}

function summarise(s: Scenario, records: Map<string, RunRecord[]>): ScenarioResult {
  const med = (xs: number[]) => percentile(xs, 50);
  const at = (d: number) => records.get(`${s.id}/${d}`) ?? [];
  const wall0 = med(at(0).map((r) => r.wallMs));
  const seq0 = med(at(0).map((r) => r.sequentialMs));
  return {
    id: s.id,
    title: s.title,
    k: s.k,
    path: s.path,
    why: s.why,
    ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
    rows: DELAYS.map((d) => {
      const rs = at(d);
      const wall = rs.map((r) => r.wallMs);
      const net = med(wall) - wall0;
      const critical = s.k * 2 * d;
      const seq = med(rs.map((r) => r.sequentialMs));
      const firsts = rs.map((r) => r.firstPacketMs).filter((x): x is number => x !== null);
      return {
        delayMs: d,
        runs: rs.length,
        wallMs: { median: med(wall), min: Math.min(...wall), max: Math.max(...wall) },
        netMs: net,
        criticalMs: critical,
        ratio: d === 0 ? null : net / critical,
        ...(s.timeoutMs ? { perTimeout: med(wall) / s.timeoutMs } : {}),
        cpuMs: med(rs.map((r) => r.cpuMs)),
        rssKiB: Math.max(...rs.map((r) => r.rssKiB)),
        dnsQueries: med(rs.map((r) => r.dnsQueries)),
        connections: { imap: med(rs.map((r) => r.connections.imap)), web: med(rs.map((r) => r.connections.web)), dropped: med(rs.map((r) => r.connections.dropped)) },
        firstPacketMs: firsts.length > 0 ? med(firsts) : null,
        sequentialMs: seq,
        sequentialNetMs: seq - seq0,
        unexpected: rs.filter((r) => r.code !== s.expectExit || (s.expectExit === 0 && !r.working)).map((r) => r.code),
      };
    }),
  };
}

main().catch((e: unknown) => {
  process.stderr.write(`latency bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
