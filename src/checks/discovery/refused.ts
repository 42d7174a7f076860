/**
 * Check: what was not connected to, and why: servers an unverified source named on an IP address or
 * an unusual port (steering), and, with --no-private, hosts and URLs that lead to private addresses.
 */
import type { Finding } from '../../model/finding.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { lookupOf } from '../../model/reading.js';

/** host and port of `host:port` / `[v6]:port` / a URL, for the fix texts. */
function hostPort(target: string): { host: string; port?: number } {
  if (URL.canParse(target)) {
    const u = new URL(target);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), ...(u.port ? { port: Number(u.port) } : {}) };
  }
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(target);
  return m ? { host: m[1] ?? target, port: Number(m[2]) } : { host: target };
}

export const refusedCheck: Check = {
  id: 'discovery/refused',
  needs: [],
  run: (ctx) => {
    const out: Finding[] = [];
    for (const s of ctx.discovery?.sources ?? []) {
      for (const r of s.refused ?? []) {
        if (r.reason === 'private-address') out.push(finding('PRIVATE_ADDRESS_REFUSED', 'discovery', { target: r.target, source: s.source, ...hostPort(r.target) }));
        else out.push(finding('UNVERIFIED_TARGET_REFUSED', 'discovery', { source: s.source, target: r.target, reason: r.reason, ...hostPort(r.target) }));
      }
    }
    for (const e of ctx.endpoints) {
      const refused = lookupOf(e)?.refused;
      if (refused?.length) out.push(finding('PRIVATE_ADDRESS_REFUSED', 'resolve', { target: e.candidate.host, host: e.candidate.host, addresses: refused }, { e }));
    }
    return out;
  },
};
