/**
 * A file of the installed package (package.json, docs/…) by its path from the package root. Both places
 * the code runs from lie one level below the root: the bundle dist/cli.cjs (CommonJS: its wrapper's
 * __dirname; scripts/build.mjs checks that the bundle sits there) and the sources in src/ (this file,
 * an ES module: import.meta.url).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageFile(rel: string): string {
  if (typeof __dirname === 'string') return path.join(__dirname, '..', rel);
  return fileURLToPath(new URL(`../${rel}`, import.meta.url));
}
