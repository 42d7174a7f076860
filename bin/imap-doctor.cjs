#!/usr/bin/env node
// Thin launcher: everything lives in dist/ (bundles of src/, built by `npm install`; scripts/build.mjs).
// CommonJS, so that no ES module loader starts before the run's first packet (issue #9: the first packet
// within 60 ms of the spawn, CPU near bare Node's). `--version` alone is answered here, from package.json,
// without loading the command line (within 2 × the start of bare Node); src/cli.ts answers it the same way
// when it is given with more.
'use strict';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // A closed stdout (`imap-doctor --version | true`) ends quietly, as in src/cli.ts.
  process.stdout.on('error', () => process.exit(141));
  const pkg = require('node:fs').readFileSync(require('node:path').join(__dirname, '../package.json'), 'utf8');
  process.stdout.write(`${JSON.parse(pkg).version}\n`);
} else {
  // dist/early.cjs and dist/cli.cjs come with V8 code caches of their own, built beside them (src/load.ts).
  // No module.enableCompileCache(): its default directory is under os.tmpdir(), where anyone may put files,
  // and a planted cache is code; with the caches in dist/ it saved nothing measurable on Node 26.
  // The run's first DNS queries leave now, before dist/cli.cjs loads, when the command line is plainly the
  // diagnosis of one address (src/early.ts decides; without an '@' in argv it is not even loaded; its
  // failure only means that the run asks for itself).
  if (argv.some((a) => a.includes('@'))) {
    try {
      const early = require('node:path').join(__dirname, '../dist/early.cjs');
      require('../dist/load.cjs').loadBundle(early).startEarly(argv, process.env, require('node:tty').isatty(0));
    } catch {
      // The run asks for itself.
    }
    // One turn of the event loop, so the queries really leave (the socket binds and sends in callbacks)
    // before the synchronous load of dist/cli.cjs holds them back.
    setImmediate(run);
  } else run();
}

function run() {
  const bundle = require('node:path').join(__dirname, '../dist/cli.cjs');
  // A diagnosis (an address) takes the code cache warmed up by diagnoses; --help, explain, show… the smaller one.
  const kind = argv.some((a) => a.includes('@')) ? 'run' : 'command';
  require('../dist/load.cjs').loadBundle(bundle, kind).main();
}
