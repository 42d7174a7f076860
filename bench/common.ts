/**
 * What every bench shares: where the repository and the CLI are (the benches are bundled to
 * bench/.out/, two levels below the root), the RSS probe, the machine line of each results file, and
 * how a bench ends when it fails.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The launcher of the build at `root` (its package.json's bin): another build may name it otherwise (bin/imap-doctor.js before the CommonJS launcher). */
export function binOf(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  return path.join(root, pkg.bin['imap-doctor'] ?? 'bin/imap-doctor.cjs');
}
export const BIN = binOf(ROOT);
/** Preloaded with --require (CommonJS) into bare Node and the CLI alike. */
export const PROBE = path.join(ROOT, 'bench/rss-probe.cjs');

export interface BenchMeta {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  platform: string;
  /** 1-minute load average at the end: results from a busy machine are slower across the board. */
  loadAverage: number;
}

export function benchMeta(): BenchMeta {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: Number((os.loadavg()[0] ?? 0).toFixed(2)),
  };
}

/** The machine line under a results file's title. */
export function metaLine(m: BenchMeta): string {
  return `${m.date} · Node ${m.node} · ${m.cpus} × ${m.cpuModel} · ${m.platform} · load average ${m.loadAverage}`;
}

/** Runs a bench's main(), printing a failure instead of an unhandled rejection. */
export function runBench(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
