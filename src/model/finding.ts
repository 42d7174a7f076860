/** A finding: a stable code, a severity, what it concerns and the params that fill its text. */
import type { FindingCode, Params, Severity } from '../catalogue/index.js';
import type { Security, Stage } from './evidence.js';

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
  stage: Stage | 'discovery' | 'run';
  /** Endpoint id, when it concerns one endpoint. */
  endpoint?: string;
  /** Code of the root-cause finding this one follows from, when grouped under it. */
  causedBy?: string;
}
