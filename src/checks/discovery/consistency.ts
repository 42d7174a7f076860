/**
 * Cross-source checks: sources that name different first-choice servers, a published server that
 * fails while another endpoint works (which record or file to change, to what), and candidates
 * outside the address's domain that only an unverifiable source vouched for (plain HTTP, a
 * redirect off the domain) — those got no password.
 */
import { firstChoices } from '../../discovery/candidates.js';
import { endpointId } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import type { Check } from '../types.js';
import { discoveryOf, finding } from '../types.js';
import { bestWorking, cutShort, fixKind, PUBLISHING, reachesImap, works } from './helpers.js';

export const consistencyCheck: Check = {
  id: 'discovery/consistency',
  needs: ['discovery'],
  run: (ctx) => {
    const d = discoveryOf(ctx);
    const out: Finding[] = [];
    const byId = new Map(ctx.endpoints.map((e) => [e.id, e]));
    const failed = (id: string) => {
      const e = byId.get(id);
      return e !== undefined && !cutShort(e) && !works(e);
    };

    const choices = firstChoices(d.sources);
    const distinct = [...new Set(choices.map((c) => endpointId(c)))];
    if (distinct.length > 1) {
      const failing = distinct.filter(failed);
      const someWork = distinct.some((id) => {
        const e = byId.get(id);
        return e !== undefined && works(e);
      });
      out.push(
        finding(
          'SOURCES_DISAGREE',
          'discovery',
          { domain: d.domain, choiceSources: choices.map((c) => c.ref), choiceEndpoints: choices.map((c) => endpointId(c)), failing },
          { severity: failing.length > 0 && someWork ? 'warning' : 'info' },
        ),
      );
    }

    const working = bestWorking(ctx);
    if (working) {
      for (const e of ctx.endpoints) {
        if (e === working || works(e) || cutShort(e)) continue;
        // An SRV target that does not even reach IMAP is SRV_TARGET_BROKEN's, with the same fix.
        const srvBroken = !reachesImap(e);
        const refs = e.candidate.sources.filter((r) => PUBLISHING.has(r.source) && !(srvBroken && r.source.startsWith('srv-')));
        if (refs.length === 0) continue;
        out.push(
          finding(
            'PUBLISHED_SETTINGS_WRONG',
            'discovery',
            {
              domain: d.domain,
              failing: e.id,
              working: working.id,
              sources: [...new Set(refs.map((r) => r.ref ?? r.source))],
              fixTargets: [...new Set(refs.map((r) => `${fixKind(r.source)}|${(r.ref ?? r.source).replace(/ SRV$/, '')}`))],
            },
            { e },
          ),
        );
      }
    }

    for (const e of ctx.endpoints) {
      const c = e.candidate;
      if (c.trust === 'trusted') continue;
      const refs = c.sources.filter((r) => r.trust === 'unverified' && !r.source.startsWith('srv-'));
      if (refs.length === 0) continue;
      out.push(
        finding(
          'HOST_OUTSIDE_DOMAIN',
          'discovery',
          { host: c.host, domain: d.domain, sources: [...new Set(refs.map((r) => r.ref ?? r.source))], reason: refs[0]?.trustReason ?? 'unverified', userTrusted: c.userTrusted },
          { e, severity: c.userTrusted ? 'info' : 'warning' },
        ),
      );
    }
    return out;
  },
};
