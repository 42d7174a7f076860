/**
 * `npm run bench`, batch part: `imap-doctor --batch` throughput (addresses per second) and peak RSS at
 * 1,000 and 10,000 addresses over 100 domains against local servers — a loopback DNS server with a
 * generated zone (per domain: an _imaps._tcp SRV record naming the domain itself, whose A record is
 * the lab's Dovecot, under a name the lab certificate covers: the runs are healthy) and the lab's Dovecot. No logins (no --credentials-file), no ISPDB. Written to
 * bench/results/batch.{json,md} with the load average before and after (the 2 cores are shared).
 * Goals (issue 9): ≥ 50 addresses/s at 1,000; peak RSS under 200 MB, and no higher at 10,000.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDnsServer, type Zone } from '../test/servers/dns-server.js';
import { startLab, type Lab } from '../test/servers/lab.js';
import { readUsage } from './child.js';
import { benchMeta, BIN, metaLine, PROBE, ROOT, runBench } from './common.js';

const DOMAINS = 100;
/** BENCH_BATCH_SIZES=200,1000 and BENCH_BATCH_ARGS="--timeout 2000" for a quicker look (results still written). */
const SIZES = (process.env.BENCH_BATCH_SIZES ?? '1000,10000').split(',').map(Number);
const EXTRA = (process.env.BENCH_BATCH_ARGS ?? '').split(' ').filter((a) => a.length > 0);
const GOAL_RATE = 50;
const GOAL_RSS_MIB = 200;

interface BatchResult {
  addresses: number;
  domains: number;
  wallMs: number;
  addressesPerSecond: number;
  peakRssMiB: number;
  reports: number;
  exit: number;
  /** 1-minute load average just before and just after this run. */
  loadBefore: number;
  loadAfter: number;
  summary: string;
}

function zoneFor(goodIp: string): Zone {
  const zone: Zone = {};
  for (let d = 0; d < DOMAINS; d++) {
    const domain = `d${d}.bench.test`;
    // The SRV target is the domain itself, which the lab certificate's *.bench.test covers: every run is healthy.
    zone[domain] = { A: [goodIp] };
    zone[`_imaps._tcp.${domain}`] = { SRV: [{ priority: 0, weight: 1, port: 993, target: domain }] };
  }
  return zone;
}

/** n addresses, interleaved over the domains (address i at domain i mod DOMAINS). */
function list(n: number): string {
  return `${Array.from({ length: n }, (_, i) => `user${i}@d${i % DOMAINS}.bench.test`).join('\n')}\n`;
}

const load = () => Number((os.loadavg()[0] ?? 0).toFixed(2));

