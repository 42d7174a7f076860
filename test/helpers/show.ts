/**
 * `imap-doctor show | diff | explain …` run in this process through the real CLI entry (runCli
 * with in-memory streams): nothing that probes, so no child process is needed.
 */
import { PassThrough, Readable } from 'node:stream';
import { runCli as runInProcess } from '../../src/cli.js';

export interface Shown {
  code: number;
  stdout: string;
  stderr: string;
}

/** `imap-doctor <args>` in this process (show, diff, explain: nothing that probes). */
export async function runShow(args: string[], input: string | Buffer = ''): Promise<Shown> {
  let stdout = '';
  let stderr = '';
  // Collected synchronously: a stream's 'data' events could still be pending when runCli returns.
  const err = Object.assign(new PassThrough(), {
    write: (s: string | Uint8Array) => {
      stderr += typeof s === 'string' ? s : Buffer.from(s).toString('utf8');
      return true;
    },
  });
  const code = await runInProcess({
    argv: args,
    env: { NO_COLOR: '1' },
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: err,
    stdin: Readable.from(input.length > 0 ? [Buffer.from(input)] : []),
  });
  return { code, stdout, stderr };
}
