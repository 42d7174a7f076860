/**
 * One benchmarked child process: the CLI (or bare Node) spawned with bench/rss-probe.cjs preloaded, so
 * the child itself reports its peak RSS and CPU time at exit. Wall time is spawn to close, taken here.
 * Shared by every bench suite.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN as THIS_BIN, PROBE, ROOT } from './common.js';

export { ROOT };
/** The CLI measured: this tree's, or another build's (IMAP_DOCTOR_BENCH_BIN, e.g. a copy of main for before/after). */
export const BIN = process.env.IMAP_DOCTOR_BENCH_BIN ?? THIS_BIN;

export interface ChildSample {
  /** Spawn to close, ms. */
  ms: number;
  /** performance.now() just before spawn (for first-packet times measured by servers in this process). */
  spawnedAt: number;
  rssKiB: number;
  /** user + system CPU time of the child, ms (0 when it died before reporting). */
  cpuMs: number;
  code: number;
  stdout: string;
}

export interface ChildOptions {
  env?: Record<string, string>;
  /** Node arguments before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Run `node -e 0` instead of the CLI (args ignored): bare Node's cost with the same preload. */
  bare?: boolean;
  /** Run `node -e <code>` instead of the CLI (args ignored), e.g. bare Node sending one datagram. */
  code?: string;
  /** Without the preload: nothing but Node and the CLI (cold-start wall time); rssKiB and cpuMs are 0. */
  plain?: boolean;
  /** Run this executable (the single executable) with args instead of Node and the CLI; rssKiB and cpuMs are 0. */
  exe?: string;
  /** Another build's launcher (default BIN; bench/common.ts binOf). */
  bin?: string;
  /** Kill the child when this settles (e.g. once its first packet was seen). */
  killWhen?: Promise<unknown>;
}

export interface Usage {
  maxRssKiB: number;
  userUs: number;
  systemUs: number;
}

/** What bench/rss-probe.cjs wrote at the child's exit (zeros when it died before writing it); the file is removed. */
export function readUsage(file: string): Usage {
  try {
    const usage = JSON.parse(readFileSync(file, 'utf8')) as Usage;
    rmSync(file);
    return usage;
  } catch {
    // the child died before writing it, or ran without the preload
    return { maxRssKiB: 0, userUs: 0, systemUs: 0 };
  }
}

let tmp: string | null = null;

/** Spawns `node [--require rss-probe] bin/imap-doctor.cjs …args` and resolves when it closes. */
export function runChild(args: string[], o: ChildOptions = {}): Promise<ChildSample> {
  tmp ??= mkdtempSync(path.join(os.tmpdir(), 'imapdoc-bench-'));
  const usageFile = path.join(tmp, `usage-${Math.random().toString(36).slice(2)}`);
  const script = o.bare ? ['-e', '0'] : o.code !== undefined ? ['-e', o.code] : [o.bin ?? BIN, ...args];
  const argv = o.exe ? args : [...(o.nodeArgs ?? []), ...(o.plain ? [] : ['--require', PROBE]), ...script];
  const spawnedAt = performance.now();
  const child = spawn(o.exe ?? process.execPath, argv, {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', BENCH_RSS_FILE: usageFile, ...o.env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  void o.killWhen?.finally(() => child.kill('SIGKILL'));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const ms = performance.now() - spawnedAt;
      const usage = readUsage(usageFile);
      resolve({
        ms,
        spawnedAt,
        rssKiB: usage.maxRssKiB,
        cpuMs: (usage.userUs + usage.systemUs) / 1000,
        code: code ?? -1,
        stdout,
      });
    });
  });
}

/** Removes the scratch directory of the usage files. */
export function cleanUpChildren(): void {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
}

/** The p-th percentile (nearest rank below) of xs. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}
