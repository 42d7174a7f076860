/**
 * Firewall timing: how long a run takes when connects are dropped, as the number of endpoints and
 * addresses grows. The design goal is one connect timeout plus the reference probes' head start
 * (min(1 s, timeout/4), they start while the IMAP connect still hangs); before head starts it was one reference-probe
 * timeout, whatever the count. Root only (network namespaces). Results: bench/results/firewall.{json,md}.
 * Run: npm run bench (also runs bench/run.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createNetns, type NetnsLab } from '../test/servers/netns.js';
import { BIN, ROOT, runBench } from './common.js';

const RUNS = 3;

interface Row {
  scenario: string;
  timeoutMs: number;
  endpoints: number;
  addressProbes: number;
  references: string;
  medianMs: number;
  reportMs: number;
  /** Wall time in units of the step timeout: the number the design is about. */
  timeouts: number;
  codes: string;
}

interface Run {
  ms: number;
  report: { durationMs: number; endpoints: { addresses: unknown[] }[]; findings: { code: string }[] };
}

function runIn(ns: string, args: string[]): Promise<Run> {
  const t0 = performance.now();
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, BIN, ...args, '--no-login', '--json'], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('close', () => {
      try {
        resolve({ ms: performance.now() - t0, report: JSON.parse(out) as Run['report'] });
      } catch (e) {
        reject(new Error(`not JSON: ${out.slice(0, 200)} (${(e as Error).message})`));
      }
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** A client namespace that reaches `count` extra server addresses (192.0.2.1…, on the server's loopback). */
async function lab(count: number): Promise<{ ns: NetnsLab; client: string; addresses: string[] }> {
  const ns = await createNetns({ client: true });
  const client = ns.client as NonNullable<NetnsLab['client']>;
  const addresses = Array.from({ length: count }, (_, i) => `192.0.2.${i + 1}`);
  for (const a of addresses) await ns.exec(ns.server.ns, 'ip', ['addr', 'add', `${a}/32`, 'dev', 'lo']);
  await ns.exec(client.ns, 'ip', ['route', 'add', '192.0.2.0/24', 'via', client.serverIp]);
  return { ns, client: client.ns, addresses };
}

async function scenario(
  name: string,
  timeoutMs: number,
  count: number,
  setup: (ns: NetnsLab) => Promise<void>,
): Promise<Row> {
  const { ns, client, addresses } = await lab(count);
  try {
    await setup(ns);
    const args = [
      'alice@example.test',
      '--host',
      'imap.example.test',
      '--resolve',
      `imap.example.test=${addresses.join(',')}`,
      '--timeout',
      String(timeoutMs),
    ];
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runIn(client, args));
    const last = runs[runs.length - 1] as Run;
    const ms = median(runs.map((r) => r.ms));
    const codes = [...new Set(last.report.findings.map((f) => f.code).filter((c) => c !== 'LOGIN_NOT_TESTED'))];
    return {
      scenario: name,
      timeoutMs,
      endpoints: last.report.endpoints.length,
      addressProbes: last.report.endpoints.reduce((n, e) => n + e.addresses.length, 0),
      references: `${count} × (443, 80)`,
      medianMs: Math.round(ms),
      reportMs: median(runs.map((r) => r.report.durationMs)),
      timeouts: Math.round((ms / timeoutMs) * 100) / 100,
      codes: codes.join(' '),
    };
  } finally {
    await ns.destroy();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dropAll = async (ns: NetnsLab) => ns.iptables(ns.server.ns, ['-A', 'INPUT', '-p', 'tcp', '-j', 'DROP']);
  for (const timeoutMs of [1000, 2000]) {
    for (const count of [1, 4]) rows.push(await scenario('every port dropped', timeoutMs, count, dropAll));
  }
  rows.push(
    await scenario('993 dropped; 143 and 443 open, 80 dropped (early stop)', 1000, 1, async (ns) => {
      await ns.listen(ns.server.ns, 143, { kind: 'imap' });
      await ns.listen(ns.server.ns, 443, { kind: 'tcp' });
      for (const port of ['993', '80'])
        await ns.iptables(ns.server.ns, ['-A', 'INPUT', '-p', 'tcp', '--dport', port, '-j', 'DROP']);
    }),
  );
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'firewall.json'),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, runs: RUNS, rows }, null, 2)}\n`,
  );
  const md = [
    '# Firewall timing',
    '',
    `${new Date().toISOString()} · Node ${process.version} · median of ${RUNS} runs of the CLI inside a client namespace (\`--no-login\`).`,
    "Goal: about one connect timeout plus the references' head start of min(1 s, timeout/4) (≈ 1.25 × timeout at 1–4 s), whatever the number of endpoints and addresses; the early stop ends a run as soon as the references settle it.",
    '',
    '| scenario | timeout | endpoints | address probes | references | median | report | × timeout | findings |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.timeoutMs} ms | ${r.endpoints} | ${r.addressProbes} | ${r.references} | ${r.medianMs} ms | ${r.reportMs} ms | ${r.timeouts} | ${r.codes} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'firewall.md'), md);
  process.stdout.write(md);
}

runBench(main);
