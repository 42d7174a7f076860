/**
 * The sequential baseline ("sources, then endpoints, one by one"), computed from a run's own evidence:
 * the sum of every step's measured time — each discovery source, each endpoint's resolution, each stage
 * of each address probe, each login, each reference probe. That is what a doctor doing the same work
 * one step after another would wait, measured in the same run; the steps' CPU work is small next to
 * their waiting at D ≥ 25 ms, so concurrency inflates the individual times little.
 */
import { stageOutcomes } from '../src/checks/types.js';
import type { Outcome } from '../src/model/evidence.js';
import type { RunEvidence } from '../src/model/run-evidence.js';

const took = (o: Outcome<unknown> | undefined): number => (o && o.state !== 'skipped' ? o.ms : 0);

export function sequentialMs(ev: RunEvidence): number {
  let sum = 0;
  for (const s of ev.discovery?.sources ?? []) sum += s.ms;
  for (const e of ev.endpoints) {
    sum += e.resolve.ms;
    for (const a of e.addresses) {
      for (const [, o] of stageOutcomes(a)) sum += took(o);
      sum += took(a.modeCheck?.outcome) + took(a.legacyTls);
    }
    if (e.login.state === 'attempted') sum += e.login.attempt.ms;
  }
  for (const r of ev.network.references) sum += took(r.outcome);
  return sum;
}
