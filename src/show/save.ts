/**
 * --save-evidence: the file is opened before the run (a bad path fails before anything is
 * probed) and written after it, with the evidence already scrubbed of secrets (and redacted
 * under --redact) by the caller.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { InputError } from '../address.js';
import type { RunEvidence } from '../model/run-evidence.js';

export function openEvidenceFile(file: string): number {
  try {
    return openSync(file, 'w', 0o600);
  } catch (e) {
    throw new InputError(`--save-evidence ${file}: cannot write it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The evidence file's text. */
export function evidenceJson(evidence: RunEvidence): string {
  return `${JSON.stringify(evidence, null, 2)}\n`;
}

export function writeEvidence(fd: number, evidence: RunEvidence): void {
  try {
    writeSync(fd, evidenceJson(evidence));
  } finally {
    closeSync(fd);
  }
}
