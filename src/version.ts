/**
 * The tool's version: baked in by the single-executable build (esbuild --define), otherwise read
 * from the package's package.json at start-up.
 */
import { readFileSync } from 'node:fs';
import { packageFile } from './package-file.js';

declare const __IMAP_DOCTOR_VERSION__: string | undefined;

function fromPackageJson(): string {
  try {
    return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0-unknown';
  }
}

export const VERSION: string =
  typeof __IMAP_DOCTOR_VERSION__ === 'string' ? __IMAP_DOCTOR_VERSION__ : fromPackageJson();
