/**
 * `npm run bench` (also alone: `npm run bench:sync`): what the read-only sync probe after the login
 * costs on the healthy lab account — the commands it sends, each one's median time, the probe's
 * share of the run, and what --sessions adds — written to bench/results/sync.{json,md}. After a password
 * login with SASL-IR on the probe's own connection (this lab's), EXAMINE and the probe's commands go out in
 * one flight and only IDLE's continuation adds a round trip (bench/latency.ts measures it); through
 * imapflow (a token login, a server without SASL-IR: one command in flight) every command is one round
 * trip and IDLE two (IDLE → continuation, DONE → OK).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../src/model/report.js';
import { startLab, type Lab } from '../test/servers/lab.js';
import { fillMaildir, homeOf } from '../test/servers/maildir.js';
import { binOf } from './common.js';

// Bundled to bench/.out/ by npm run bench, two levels below the repository root.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = binOf(ROOT);
const RUNS = Number(process.env.SYNC_BENCH_RUNS ?? 10);

interface Run {
  wallMs: number;
  report: Report;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args, '--json'], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) =>
    child.on('close', () => resolve({ wallMs: performance.now() - t0, report: JSON.parse(out) as Report })),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function measure(args: string[], env: Record<string, string>): Promise<Run[]> {
  await runCli(args, env); // warm-up: file cache, Dovecot's auth process and indexes
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runCli(args, env));
  return runs;
}

function loginMs(r: Report): number {
  const l = r.endpoints.find((e) => e.id === r.sync?.endpoint)?.login;
  return l?.state === 'attempted' ? l.ms : 0;
}

async function main(): Promise<void> {
  let lab: Lab | null = null;
  try {
    lab = await startLab();
    const info = lab.info;
    const user = info.syncUsers.healthy;
    fillMaildir(homeOf(info, user), {
      inbox: Array.from({ length: 20 }, (_, i) => ({
        bytes: 4000,
        where: i % 2 ? 'cur' : 'new',
        flags: 'S',
        daysAgo: i,
      })),
    });
    const args = [
      user,
      '--host',
      info.hostname,
      '--resolve',
      `${info.hostname}=${info.hosts.good}`,
      '--ca-file',
      info.certs.ca.crt,
      '--port',
      '993',
    ];
    const env = { IMAP_DOCTOR_PASSWORD: info.password };
    const plain = await measure(args, env);
    const sessions = await measure([...args, '--sessions', '5'], env);
    const probe = plain.map((r) => r.report.sync?.probe).filter((p) => p !== undefined);
    const commands = (probe[0]?.commands ?? []).map((c, i) => ({
      command: c.command,
      medianMs: median(probe.map((p) => p.commands[i]?.ms ?? 0)),
    }));
    const result = {
      meta: {
        date: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        loadAverage: Number((os.loadavg()[0] ?? 0).toFixed(2)),
        runs: RUNS,
      },
      commands,
      roundTrips: commands.some((c) => c.command === 'IDLE') ? 1 : 0,
      imapflowRoundTrips: commands.length + (commands.some((c) => c.command === 'IDLE') ? 1 : 0),
      probeMedianMs: median(probe.map((p) => p.ms)),
      loginMedianMs: median(plain.map((r) => loginMs(r.report))),
      runMedianMs: Math.round(median(plain.map((r) => r.wallMs))),
      sessions5: {
        loginMedianMs: median(sessions.map((r) => loginMs(r.report))),
        runMedianMs: Math.round(median(sessions.map((r) => r.wallMs))),
        opened: sessions[0]?.report.sync?.sessions?.opened ?? 0,
      },
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/sync.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(path.join(ROOT, 'bench/results/sync.md'), markdown(result));
    process.stdout.write(markdown(result));
  } finally {
    await lab?.stop();
  }
}

function markdown(r: {
  meta: { date: string; node: string; cpus: number; loadAverage: number; runs: number };
  commands: Array<{ command: string; medianMs: number }>;
  roundTrips: number;
  imapflowRoundTrips: number;
  probeMedianMs: number;
  loginMedianMs: number;
  runMedianMs: number;
  sessions5: { loginMedianMs: number; runMedianMs: number; opened: number };
}): string {
  return [
    '# The sync probe after the login: cost',
    '',
    `${r.meta.date} · Node ${r.meta.node} · ${r.meta.cpus} CPUs · load average ${r.meta.loadAverage} · ${r.meta.runs} runs each (medians), the healthy lab account on 993, loopback`,
    '',
    '| command after EXAMINE | median |',
    '| --- | --- |',
    ...r.commands.map((c) => `| \`${c.command}\` | ${c.medianMs} ms |`),
    '',
    `Round trips added after EXAMINE: **${r.roundTrips}** here — a password login with SASL-IR on the probe's own connection sends EXAMINE and these commands in one flight, and only IDLE's continuation waits (the latency bench, latency.md, measures the whole chain). Through imapflow (a token login, or a server without SASL-IR: one command in flight, IDLE counting two) they would be ${r.imapflowRoundTrips}.`,
    '',
    `Probe: ${r.probeMedianMs} ms of a ${r.loginMedianMs} ms login phase; whole run ${r.runMedianMs} ms.`,
    `With --sessions 5: ${r.sessions5.opened} sessions open at once, login phase ${r.sessions5.loginMedianMs} ms, whole run ${r.sessions5.runMedianMs} ms.`,
    '',
  ].join('\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`sync bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
