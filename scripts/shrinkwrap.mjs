// npm pack / npm publish hooks. `prepack` copies package-lock.json to npm-shrinkwrap.json, which npm
// ships in the package (package-lock.json never is): an install then gets exactly the dependency tree
// the tests ran with, and `npm ci --omit=dev --offline` inside the unpacked package works from npm's
// cache alone. `postpack` removes the copy: the repository keeps package-lock.json only.
// Usage: node scripts/shrinkwrap.mjs write|remove
import { copyFileSync, rmSync } from 'node:fs';

const lock = new URL('../package-lock.json', import.meta.url);
const shrinkwrap = new URL('../npm-shrinkwrap.json', import.meta.url);
if (process.argv[2] === 'remove') rmSync(shrinkwrap, { force: true });
else copyFileSync(lock, shrinkwrap);
