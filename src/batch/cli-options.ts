/**
 * The batch options of the command line (commander only): what runs a batch lives in command.ts,
 * loaded only when --batch is given, so a single diagnosis and --version do not pay for it.
 */
import type { Command } from 'commander';
import { DEFAULTS } from '../options.js';

/** Most addresses diagnosed at once (--concurrency). */
const MAX_CONCURRENCY = 256;

/** The command line's own number parser (cli.ts), handed in as publish's options get it. */
export interface BatchCliHelpers {
  intIn(name: string, min: number, max: number): (v: string) => number;
}

/** The batch options of the command line. */
export function addBatchOptions(program: Command, h: BatchCliHelpers): void {
  program
    .option(
      '--batch <file>',
      'diagnose every address in this file (- reads standard input): one per line, address,host to probe that host; # comments',
    )
    .option(
      '--concurrency <n>',
      `with --batch: addresses diagnosed at once (default ${DEFAULTS.batchConcurrency})`,
      h.intIn('--concurrency', 1, MAX_CONCURRENCY),
    )
    .option(
      '--credentials-file <file>',
      'with --batch: log in with these passwords, one line per account: address, a tab, the password (the file must be yours alone: chmod 600)',
    );
}
