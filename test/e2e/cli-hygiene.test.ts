/**
 * The CLI's own output paths: a closed stdout or stderr (`| head -1`) ends the run quietly (exit 141,
 * no stack trace); a crash outside every inner catch still goes through the secret scrubber; what the
 * user typed is echoed with control characters made visible; the process exits as soon as its report
 * is out; a secret read from standard input is bounded (LIMITS.secretBytes).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CLOSED, readFirstLine } from '../../src/cli.js';
import { LIMITS } from '../../src/limits.js';
import { BIN, ROOT, runCli } from './cli-runner.js';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The CLI with its stdout closed as soon as it starts (like `| head -c0`); stderr collected. */
function closedStdout(
  args: string[],
  preload?: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [...(preload ? ['--import', path.join(ROOT, 'test/fixtures/preload', preload)] : []), BIN, ...args],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    }),
  );
}

describe('a closed stdout ends the run quietly', () => {
  let refused = 0;
  beforeAll(async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    refused = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
  });

  it.each([
    ['--help', ['--help']],
    ['explain --list', ['explain', '--list']],
    ['a whole report', ['alice@example.com', '--host', '127.0.0.1', '--port', '0', '--no-login', '--timeout', '1000']],
  ])('%s into a closed pipe: exit 141, no stack trace', async (_label, args) => {
    const fixed = args.map((a) => (a === '0' ? String(refused) : a));
    const r = await closedStdout(fixed);
    expect(r.code).toBe(EXIT_CLOSED);
    expect(r.stderr).not.toMatch(/\n\s+at |Error:|EPIPE/);
  });
});

describe('every stderr path goes through the scrubber', () => {
  it('a crash outside the inner catches prints "internal error" without the password (exit 3)', async () => {
    const password = 'Canary-Last-Catch-73fz';
    const child = spawn(
      process.execPath,
      ['--import', path.join(ROOT, 'test/fixtures/preload/crash-cli.mjs'), BIN, 'alice@example.com', '--no-login'],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', IMAP_DOCTOR_PASSWORD: password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(3);
    expect(out).toMatch(/internal error: Error: crash while holding \[redacted\]/);
    expect(out).not.toContain(password);
  });
});

describe('what the user typed is echoed with control characters made visible', () => {
  it.each([
    ['--resolve', ['alice@example.com', '--resolve', 'x\u001b]0;pwned\u0007=1.2.3.4']],
    ['--host', ['alice@example.com', '--host', 'imap\u001b[2J.example.com']],
    ['an unknown option', ['alice@example.com', '--\u001b]52;c;cm0=\u0007']],
    ['the address', ['ali\u009bce@exam\u001bple.com']],
  ])('%s', async (_label, args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
  });
});

describe('the process ends with its report', () => {
  it('a secret on standard input is read up to LIMITS.secretBytes, the rest never', async () => {
    const long = Readable.from([Buffer.alloc(LIMITS.secretBytes * 4, 'p')]);
    expect(await readFirstLine(long)).toHaveLength(LIMITS.secretBytes);
    expect(await readFirstLine(Readable.from(['secret\nrest of the input']))).toBe('secret');
  });
});
