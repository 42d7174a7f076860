// Builds a single executable (Node SEA) at dist-sea/imap-doctor: esbuild bundles the CLI into one
// CommonJS file, Node writes the SEA blob, postject injects it into a copy of this node binary.
// Works offline (no downloads). Usage: npm run sea [-- --out <path>]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'dist-sea');
mkdirSync(outDir, { recursive: true });
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
// `show` validates against the published schemas; the executable has no docs/ folder beside it.
const schemas = JSON.stringify(Object.fromEntries(['report.schema.json', 'report.schema.v1.json'].map((f) => [f, JSON.parse(readFileSync(path.join(root, 'docs', f), 'utf8'))])));
const bundle = path.join(outDir, 'imap-doctor.cjs');
const entry = path.join(outDir, 'entry.mjs');
writeFileSync(entry, `import { main } from ${JSON.stringify(path.join(root, 'src/cli.ts'))};\nmain();\n`);

await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: bundle,
  define: { __IMAP_DOCTOR_VERSION__: JSON.stringify(version), __IMAP_DOCTOR_SCHEMAS__: schemas, 'import.meta.url': 'undefined' },
  logLevel: 'warning',
});
const blob = path.join(outDir, 'sea-prep.blob');
const config = path.join(outDir, 'sea-config.json');
writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
const exe = path.join(outDir, 'imap-doctor');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
const postject = path.join(root, 'node_modules/postject/dist/cli.js');
execFileSync(process.execPath, [postject, exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: ['ignore', 'ignore', 'inherit'] });
const out = execFileSync(exe, ['--version'], { encoding: 'utf8' }).trim();
if (out !== version) throw new Error(`the built executable printed "${out}", expected ${version}`);
console.log(`${exe}: ${(statSync(exe).size / 1e6).toFixed(1)} MB, --version → ${out}`);
