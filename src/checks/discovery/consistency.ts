/**
 * Cross-source checks: sources that name different first-choice servers, a published server that
 * fails while another endpoint works (which record or file to change, to what), and candidates
 * outside the address's domain that only an unverifiable source vouched for (plain HTTP, a
 * redirect off the domain) — those got no password.
 */
import { firstChoices } from '../../discovery/candidates.js';
import { endpointId } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import type { Check, CheckContext } from '../types.js';
import type { DiscoveryEvidence } from '../../model/discovery.js';
import { discoveryOf, finding } from '../types.js';
import { bestWorking, cutShort, fixKind, PUBLISHING, reachesImap, works } from './helpers.js';

/** The sources' first choices name different endpoints. */
function disagreement(ctx: CheckContext, d: DiscoveryEvidence): Finding[] {
  const byId = new Map(ctx.endpoints.map((e) => [e.id, e]));
  const choices = firstChoices(d.sources);
  const distinct = [...new Set(choices.map((c) => endpointId(c)))];
  if (distinct.length < 2) return [];
  const failing = distinct.filter((id) => {
    const e = byId.get(id);
    return e !== undefined && !cutShort(e) && !works(e);
  });
  const someWork = distinct.some((id) => {
    const e = byId.get(id);
    return e !== undefined && works(e);
  });
  const params = {
    domain: d.domain,
    choiceSources: choices.map((c) => c.ref),
    choiceEndpoints: choices.map((c) => endpointId(c)),
    failing,
  };
  return [
    finding('SOURCES_DISAGREE', 'discovery', params, { severity: failing.length > 0 && someWork ? 'warning' : 'info' }),
  ];
}

/** A published endpoint that fails while another works: the published setting is what to fix. */
function publishedWrong(ctx: CheckContext, d: DiscoveryEvidence): Finding[] {
  const working = bestWorking(ctx);
  if (!working) return [];
  const out: Finding[] = [];
  for (const e of ctx.endpoints) {
    if (e === working || works(e) || cutShort(e)) continue;
    // An SRV target that does not even reach IMAP is SRV_TARGET_BROKEN's, with the same fix.
    const srvBroken = !reachesImap(e);
    const refs = e.candidate.sources.filter(
      (r) => PUBLISHING.has(r.source) && !(srvBroken && r.source.startsWith('srv-')),
    );
    if (refs.length === 0) continue;
    const params = {
      domain: d.domain,
      failing: e.id,
      working: working.id,
      sources: [...new Set(refs.map((r) => r.ref ?? r.source))],
      fixTargets: [...new Set(refs.map((r) => `${fixKind(r.source)}|${(r.ref ?? r.source).replace(/ SRV$/, '')}`))],
    };
    out.push(finding('PUBLISHED_SETTINGS_WRONG', 'discovery', params, { e }));
  }
  return out;
}

/** A host outside the domain that only an unverified source named. */
function outsideDomain(ctx: CheckContext, d: DiscoveryEvidence): Finding[] {
  return ctx.endpoints.flatMap((e) => {
    const c = e.candidate;
    if (c.trust === 'trusted') return [];
    const refs = c.sources.filter((r) => r.trust === 'unverified' && !r.source.startsWith('srv-'));
    if (refs.length === 0) return [];
    const params = {
      host: c.host,
      domain: d.domain,
      sources: [...new Set(refs.map((r) => r.ref ?? r.source))],
      reason: refs[0]?.trustReason ?? 'unverified',
      userTrusted: c.userTrusted,
    };
    return [finding('HOST_OUTSIDE_DOMAIN', 'discovery', params, { e, severity: c.userTrusted ? 'info' : 'warning' })];
  });
}

export const consistencyCheck: Check = {
  id: 'discovery/consistency',
  needs: ['discovery'],
  run: (ctx) => {
    const d = discoveryOf(ctx);
    return [...disagreement(ctx, d), ...publishedWrong(ctx, d), ...outsideDomain(ctx, d)];
  },
};
