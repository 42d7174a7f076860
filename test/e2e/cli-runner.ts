/**
 * Runs the built CLI (bin/imap-doctor.js) as a child process, the way users do, and checks every
 * run for leaked secrets: the canary password (and its base64/SASL forms) must never appear in
 * stdout or stderr. Returns the exit code, both streams and the parsed JSON when --json was used.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Report } from '../../src/model/report.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/imap-doctor.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json?: Report;
  ms: number;
}

/** Every form a secret could leak in. */
export function secretForms(secret: string, user?: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)];
  if (user) forms.push(Buffer.from(`\0${user}\0${secret}`).toString('base64'), Buffer.from(`${user}\0${user}\0${secret}`).toString('base64'));
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

export async function runCli(args: string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number; interruptAfterMs?: number } = {}): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  if (opts.interruptAfterMs !== undefined) setTimeout(() => child.kill('SIGINT'), opts.interruptAfterMs).unref();
  const code = await new Promise<number>((resolve) => child.on('close', (c, sig) => resolve(c ?? (sig ? 128 : -1))));
  clearTimeout(timer);
  assertNoSecrets(stdout, `stdout of ${args.join(' ')}`);
  assertNoSecrets(stderr, `stderr of ${args.join(' ')}`);
  const run: CliRun = { code, stdout, stderr, ms: Math.round(performance.now() - t0) };
  if (args.includes('--json') || args.includes('json')) {
    try {
      run.json = JSON.parse(stdout) as Report;
    } catch {
      throw new Error(`--json output is not JSON (exit ${code}): ${stdout.slice(0, 300)} | stderr: ${stderr.slice(0, 300)}`);
    }
  }
  return run;
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
    expect.fail(`expected exit ${code}, got ${run.code}\nstdout: ${run.stdout.slice(0, 2000)}\nstderr: ${run.stderr.slice(0, 1000)}`);
  }
}
