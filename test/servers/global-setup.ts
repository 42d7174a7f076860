/**
 * Vitest global setup: starts the lab once per test run and provides `lab` (LabInfo or null) and `labSkipReason`.
 * Missing prerequisites give lab=null with the reason, or throw when IMAP_DOCTOR_REQUIRE_SERVERS=1 (CI).
 * IMAP_DOCTOR_LAB=0 turns the lab off for unit-only runs (same rules). The returned teardown stops everything.
 */
import type { TestProject } from 'vitest/node';
import { labPrerequisites, startLab } from './lab.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const required = process.env.IMAP_DOCTOR_REQUIRE_SERVERS === '1';
  const reason = process.env.IMAP_DOCTOR_LAB === '0' ? 'lab disabled by IMAP_DOCTOR_LAB=0' : labPrerequisites();
  if (reason) {
    if (required)
      throw new Error(`imap-doctor lab required (IMAP_DOCTOR_REQUIRE_SERVERS=1) but unavailable: ${reason}`);
    project.provide('lab', null);
    project.provide('labSkipReason', reason);
    return async () => undefined;
  }
  const lab = await startLab();
  project.provide('lab', lab.info);
  project.provide('labSkipReason', null);
  if (process.env.IMAP_DOCTOR_LAB_VERBOSE === '1') {
    process.stderr.write(
      `imap-doctor lab ready in ${lab.info.startMs} ms (block ${lab.info.block}, ${lab.info.dir})\n`,
    );
  }
  return () => lab.stop();
}
