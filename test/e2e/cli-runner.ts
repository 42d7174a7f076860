/**
 * Runs the built CLI (bin/imap-doctor.cjs) as a child process, the way users do, and checks every
 * run for leaked secrets: the canary password (and its base64/SASL forms) must never appear in
 * stdout, stderr or the saved evidence. Every diagnosis also saves its evidence and must round-trip
 * through `show` (round-trip.ts). Returns the exit code, both streams and the parsed JSON when --json was used.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Report } from '../../src/model/report.js';
import type { LabInfo } from '../servers/lab.js';
import { checkRoundTrip } from './round-trip.js';
import { ROOT } from '../helpers/paths.js';

export { ROOT };
export const BIN = path.join(ROOT, 'bin/imap-doctor.cjs');

export interface CliRun {
  code: number;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json?: Report;
  ms: number;
}

/** Every form a secret could leak in. */
export function secretForms(secret: string, user?: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
  if (user)
    forms.push(
      Buffer.from(`\0${user}\0${secret}`).toString('base64'),
      Buffer.from(`${user}\0${user}\0${secret}`).toString('base64'),
    );
  return forms;
}

/** Secrets registered here are checked in every run's output. */
const secrets = new Set<string>();
export function registerSecret(...forms: string[]): void {
  for (const f of forms) secrets.add(f);
}

export function assertNoSecrets(text: string, where: string): void {
  for (const s of secrets) {
    if (text.includes(s)) throw new Error(`a secret leaked into ${where}`);
  }
}

export interface CliOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** Ctrl-C (SIGINT) once this settles. */
  interruptWhen?: Promise<unknown>;
  /** A module preloaded into the CLI (node --import), for faults no server can cause. */
  preload?: string;
}

/** A diagnosis (not show, diff, explain, completion, publish, --help, --version or a --batch): it prints one report and can save evidence. */
function isDiagnosis(args: string[]): boolean {
  return (
    !['show', 'diff', 'explain', 'help', 'completion', 'publish'].includes(args[0] ?? '') &&
    !args.some((a) => ['--help', '-h', '--version', '-V', '--batch'].includes(a))
  );
}

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const diagnosis = isDiagnosis(args);
  const own = args.indexOf('--save-evidence');
  const dir = diagnosis && own < 0 ? mkdtempSync(path.join(os.tmpdir(), 'imapdoc-ev-')) : null;
  const evidenceFile = own >= 0 ? (args[own + 1] as string) : dir ? path.join(dir, 'evidence.json') : null;
  try {
    const run = await spawnCli(dir && evidenceFile ? [...args, '--save-evidence', evidenceFile] : args, opts, args);
    if (diagnosis && evidenceFile) await checkEvidence(args, run, evidenceFile);
    return run;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** A run that printed a report saved its evidence: secret-free, and it re-judges to the same report. */
async function checkEvidence(args: string[], run: CliRun, file: string): Promise<void> {
  const printed = [0, 1, 3, 130].includes(run.code) && run.stdout.length > 0;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (!printed) return;
  if (text.length === 0)
    expect.fail(`imap-doctor ${args.join(' ')} printed a report (exit ${run.code}) but saved no evidence`);
  assertNoSecrets(text, `the evidence saved by ${args.join(' ')}`);
  await checkRoundTrip(args, run, file);
}

async function spawnCli(args: string[], opts: CliOptions, shownArgs: string[]): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(opts.preload ? ['--import', opts.preload] : []), BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  void opts.interruptWhen?.then(() => child.kill('SIGINT'));
  const [code, signal] = await new Promise<[number, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, sig) => resolve([c ?? (sig ? 128 : -1), sig])),
  );
  clearTimeout(timer);
  assertNoSecrets(stdout, `stdout of ${shownArgs.join(' ')}`);
  assertNoSecrets(stderr, `stderr of ${shownArgs.join(' ')}`);
  const run: CliRun = { code, signal, stdout, stderr, ms: Math.round(performance.now() - t0) };
  if ((shownArgs.includes('--json') || shownArgs.includes('json')) && !shownArgs.includes('--batch')) {
    try {
      run.json = JSON.parse(stdout) as Report;
    } catch {
      throw new Error(
        `--json output is not JSON (exit ${code}): ${stdout.slice(0, 300)} | stderr: ${stderr.slice(0, 300)}`,
      );
    }
  }
  return run;
}

/**
 * The CLI under a wrapper command (`ip netns exec <ns>`, `unshare -m …`): `prefix`, then node, the CLI and
 * `args`; killed after `killMs`. Its output is checked for secrets, as runCli's is.
 */
export function runWrapped(
  prefix: string[],
  args: string[],
  where: string,
  killMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  const [cmd, ...rest] = prefix as [string, ...string[]];
  const child = spawn(cmd, [...rest, process.execPath, BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: process.env.HOME ?? '/root',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), killMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      assertNoSecrets(stdout + stderr, where);
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - t0) });
    });
  });
}

/**
 * `user`'s command line against the lab Dovecot at `ip` (one of lab.hosts), under the lab's host name pinned
 * there with --resolve, trusting the lab CA, with this --timeout; `more` follows.
 */
export function labArgs(lab: LabInfo, user: string, ip: string, timeout: string, ...more: string[]): string[] {
  const name = lab.hostname;
  return [
    user,
    '--host',
    name,
    '--resolve',
    `${name}=${ip}`,
    '--ca-file',
    lab.certs.ca.crt,
    '--timeout',
    timeout,
    ...more,
  ];
}

/** The first finding with severity error, or undefined. */
export function firstError(r: Report): string | undefined {
  return r.findings.find((f) => f.severity === 'error')?.code;
}

export function codes(r: Report): string[] {
  return r.findings.map((f) => f.code);
}

export function expectExit(run: CliRun, code: number): void {
  if (run.code !== code) {
    expect.fail(
      `expected exit ${code}, got ${run.code}\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 1000)}`,
    );
  }
}
