#!/usr/bin/env node
// Thin launcher: everything lives in dist/ (an esbuild bundle of src/, built by `npm install`).
// `--version` alone is answered here, from package.json, without loading the command line (issue #9:
// within 2 × the start of bare Node); src/cli.ts answers it the same way when it is given with more.
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { isatty } from 'node:tty';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // A closed stdout (`imap-doctor --version | true`) ends quietly, as in src/cli.ts.
  process.stdout.on('error', () => process.exit(141));
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // Node 22.1 and later keep V8's compiled code of dist/ between runs; on Node 20 this is a no-op.
  module.enableCompileCache?.();
  // The run's first DNS queries leave now, while dist/cli.js loads, when the command line is plainly the
  // diagnosis of one address (src/early.ts decides; without an '@' in argv it is not even loaded; its
  // failure only means that the run asks for itself).
  if (argv.some((a) => a.includes('@'))) {
    await import('../dist/early.js').then(
      (early) => early.startEarly(argv, process.env, isatty(0)),
      () => undefined,
    );
    // One turn of the event loop, so the queries really leave (the socket binds and sends in callbacks):
    // Node 22 and later load dist/cli.js synchronously inside import(), which would hold them back.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { main } = await import('../dist/cli.js');
  main();
}
