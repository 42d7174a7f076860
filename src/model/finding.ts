/** A finding: a stable code, a severity, what it concerns and the params that fill its text. */
import type { Actor, FindingCode, Params, Severity } from '../catalogue/index.js';
import type { Security, Stage } from './evidence.js';
import type { FindingKnowledge } from './advice.js';

export interface Subject {
  host?: string;
  port?: number;
  security?: Security;
  address?: string;
  source?: string;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  subject: Subject;
  params: Params;
  /** Where in the checklist it belongs (ordering; also in the JSON). */
  stage: Stage | 'discovery' | 'sync' | 'run';
  /** Endpoint id, when it concerns one endpoint. */
  endpoint?: string;
  /** Code of the root-cause finding this one is grouped under. */
  causedBy?: FindingCode;
  /**
   * How it relates to that root: a consequence of it, the same problem on a sibling endpoint, or
   * a detail of why a published endpoint fails.
   */
  relation?: 'consequence' | 'same-problem' | 'detail';
  /** Who must act, when it depends on the evidence (else the catalogue's default). */
  who?: Actor;
  /** The provider knowledge its advice rests on, with sources (src/knowledge). */
  knowledge?: FindingKnowledge;
}
