/**
 * When each stage began, in milliseconds from the run's start, taken from the `start` events the
 * probes emit as each stage begins (and the phase events for discovery), then written into the
 * evidence (`at`) beside each stage's duration — so a report re-judged from saved evidence keeps
 * its timeline. That is all a timeline waterfall needs.
 */
import { stageOutcomes } from '../checks/types.js';
import type { RunEvent } from '../events.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type { EndpointEvidence, Stage } from '../model/evidence.js';

export interface StageStarts {
  observe(e: RunEvent): void;
  /** Offset of a stage's start; `address` is absent for per-endpoint stages (resolve, login). */
  startOf(endpoint: string, stage: Stage, address?: string): number | undefined;
  /** Discovery's start offset and duration, when it ran. */
  discovery(): { at: number; ms: number } | undefined;
}

export function recordStageStarts(t0: number, now: () => number = () => performance.now()): StageStarts {
  const starts = new Map<string, number>();
  const key = (endpoint: string, stage: Stage, address?: string) => `${endpoint}|${address ?? ''}|${stage}`;
  let discoveryAt: number | undefined;
  let discoveryEnd: number | undefined;
  const offset = () => Math.max(0, Math.round(now() - t0));
  return {
    observe(e) {
      if (e.kind === 'phase') {
        if (e.phase === 'discovery') discoveryAt ??= offset();
        else if (discoveryAt !== undefined) discoveryEnd ??= offset();
        return;
      }
      if (e.kind !== 'stage' || e.state !== 'start') return;
      const k = key(e.endpoint, e.stage, e.address);
      if (!starts.has(k)) starts.set(k, offset());
    },
    startOf: (endpoint, stage, address) => starts.get(key(endpoint, stage, address)),
    discovery: () =>
      discoveryAt === undefined ? undefined : { at: discoveryAt, ms: (discoveryEnd ?? offset()) - discoveryAt },
  };
}

function setAt(o: { at?: number }, at: number | undefined): void {
  if (at !== undefined) o.at = at;
}

/** Writes the recorded starts into the evidence: every stage that ran, DNS, an attempted login, discovery. */
export function stampStarts(
  starts: StageStarts,
  endpoints: readonly EndpointEvidence[],
  discovery: DiscoveryEvidence | null,
): void {
  for (const e of endpoints) {
    setAt(e.resolve, starts.startOf(e.id, 'resolve'));
    for (const a of e.addresses) {
      for (const [stage, o] of stageOutcomes(a))
        if (o.state !== 'skipped') setAt(o, starts.startOf(e.id, stage, a.address));
    }
    if (e.login.state === 'attempted') setAt(e.login.attempt, starts.startOf(e.id, 'login'));
  }
  const d = starts.discovery();
  if (discovery && d) Object.assign(discovery, d);
}
