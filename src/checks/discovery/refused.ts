/**
 * Check: what was not connected to, and why: servers an unverified source named on an IP address or
 * an unusual port (steering), and, with --no-private, hosts and URLs that lead to private addresses
 * (OAuth issuer metadata included).
 */
import type { Finding } from '../../model/finding.js';
import type { OAuthIssuerEvidence } from '../../model/standards.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { lookupOf } from '../../model/reading.js';

/** host and port of `host:port` / `[v6]:port` / a URL, for the fix texts. */
function hostPort(target: string): { host: string; port?: number } {
  // A URL has a scheme and '//'; 'imap.example.com:2525' is a host and port (URL would read 'imap.example.com:' as a scheme).
  if (target.includes('://') && URL.canParse(target)) {
    const u = new URL(target);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), ...(u.port ? { port: Number(u.port) } : {}) };
  }
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(target);
  return m ? { host: m[1] ?? target, port: Number(m[2]) } : { host: target };
}

/** Hosts of OAuth issuer metadata not fetched (--no-private), each once. */
function refusedMetadata(issuers: readonly OAuthIssuerEvidence[]): string[] {
  return [...new Set(issuers.flatMap((ev) => ev.fetches.flatMap((f) => (f.refused ? [f.refused.target] : []))))];
}

export const refusedCheck: Check = {
  id: 'discovery/refused',
  needs: [],
  run: (ctx) => {
    const out: Finding[] = [];
    for (const s of ctx.discovery?.sources ?? []) {
      for (const r of s.refused ?? []) {
        if (r.reason === 'private-address')
          out.push(
            finding('PRIVATE_ADDRESS_REFUSED', 'discovery', {
              target: r.target,
              source: s.source,
              ...hostPort(r.target),
            }),
          );
        else
          out.push(
            finding('UNVERIFIED_TARGET_REFUSED', 'discovery', {
              source: s.source,
              target: r.target,
              reason: r.reason,
              ...hostPort(r.target),
            }),
          );
      }
    }
    const issuers = [
      ...(ctx.discovery?.oauthIssuers ?? []),
      ...ctx.endpoints.flatMap((e) => e.oauthProbe?.issuer ?? []),
    ];
    for (const target of refusedMetadata(issuers))
      out.push(finding('PRIVATE_ADDRESS_REFUSED', 'login', { target, source: 'oauth-metadata', ...hostPort(target) }));
    for (const e of ctx.endpoints) {
      const refused = lookupOf(e)?.refused;
      if (refused?.length)
        out.push(
          finding(
            'PRIVATE_ADDRESS_REFUSED',
            'resolve',
            { target: e.candidate.host, host: e.candidate.host, addresses: refused },
            { e },
          ),
        );
    }
    return out;
  },
};
