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
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunEvidence } from '../src/model/run-evidence.js';
import { BIN, ROOT, cleanUpChildren, percentile, runChild } from './child.js';
import { SCENARIOS, setDelay, startEnv, stopEnv, type Env, type Scenario } from './latency-env.js';
import { sequentialMs } from './sequential.js';
import { buildQuery } from '../src/dns/query.js';
import {
  renderLatencyMarkdown,
  type ColdStart,
  type LatencyResults,
  type LatencyRow,
  type RunRecord,
  type ScenarioResult,
  type Spread,
} from './latency-report.js';

const DELAYS = [0, 25, 50, 100];
const ROUNDS = Number(process.env.LATENCY_ROUNDS ?? 5);
const COLD_RUNS = Number(process.env.LATENCY_COLD_RUNS ?? 20);
/** A directory to keep every run's report and evidence in (looking into a surprising number). */
const KEEP = process.env.LATENCY_KEEP;

/** Connects the run made to the blackholed addresses (endpoint probes and reference probes), from its evidence. */
function droppedConnects(ev: RunEvidence, dropped: string[]): number {
  const isDropped = (a: string) => dropped.includes(a);
  const probes = ev.endpoints
    .flatMap((e) => e.addresses)
    .filter((a) => isDropped(a.address) && a.tcp.state !== 'skipped').length;
  const refs = ev.network.references.filter((r) => isDropped(r.address) && r.outcome.state !== 'skipped').length;
  return probes + refs;
}

async function measure(env: Env, s: Scenario, delayMs: number): Promise<RunRecord> {
  env.proxy.resetCounts();
  const queriesBefore = env.dns.queries.length;
  const arrivalsBefore = env.arrivals.length;
  const evidenceFile = path.join(env.tmp, `${s.id}-${delayMs}.evidence.json`);
  const c = await runChild([...s.args(env), '--save-evidence', evidenceFile], {
    env: { IMAP_DOCTOR_PASSWORD: env.lab.info.password },
  });
  const ev = JSON.parse(readFileSync(evidenceFile, 'utf8')) as RunEvidence;
  if (KEEP)
    writeFileSync(
      path.join(KEEP, `${s.id}-${delayMs}-${Math.round(c.spawnedAt)}.json`),
      JSON.stringify({ report: JSON.parse(c.stdout) as unknown, evidence: ev }, null, 1),
    );
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
    connections: {
      imap: (a[993] ?? 0) + (a[143] ?? 0),
      web: (a[443] ?? 0) + (a[80] ?? 0),
      dropped: droppedConnects(ev, env.dropped),
    },
    firstPacketMs: first === undefined ? null : first - c.spawnedAt,
    sequentialMs: c.ms - ev.durationMs + sequentialMs(ev),
    working: report.verdict.working !== null && report.verdict.working !== undefined,
  };
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
        process.stdout.write(
          `round ${round + 1}/${ROUNDS} D=${d} ${s.id}: ${Math.round(r.wallMs)} ms, exit ${r.code}\n`,
        );
      }
    }
  }
  return out;
}

/** The builds whose start-up is compared: this tree's, and IMAP_DOCTOR_BENCH_BEFORE (another build's bin, e.g. main's). */
const BEFORE = process.env.IMAP_DOCTOR_BENCH_BEFORE;
const BUILDS: Array<{ label: string; bin: string }> = [
  { label: 'this build', bin: BIN },
  ...(BEFORE ? [{ label: BEFORE, bin: BEFORE }] : []),
];

/**
 * Bare Node sending one DNS query (the one the run asks first) to the server as soon as it starts: the
 * floor of the first packet on this machine now, for the goal's 60 ms (bin/ loads dist/early.cjs for that).
 */
function barePacketCode(env: Env): string {
  const [host, port] = [env.dns.host, env.dns.port];
  const hex = buildQuery({ name: '', type: 'NS', edns: true }, 1, { ok: false, cd: false }).toString('hex');
  return `const s=require('node:dgram').createSocket('udp4');s.connect(${port},'${host}',()=>s.send(Buffer.from('${hex}','hex'),()=>s.close()))`;
}

/** Spawn → the first DNS query at the server, at D = 0; the child is killed then (its whole run is measured above). */
async function firstPacket(env: Env, bin: string, args: string[], code?: string): Promise<number | null> {
  let at: number | null = null;
  const arrived = env.nextQuery().then((t) => (at = t));
  const c = await runChild(args, {
    bin,
    ...(code === undefined ? {} : { code }),
    plain: true,
    killWhen: arrived,
    env: { IMAP_DOCTOR_PASSWORD: env.lab.info.password },
  });
  return at === null ? null : (at as number) - c.spawnedAt;
}

const spread = (xs: number[]): Spread => ({ median: percentile(xs, 50), min: Math.min(...xs), max: Math.max(...xs) });

/**
 * `node -e 0` and each build's `--version` alternated without the preload (pure wall time), CPU from preloaded
 * runs, and the first packet of an address-only and a --host run.
 */
