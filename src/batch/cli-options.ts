/**
 * The batch options of the command line (commander only): what runs a batch lives in command.ts,
 * loaded only when --batch is given, so a single diagnosis and --version do not pay for it.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULTS } from '../options.js';

/** Most addresses diagnosed at once (--concurrency). */
const MAX_CONCURRENCY = 256;

function parseConcurrency(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('--concurrency must be a whole number');
  const n = Number(v);
  if (n < 1 || n > MAX_CONCURRENCY) throw new InvalidArgumentError(`--concurrency must be between 1 and ${MAX_CONCURRENCY}`);
  return n;
}

/** The batch options of the command line. */
export function addBatchOptions(program: Command): void {
  program
    .option('--batch <file>', 'diagnose every address in this file (- reads standard input): one per line, address,host to probe that host; # comments')
    .option('--concurrency <n>', `with --batch: addresses diagnosed at once (default ${DEFAULTS.batchConcurrency})`, parseConcurrency)
    .option('--credentials-file <file>', 'with --batch: log in with these passwords, one line per account: address, a tab, the password (the file must be yours alone: chmod 600)');
}