function runBatch(file: string, n: number, args: string[], tmp: string): Promise<BatchResult> {
  const rssFile = path.join(tmp, `rss-${n}`);
  const loadBefore = load();
  const t0 = performance.now();
  // BENCH_BATCH_MEM_TRACE=1: a memory time series of each run in bench/.out/batch-mem-<n>.txt (bench/mem-trace.mjs).
  const traced = process.env.BENCH_BATCH_MEM_TRACE !== undefined;
  const trace = traced ? ['--import', path.join(ROOT, 'bench/mem-trace.mjs')] : [];
  const child = spawn(
    process.execPath,
    ['--require', PROBE, ...trace, BIN, '--batch', file, '--format', 'json', ...args],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        BENCH_RSS_FILE: rssFile,
        ...(traced ? { BENCH_MEM_TRACE: path.join(ROOT, `bench/.out/batch-mem-${n}.txt`) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let reports = 0;
  let stderr = '';
  // BENCH_BATCH_KEEP=<dir>: the NDJSON of each run is kept there (to look at the reports).
  const keep = process.env.BENCH_BATCH_KEEP ? path.join(process.env.BENCH_BATCH_KEEP, `batch-${n}.ndjson`) : null;
  if (keep) writeFileSync(keep, '');
  child.stdout.on('data', (d: Buffer) => {
    for (const b of d) if (b === 0x0a) reports++;
    if (keep) appendFileSync(keep, d);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const rssKiB = readUsage(rssFile).maxRssKiB;
      resolve({
        addresses: n,
        domains: DOMAINS,
        wallMs: Math.round(wallMs),
        addressesPerSecond: Number(((n * 1000) / wallMs).toFixed(1)),
        peakRssMiB: Math.round(rssKiB / 1024),
        reports,
        exit: code ?? -1,
        loadBefore,
        loadAfter: load(),
        summary: stderr
          .split('\n')
          .filter((l) => l.startsWith('Batch:') || l.startsWith('Shared:'))
          .join(' '),
      });
    });
  });
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-bench-batch-'));
  let lab: Lab | null = null;
  const results: BatchResult[] = [];
  try {
    lab = await startLab();
    const dns = await startDnsServer({ zone: zoneFor(lab.info.hosts.good) });
    const args = ['--dns', dns.address, '--no-ispdb', '--ca-file', lab.info.certs.ca.crt, ...EXTRA];
    try {
      for (const n of SIZES) {
        const file = path.join(tmp, `list-${n}.txt`);
        writeFileSync(file, list(n));
        const r = await runBatch(file, n, args, tmp);
        process.stdout.write(
          `batch of ${n} over ${DOMAINS} domains: ${r.addressesPerSecond} addresses/s, peak RSS ${r.peakRssMiB} MiB, ${r.reports} reports, exit ${r.exit}, load ${r.loadBefore} → ${r.loadAfter}\n`,
        );
        results.push(r);
      }
    } finally {
      await dns.close();
    }
  } finally {
    await lab?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  write(results);
}

function write(results: BatchResult[]): void {
  const meta = benchMeta();
  const small = results.find((r) => r.addresses === 1000);
  const big = results.find((r) => r.addresses === 10_000);
  const goals = {
    rate: `≥ ${GOAL_RATE} addresses/s at 1,000: ${small && small.addressesPerSecond >= GOAL_RATE ? 'met' : 'NOT met'}`,
    rss: `peak RSS < ${GOAL_RSS_MIB} MiB: ${results.every((r) => r.peakRssMiB < GOAL_RSS_MIB) ? 'met' : 'NOT met'}`,
    flat: `no higher at 10,000: ${small && big && big.peakRssMiB <= small.peakRssMiB * 1.1 ? 'met (within 10 %)' : 'NOT met'}`,
  };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/batch.json'), `${JSON.stringify({ meta, goals, results }, null, 2)}\n`);
  const md = [
    '# imap-doctor batch benchmark',
    '',
    metaLine(meta),
    '',
    `\`imap-doctor --batch <list> --format json\` (default --concurrency 16, no logins, --no-ispdb) against a loopback DNS server (${DOMAINS} generated domains, each an _imaps._tcp SRV record naming the domain itself, which the lab certificate covers) and the lab's Dovecot; addresses interleaved over the domains. Wall time from spawn to exit; peak RSS (VmHWM) from inside the CLI. The machine's 2 cores are shared with other work: the 1-minute load average before and after each run is recorded beside it.`,
    '',
    '| addresses | domains | wall | addresses/s | peak RSS | reports | exit | load before → after |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.addresses} | ${r.domains} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.addressesPerSecond} | ${r.peakRssMiB} MiB | ${r.reports} | ${r.exit} | ${r.loadBefore} → ${r.loadAfter} |`,
    ),
    '',
    `Goals (issue 9): ${goals.rate}; ${goals.rss}; ${goals.flat}.`,
    '',
    ...results.map((r) => `- ${r.addresses}: ${r.summary}`),
    '',
  ].join('\n');
  writeFileSync(path.join(ROOT, 'bench/results/batch.md'), md);
  process.stdout.write('results written to bench/results/batch.{json,md}\n');
}

runBench(main);