async function coldStart(env: Env): Promise<ColdStart> {
  setDelay(env, 0);
  const bare: number[] = [];
  const bareCpu: number[] = [];
  const barePacket: number[] = [];
  const per = BUILDS.map(() => ({
    version: [] as number[],
    cpu: [] as number[],
    address: [] as number[],
    host: [] as number[],
  }));
  const [address, host] = [SCENARIOS[0], SCENARIOS[1]] as [Scenario, Scenario];
  for (const b of BUILDS) await runChild(['--version'], { plain: true, bin: b.bin });
  for (let i = 0; i < COLD_RUNS; i++) {
    bare.push((await runChild([], { bare: true, plain: true })).ms);
    bareCpu.push((await runChild([], { bare: true })).cpuMs);
    const fb = await firstPacket(env, BIN, [], barePacketCode(env));
    if (fb !== null) barePacket.push(fb);
    for (const [j, b] of BUILDS.entries()) {
      const r = per[j] as (typeof per)[number];
      r.version.push((await runChild(['--version'], { plain: true, bin: b.bin })).ms);
      r.cpu.push((await runChild(['--version'], { bin: b.bin })).cpuMs);
      const fa = await firstPacket(env, b.bin, address.args(env));
      const fh = await firstPacket(env, b.bin, host.args(env));
      if (fa !== null) r.address.push(fa);
      if (fh !== null) r.host.push(fh);
    }
  }
  const bareMs = spread(bare);
  return {
    runs: COLD_RUNS,
    bareMs,
    bareCpuMs: percentile(bareCpu, 50),
    ...(barePacket.length > 0 ? { barePacketMs: spread(barePacket) } : {}),
    builds: BUILDS.map((b, j) => {
      const r = per[j] as (typeof per)[number];
      return {
        label: b.label,
        versionMs: spread(r.version),
        ratio: percentile(r.version, 50) / bareMs.median,
        versionCpuMs: percentile(r.cpu, 50),
        firstPacketMs: spread(r.address),
        firstPacketHostMs: spread(r.host),
      };
    }),
  };
}

function gitCommit(): string {
  // A copy outside git (a baseline run from `git archive`) names its commit itself.
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !==
      '';
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
    // --cold-only: the cold start and first packet alone (each build against IMAP_DOCTOR_BENCH_BEFORE), printed, no results written.
    if (process.argv.includes('--cold-only')) {
      process.stdout.write(`${JSON.stringify({ loadavg: os.loadavg(), ...(await coldStart(env)) }, null, 1)}\n`);
      return;
    }
    records = await measureAll(env);
    cold = await coldStart(env);
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

/** Theil–Sen slope of wall time over one-way delay: the median of the slopes of all pairs at different D. */
function theilSen(rs: RunRecord[]): number {
  const slopes: number[] = [];
  for (const a of rs)
    for (const b of rs) if (b.delayMs > a.delayMs) slopes.push((b.wallMs - a.wallMs) / (b.delayMs - a.delayMs));
  return percentile(slopes, 50);
}

function row(s: Scenario, d: number, rs: RunRecord[], base: RunRecord[]): LatencyRow {
  const med = (xs: number[]) => percentile(xs, 50);
  const wall = rs.map((r) => r.wallMs);
  const net = med(wall) - med(base.map((r) => r.wallMs));
  const netMin = Math.min(...wall) - Math.min(...base.map((r) => r.wallMs));
  const critical = s.k * 2 * d;
  const seq = med(rs.map((r) => r.sequentialMs));
  const firsts = rs.map((r) => r.firstPacketMs).filter((x): x is number => x !== null);
  return {
    delayMs: d,
    runs: rs.length,
    wallMs: spread(wall),
    netMs: net,
    criticalMs: critical,
    ratio: d === 0 ? null : net / critical,
    netMinMs: netMin,
    ratioMin: d === 0 ? null : netMin / critical,
    ...(s.timeoutMs ? { perTimeout: med(wall) / s.timeoutMs } : {}),
    cpuMs: med(rs.map((r) => r.cpuMs)),
    rssKiB: Math.max(...rs.map((r) => r.rssKiB)),
    dnsQueries: med(rs.map((r) => r.dnsQueries)),
    connections: {
      imap: med(rs.map((r) => r.connections.imap)),
      web: med(rs.map((r) => r.connections.web)),
      dropped: med(rs.map((r) => r.connections.dropped)),
    },
    firstPacketMs: firsts.length > 0 ? med(firsts) : null,
    sequentialMs: seq,
    sequentialNetMs: seq - med(base.map((r) => r.sequentialMs)),
    unexpected: rs.filter((r) => r.code !== s.expectExit || (s.expectExit === 0 && !r.working)).map((r) => r.code),
  };
}

function summarise(s: Scenario, records: Map<string, RunRecord[]>): ScenarioResult {
  const at = (d: number) => records.get(`${s.id}/${d}`) ?? [];
  const all = DELAYS.flatMap(at);
  const slope = theilSen(all);
  return {
    id: s.id,
    title: s.title,
    k: s.k,
    path: s.path,
    why: s.why,
    ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
    rows: DELAYS.map((d) => row(s, d, at(d), at(0))),
    fit: { msPerDelayMs: slope, roundTrips: slope / 2, ratio: slope / (2 * s.k) },
    samples: all,
  };
}

main().catch((e: unknown) => {
  process.stderr.write(`latency bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
