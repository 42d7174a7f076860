// Builds dist/ for the npm package (issue #9: start-up near bare Node), loaded by bin/imap-doctor.cjs:
// - dist/cli.cjs: a CommonJS bundle of src/cli.ts (esbuild), its dependencies included, ASCII only;
//   modules behind an `import()` in src/ run only when first imported (esbuild's lazy init), so one file
//   serves --help as well as a diagnosis;
// - dist/cli.cache, dist/cli.command.cache, dist/early.cache: V8's code caches of dist/cli.cjs (for diagnoses,
//   and for the commands without an address) and dist/early.cjs after a warm-up
//   (scripts/code-cache.mjs), made by the Node that runs this build; src/load.ts compiles the bundles with them;
// - dist/vendor/*.cjs: the dependencies only some runs need (imapflow for a second session, ora for the
//   spinner on a terminal, the schema validator for show/diff), each required on first use;
// - dist/early.cjs: the launcher's early DNS queries (src/early.ts), before dist/cli.cjs loads;
// - dist/load.cjs: the code-cache loader (src/load.ts).
// Type checking is tsc's job (npm run build runs it first). Usage: node scripts/build.mjs [--sizes] [--no-code-cache]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import dns from 'node:dns';
import perfHooks from 'node:perf_hooks';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const outdir = path.join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir);

/**
 * Dependencies loaded by `import()` in src/ that get a file of their own in dist/vendor/: specifier → the
 * file's name and its entry, shaped as src/ uses the module's namespace (dist/cli.cjs requires the file).
 */
const VENDOR = {
  imapflow: ['imapflow', "export * from 'imapflow';"],
  'imapflow/lib/handler/imap-compiler.js': [
    'imap-compiler',
    "export { default } from 'imapflow/lib/handler/imap-compiler.js';",
  ],
  ora: ['ora', "export * from 'ora'; export { default } from 'ora';"],
  '@cfworker/json-schema': ['json-schema', "export * from '@cfworker/json-schema';"],
};

/** A dynamic import of a VENDOR package stays an import() of ./vendor/<name>.cjs; requireVendor turns it into a require. */
const vendorExternal = {
  name: 'vendor-external',
  setup(b) {
    b.onResolve({ filter: /^(imapflow|ora|@cfworker\/json-schema)(\/|$)/ }, (args) => {
      const name = VENDOR[args.path]?.[0];
      if (args.kind !== 'dynamic-import' || !name) return undefined;
      return { path: `./vendor/${name}.cjs`, external: true };
    });
  },
};

