#!/usr/bin/env node
// Thin launcher: everything lives in dist/ (an esbuild bundle of src/, built by `npm install`).
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of dist/ between runs; on Node 20 this is a no-op.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
main();
