/** Progress events: a side channel for spinners and --verbose lines; never part of the report. */
import type { Stage } from './model/evidence.js';

export type RunEvent =
  | { kind: 'phase'; phase: 'discovery' | 'probing' | 'login' | 'checks' }
  | { kind: 'source'; source: string; state: 'start' | 'done'; status?: string }
  /** `endpoint` is the endpoint's id; `host` its host name (carried, never parsed back out of the id). */
  | {
      kind: 'stage';
      endpoint: string;
      host: string;
      address?: string;
      stage: Stage;
      state: 'start' | 'ok' | 'failed' | 'skipped';
    };

export type EventSink = (e: RunEvent) => void;

export const noEvents: EventSink = () => {};
