/**
 * The verdict's one sentence, for a non-expert: the root cause and who must act, or the settings
 * that work. It lives in report/ because it reads the report's types; its words come from the catalogue
 * (finding titles, ACTOR_LABEL, secLabel), so the catalogue itself depends only on model types.
 */
import type { ReportFinding, Verdict, WorkingSettings } from '../model/report.js';
import { ACTOR_LABEL, secLabel, type Severity } from '../catalogue/types.js';

export function verdictSummary(
  status: Verdict['status'],
  working: WorkingSettings | null,
  first: ReportFinding | undefined,
  counts: Record<Severity, number>,
): string {
  const settings = working
    ? `${working.host}, port ${working.port}, security ${secLabel(working.security)}, username ${working.username}`
    : '';
  if (status === 'error' && first) return `${first.title}. Who must act: ${ACTOR_LABEL[first.who]}.`;
  if (!working) return first ? `${first.title}.` : 'No working configuration was found.';
  const head = working.loginVerified
    ? `Everything needed works: ${settings}.`
    : `The server is reachable over verified TLS (${settings}); the login was not tested.`;
  if (status === 'warning')
    return `${head} ${counts.warning} warning${counts.warning === 1 ? '' : 's'}${first ? `, first: ${first.title}` : ''}.`;
  return head;
}