/** The vendor files' entries (VENDOR's sources). */
const vendorEntries = {
  name: 'vendor-entries',
  setup(b) {
    b.onResolve({ filter: /^vendor-entry:/ }, (args) => ({ path: args.path.slice(13), namespace: 'vendor-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'vendor-entry' }, (args) => ({
      contents: VENDOR[args.path][1],
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/**
 * Built-ins the early queries need late or not at all, required on first use: node:crypto (~6 ms before the
 * first packet; only --ca-file's check needs it), node:dns (only without --dns), node:perf_hooks (only when
 * the run takes a query over). Each becomes a module whose every export is a getter that requires the
 * built-in then.
 */
const LAZY = { 'node:crypto': crypto, 'node:dns': dns, 'node:perf_hooks': perfHooks };
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    // The shim's own require() of the built-in is the built-in itself.
    b.onResolve({ filter: /^node:(crypto|dns|perf_hooks)$/ }, (args) =>
      args.namespace === 'lazy-builtin'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m;\nfor (const k of ${JSON.stringify(Object.keys(LAZY[args.path]))})\n  Object.defineProperty(exports, k, { enumerable: true, get: () => (m ??= require(${JSON.stringify(args.path)}))[k] });\n`,
      loader: 'js',
    }));
  },
};

/** import("./vendor/x.cjs") → a require of it, in a promise (vm.Script has no import() without the ES module loader). */
function requireVendor(text) {
  return text.replace(/\bimport\(("\.\/vendor\/[a-z-]+\.cjs")\)/g, 'Promise.resolve().then(()=>require($1))');
}

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ASCII is read as a one-byte string (src/load.ts); esbuild escapes strings, scripts/escape below the rest.
  charset: 'ascii',
  minifyWhitespace: true,
  sourcemap: 'linked',
  metafile: true,
  write: false,
  logLevel: 'warning',
};

/** Non-ASCII characters esbuild leaves (in regular expression literals) as \u escapes: the same characters. */
function ascii(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function write(result) {
  for (const f of result.outputFiles) {
    mkdirSync(path.dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.path.endsWith('.cjs') ? ascii(requireVendor(f.text)) : f.contents);
  }
  return result;
}

const cli = write(
  await build({
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir,
    outExtension: { '.js': '.cjs' },
    plugins: [vendorExternal],
    // The version is baked in: nothing reads package.json at start-up. import.meta is not there in CommonJS
    // (src/package-file.ts uses __dirname in the bundle).
    define: { __IMAP_DOCTOR_VERSION__: JSON.stringify(version), 'import.meta.url': 'undefined' },
  }),
);
const vendor = write(
  await build({
    ...common,
    entryPoints: Object.fromEntries(
      Object.entries(VENDOR).map(([spec, [name]]) => [`vendor/${name}`, `vendor-entry:${spec}`]),
    ),
    outdir,
    outExtension: { '.js': '.cjs' },
    plugins: [vendorEntries],
  }),
);
// The launcher's own modules: small and minified, the first packet waits for early.cjs.
const launcher = write(
  await build({
    ...common,
    entryPoints: { early: 'src/early.ts', load: 'src/load.ts' },
    outdir,
    outExtension: { '.js': '.cjs' },
    plugins: [lazyBuiltins],
    minify: true,
  }),
);

const outputs = { ...cli.metafile.outputs, ...vendor.metafile.outputs, ...launcher.metafile.outputs };
const inputsOf = (file) => Object.keys(outputs[file]?.inputs ?? {});
if (inputsOf('dist/early.cjs').some((i) => i.includes('node_modules/commander')))
  throw new Error('dist/early.cjs must not bundle commander');
if (inputsOf('dist/cli.cjs').some((i) => /node_modules\/(imapflow|ora|@cfworker)\//.test(i)))
  throw new Error('dist/cli.cjs must not bundle what dist/vendor/ holds: a static import of it in src/?');
// src/show/validate.ts finds docs/ through src/package-file.ts: one level above the bundle.
if (!inputsOf('dist/cli.cjs').includes('src/package-file.ts'))
  throw new Error('dist/cli.cjs lacks src/package-file.ts');
for (const file of Object.keys(outputs).filter((f) => f.endsWith('.cjs'))) {
  const text = readFileSync(path.join(root, file), 'latin1');
  if (/[^\x00-\x7f]/.test(text)) throw new Error(`${file} is not ASCII`);
  if (file === 'dist/cli.cjs' && /[^\w$.]import\(/.test(text)) throw new Error(`${file} still has an import()`);
}

if (!process.argv.includes('--no-code-cache')) {
  // In a child: the warm-up runs the command line, which may exit the process. The caches only make start-up
  // faster: without them (a warm-up that fails or hangs) dist/ works the same, and test/e2e/startup.test.ts
  // fails on a run that compiles without its cache.
  try {
    for (const mode of [[], ['--commands']])
      execFileSync(process.execPath, [path.join(root, 'scripts/code-cache.mjs'), outdir, ...mode], {
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 120_000,
      });
  } catch (e) {
    console.warn(`note: no V8 code cache for dist/ (${e.message.split('\n')[0]}); start-up compiles the bundles`);
  }
}
if (process.argv.includes('--sizes')) {
  for (const [file, o] of Object.entries(outputs))
    if (file.endsWith('.cjs')) console.log(`${String(o.bytes).padStart(9)} ${file}`);
}
