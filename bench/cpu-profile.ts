/**
 * Where a healthy run's CPU time goes: the address-only and --host scenarios of the latency bench (D = 0),
 * each run under `node --cpu-prof`, with the samples summed by kind of work (module loading, TLS and crypto,
 * the doctor's own code, imapflow, GC, other Node internals) and by function. The profiler samples wall
 * time while the process runs, so on a loaded machine every figure grows a little; the shares hold better.
 * Results: bench/results/cpu-profile.{json,md} (cpu-profile-<label>.* with --label <label>); the .cpuprofile files stay in bench/.out/profiles/ (open
 * them in Chrome's DevTools). Run: npm run bench:profile (root: it starts the lab).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT, cleanUpChildren, percentile, runChild } from './child.js';
import { SCENARIOS, setDelay, startEnv, stopEnv, type Env, type Scenario } from './latency-env.js';

const RUNS = Number(process.env.PROFILE_RUNS ?? 5);
const OUT = path.join(ROOT, 'bench/.out/profiles');

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** The kind of work a sampled frame does. */
function kindOf(fn: string, url: string): string | null {
  if (fn === '(idle)') return null;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (/imap-flow-|\/dist\/vendor\/imap/.test(url)) return 'imapflow (the login)';
  // The launcher, the code-cache loader and node:vm's Script (the compile of dist/cli.cjs) are loading.
  if (/\/bin\/imap-doctor\.c?js$|\/dist\/load\.cjs$/.test(url) || url === 'node:vm')
    return 'loading and compiling modules';
  if (/\/dist\//.test(url)) return 'imap-doctor and its bundled dependencies';
  if (/^node:internal\/(modules|bootstrap)|^node:internal\/process\/pre_execution/.test(url) || /^compile/.test(fn))
    return 'loading and compiling modules';
  if (/tls|crypto|x509/i.test(url) || /SecureContext|addCACert|X509/.test(fn)) return 'TLS and crypto (Node)';
  if (url.startsWith('node:')) return 'other Node internals (net, streams, timers, dns)';
  return 'V8 and native (program)';
}

interface Summary {
  /** Sampled ms that were not idle. */
  busyMs: number;
  byKind: Record<string, number>;
  byFunction: Record<string, number>;
}

function summarise(p: CpuProfile): Summary {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const out: Summary = { busyMs: 0, byKind: {}, byFunction: {} };
  for (let i = 0; i < p.samples.length; i++) {
    const f = byId.get(p.samples[i] as number);
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const kind = f ? kindOf(f.functionName, f.url) : null;
    if (!f || kind === null) continue;
    out.busyMs += ms;
    out.byKind[kind] = (out.byKind[kind] ?? 0) + ms;
    const where = f.url
      .replace(/^.*\/(dist\/[^?]*)$/, '$1')
      .replace(/chunks\/([\w-]+?)-[A-Z0-9]{8}\.js/, 'chunks/$1.js');
    const name = `${f.functionName || '(anonymous)'} ${where || ''}:${f.lineNumber + 1}`;
    out.byFunction[name] = (out.byFunction[name] ?? 0) + ms;
  }
  return out;
}

async function profileScenario(env: Env, s: Scenario): Promise<{ cpuMs: number; summaries: Summary[] }> {
  const dir = path.join(OUT, s.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cpu: number[] = [];
  await runChild(s.args(env), { env: { IMAP_DOCTOR_PASSWORD: env.lab.info.password } });
  for (let i = 0; i < RUNS; i++) {
    const c = await runChild(s.args(env), {
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250'],
      env: { IMAP_DOCTOR_PASSWORD: env.lab.info.password },
    });
    cpu.push(c.cpuMs);
  }
  // One file per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile): a run's worker threads are
  // added to its main thread's summary, as one kind of work, not counted as runs of their own.
  const runs = new Map<string, Summary>();
  for (const f of readdirSync(dir)) {
    const [pid, thread] = f.split('.').slice(3, 5);
    const one = summarise(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile);
    const sum = runs.get(pid as string) ?? { busyMs: 0, byKind: {}, byFunction: {} };
    sum.busyMs += one.busyMs;
    if (thread === '0') {
      for (const [k, v] of Object.entries(one.byKind)) sum.byKind[k] = (sum.byKind[k] ?? 0) + v;
      for (const [k, v] of Object.entries(one.byFunction)) sum.byFunction[k] = (sum.byFunction[k] ?? 0) + v;
    } else {
      sum.byKind['worker threads (the deadline backstop)'] =
        (sum.byKind['worker threads (the deadline backstop)'] ?? 0) + one.busyMs;
    }
    runs.set(pid as string, sum);
  }
  const summaries = [...runs.values()];
  return { cpuMs: percentile(cpu, 50), summaries };
}

/** Medians over the runs, per key. */
function medians(list: Array<Record<string, number>>): Record<string, number> {
  const keys = new Set(list.flatMap((r) => Object.keys(r)));
  return Object.fromEntries(
    [...keys].map((k) => [
      k,
      percentile(
        list.map((r) => r[k] ?? 0),
        50,
      ),
    ]),
  );
}

function table(title: string, cpuMs: number, summaries: Summary[]): string[] {
  const busy = percentile(
    summaries.map((x) => x.busyMs),
    50,
  );
  const kinds = Object.entries(medians(summaries.map((x) => x.byKind))).sort((a, b) => b[1] - a[1]);
  const fns = Object.entries(medians(summaries.map((x) => x.byFunction)))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20);
  return [
    `### ${title}`,
    '',
    `CPU time (user + system, median of ${summaries.length} profiled runs): ${Math.round(cpuMs)} ms; busy samples: ${Math.round(busy)} ms.`,
    '',
    '| kind of work | ms | share |',
    '| --- | --- | --- |',
    ...kinds.map(([k, v]) => `| ${k} | ${v.toFixed(1)} | ${Math.round((v / busy) * 100)} % |`),
    '',
    '| function (self time) | ms |',
    '| --- | --- |',
    ...fns.map(([k, v]) => `| \`${k}\` | ${v.toFixed(1)} |`),
    '',
  ];
}

async function main(): Promise<void> {
  const env = await startEnv();
  const results: Array<{ id: string; title: string; cpuMs: number; summaries: Summary[] }> = [];
  try {
    setDelay(env, 0);
    for (const s of SCENARIOS.filter((x) => x.expectExit === 0))
      results.push({ id: s.id, title: s.title, ...(await profileScenario(env, s)) });
  } finally {
    await stopEnv(env);
    cleanUpChildren();
  }
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const label = process.argv.includes('--label') ? `-${process.argv[process.argv.indexOf('--label') + 1]}` : '';
  const md = [
    '# Where a healthy run spends its CPU',
    '',
    `${new Date().toISOString()} · ${BIN} · Node ${process.version} · load average ${load} · D = 0 · sampling every 250 µs`,
    '',
    ...results.flatMap((r) => table(r.title, r.cpuMs, r.summaries)),
  ].join('\n');
  writeFileSync(path.join(ROOT, `bench/results/cpu-profile${label}.md`), md);
  writeFileSync(
    path.join(ROOT, `bench/results/cpu-profile${label}.json`),
    `${JSON.stringify({ loadavg: load, runs: RUNS, results: results.map((r) => ({ ...r, summaries: undefined, byKind: medians(r.summaries.map((x) => x.byKind)) })) }, null, 2)}\n`,
  );
  process.stdout.write(`results written to bench/results/cpu-profile${label}.{json,md}; profiles in ${OUT}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`cpu profile failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
