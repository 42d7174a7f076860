import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFile } from '../../src/package-file.js';
import { ROOT } from '../helpers/paths.js';

describe('packageFile', () => {
  it("names the package's own files from its root (package.json, docs/)", () => {
    expect(packageFile('package.json')).toBe(path.join(ROOT, 'package.json'));
    expect(JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).name).toBe('imap-doctor');
    expect(existsSync(packageFile('docs/report.schema.json'))).toBe(true);
  });
});
