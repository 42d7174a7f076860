/**
 * Evidence → the report's `sync` section: on the endpoint whose login carried the sync probe,
 * the capability table (with RFCs), the probe's answers, the folder roles, the sessions, and what
 * an app or integration needs to know (the provider's login rule and limits with their sources).
 * Pure; the findings about the same evidence come from checks/sync.
 */
import { SYNC_CAPABILITIES } from '../catalogue/sync-readiness.js';
import { endpointProvider } from '../checks/auth/provider.js';
import { folderRoles, syncedEndpoints, type Synced } from '../checks/sync/helpers.js';
import type { EmailAddress } from '../address.js';
import { integrationAdvice } from '../knowledge/advice.js';
import { displayName } from '../knowledge/providers.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type { EndpointEvidence } from '../model/evidence.js';
import type { IntegrationsReport, SyncReport } from '../model/report.js';
import { offers } from '../probes/sync/commands.js';

function loginOf(
  s: Synced,
  ctx: { discovery: DiscoveryEvidence | null; address: EmailAddress },
): Pick<IntegrationsReport, 'login' | 'limits' | 'knowledge'> {
  const mechanism = s.attempt.mechanism;
  const worked = /OAUTH/i.test(mechanism ?? '') ? 'oauth' : 'password';
  const m = endpointProvider(ctx, s.e);
  if (!m) return { login: { method: worked, from: 'this-login', ...(mechanism ? { mechanism } : {}) }, limits: [] };
  const advice = integrationAdvice(m);
  const p = m.provider;
  const limits: IntegrationsReport['limits'] = [];
  if (typeof advice.params.sessionLimit === 'string')
    limits.push({ rule: 'session-limit', text: advice.params.sessionLimit });
  if (typeof advice.params.storageLimit === 'string')
    limits.push({ rule: 'storage-limit', text: advice.params.storageLimit });
  const login: IntegrationsReport['login'] =
    p.login === 'unknown'
      ? { method: worked, from: 'this-login', ...(mechanism ? { mechanism } : {}) }
      : { method: p.login, from: 'provider', provider: displayName(m), ...(mechanism ? { mechanism } : {}) };
  return { login, limits, knowledge: advice.knowledge };
}

function integrations(
  s: Synced,
  ctx: { discovery: DiscoveryEvidence | null; address: EmailAddress },
): IntegrationsReport {
  const caps = s.capabilities;
  const sessions = s.attempt.sessions;
  return {
    ...loginOf(s, ctx),
    push: !offers(caps, 'IDLE') ? 'poll' : s.sync.idle.state === 'failed' ? 'idle-broken' : 'idle',
    incremental: offers(caps, 'QRESYNC') ? 'qresync' : offers(caps, 'CONDSTORE') ? 'condstore' : 'full-rescan',
    sessions: !sessions ? 'not-tested' : sessions.opened >= sessions.requested ? 'ok' : 'limited',
  };
}

export function syncReport(
  endpoints: readonly EndpointEvidence[],
  ctx: { discovery: DiscoveryEvidence | null; address: EmailAddress },
): SyncReport | undefined {
  const s = syncedEndpoints({ endpoints })[0];
  if (!s) return undefined;
  const folders = s.sync.folders;
  return {
    endpoint: s.e.id,
    capabilities: SYNC_CAPABILITIES.map((c) => ({
      name: c.name,
      supported: offers(s.capabilities, c.name),
      rfc: c.rfc,
      gives: c.gives,
    })),
    probe: s.sync,
    roles: folders.state === 'ok' ? folderRoles(folders.value) : [],
    ...(s.attempt.sessions ? { sessions: s.attempt.sessions } : {}),
    integrations: integrations(s, ctx),
  };
}
