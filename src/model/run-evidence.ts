/**
 * Saved evidence (`--save-evidence`, or the report's `evidence` with `--include-evidence`): what the
 * probes gathered before any check ran, plus what the checks need to judge it again later
 * (`show --rejudge`). Plain JSON, no secret in any form. Bump EVIDENCE_VERSION whenever a type
 * below (or in evidence.ts / discovery.ts) changes shape, then regenerate test/corpus (npm run corpus).
 */
import type { DiscoveryEvidence } from './discovery.js';
import type { Candidate, EndpointEvidence, NetworkEvidence } from './evidence.js';
import type { Finding } from './finding.js';
import type { Report } from './report.js';

export const EVIDENCE_VERSION = 3;

/** What the checks need besides the evidence itself; none of it is a secret. */
export interface JudgingInput {
  expiryWarningDays: number;
  timeoutMs: number;
  deadlineMs: number;
  /** What kind of secret the run had (never the secret): decides "login expected". */
  credentials: 'password' | 'oauth' | null;
  noLoginReason?: string;
  /** The transcripts go into the report (--transcript). */
  transcript: boolean;
  /** Steps cut by the run deadline. */
  deadlineHit: string[];
  /** Steps cut by Ctrl-C, or null when the run was not interrupted. */
  interrupted: string[] | null;
}

export interface RunEvidence {
  evidenceVersion: typeof EVIDENCE_VERSION;
  /** The doctor that gathered it. */
  tool: Report['tool'];
  /** The address as typed (parsed again when judged). */
  address: string;
  /** The login name. */
  user: string;
  startedAt: string;
  durationMs: number;
  options: Report['input']['options'];
  judging: JudgingInput;
  discovery: DiscoveryEvidence | null;
  network: NetworkEvidence;
  candidates: Candidate[];
  endpoints: EndpointEvidence[];
  /** INTERNAL_ERROR findings met while gathering (not made by checks), kept so a re-judged report still shows them. */
  runErrors: Finding[];
}
