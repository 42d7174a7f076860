/**
 * Evidence → report: today's checks over saved (or just gathered) evidence, then the builder.
 * Pure and synchronous. The live run and `show --rejudge` both come through here, so a report
 * re-judged by the same doctor equals the run's own. Time-dependent checks judge as of `now`.
 */
import { parseAddress } from '../address.js';
import { runChecks } from '../checks/index.js';
import type { Report } from '../model/report.js';
import type { RunEvidence } from '../model/run-evidence.js';
import { buildReport } from './build.js';

export interface JudgeOptions {
  /** The instant the checks judge as of (certificate dates, clock): the run's start unless told. */
  now?: Date;
  /** The doctor that judges (a re-judged report names today's doctor). */
  tool?: Report['tool'];
}

export function judgeEvidence(ev: RunEvidence, o: JudgeOptions = {}): Report {
  const address = parseAddress(ev.address);
  const j = ev.judging;
  const findings = [
    ...runChecks({
      address,
      user: ev.user,
      endpoints: ev.endpoints,
      discovery: ev.discovery,
      network: ev.network,
      now: o.now ?? new Date(ev.startedAt),
      expiryWarningDays: j.expiryWarningDays,
      timeoutMs: j.timeoutMs,
      deadlineMs: j.deadlineMs,
      credentials: j.credentials,
      ...(j.noLoginReason ? { noLoginReason: j.noLoginReason } : {}),
      deadlineHit: j.deadlineHit,
      interrupted: j.interrupted,
    }),
    ...ev.runErrors,
  ];
  const tool = o.tool ?? ev.tool;
  return buildReport({
    address,
    user: ev.user,
    startedAt: new Date(ev.startedAt),
    durationMs: ev.durationMs,
    version: tool.version,
    node: tool.node,
    options: ev.options,
    discovery: ev.discovery,
    network: ev.network,
    candidates: ev.candidates,
    endpoints: ev.endpoints,
    findings,
    loginExpected: j.credentials !== null,
    transcript: j.transcript,
  });
}
