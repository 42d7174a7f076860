// Builds dist/ for the npm package: an ESM bundle of src/cli.ts (esbuild), dependencies included, split into
// dist/cli.js — the command line alone, enough for --version, --help and usage errors — and lazy chunks in
// dist/chunks/ for what only some runs load (each `import()` in src/ is a boundary: the diagnosis, judging,
// explain, show/diff, imapflow for the login, ora for the spinner, the schema validator).
// Type checking is tsc's job (npm run build runs it first). Usage: node scripts/build.mjs [--sizes]
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const outdir = path.join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts' },
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  metafile: true,
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __imapDoctorRequire } from 'node:module'; const require = __imapDoctorRequire(import.meta.url);",
  },
  // The version is baked in: no chunk reads package.json, wherever it lies.
  define: { __IMAP_DOCTOR_VERSION__: JSON.stringify(version) },
  logLevel: 'warning',
});

// dist/early.js: the launcher's early DNS queries (src/early.ts), on its own so that bin/ can load it before
// dist/cli.js: no chunks, no commander; the code it shares with the resolver (dns/query.ts) is bundled into both.
const early = await build({
  absWorkingDir: root,
  entryPoints: { early: 'src/early.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir,
  // Smaller to read and parse before anything else of the run: the first packet waits for it.
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  banner: {
    js: "import { createRequire as __imapDoctorRequire } from 'node:module'; const require = __imapDoctorRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const earlyInputs = Object.keys(early.metafile.outputs['dist/early.js']?.inputs ?? {});
if (earlyInputs.some((i) => i.includes('node_modules/commander')))
  throw new Error('dist/early.js must not bundle commander');

// show/validate.ts reads ../../docs/*.json next to its own file: its chunk must sit two levels below the
// package root, as src/show/ does.
const validator = Object.entries(result.metafile.outputs).find(([, o]) => o.inputs['src/show/validate.ts']);
if (!validator || path.dirname(validator[0]).split('/').length !== 2) {
  throw new Error(
    `src/show/validate.ts was bundled into ${validator?.[0] ?? 'nothing'}, not dist/chunks/: it would not find docs/`,
  );
}
if (process.argv.includes('--sizes')) {
  for (const [file, o] of [...Object.entries(result.metafile.outputs), ...Object.entries(early.metafile.outputs)])
    if (file.endsWith('.js')) console.log(`${String(o.bytes).padStart(9)} ${file}`);
}
