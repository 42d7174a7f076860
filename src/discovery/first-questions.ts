/**
 * The DNS questions discovery asks first, all at once, for any address (createDiscoverer in index.ts:
 * the resolver check, mx.ts, srv.ts, the Autodiscover SRV): the launcher's early queries (src/early.ts)
 * send these while the rest of the doctor loads. No other import here, so dist/early.js stays small.
 */
import type { RecordType } from '../dns/resolver.js';

export type SrvService = 'imaps' | 'imap' | 'submissions' | 'submission' | 'autodiscover';

export function srvName(service: SrvService, domain: string): string {
  return `_${service}._tcp.${domain}`;
}

const FIRST_SRV: readonly SrvService[] = ['imaps', 'imap', 'submissions', 'submission', 'autodiscover'];

/** The root NS (the resolver check), the domain's MX and its five SRV names, as the resolver is asked them. */
export function firstQuestions(domain: string): Array<{ name: string; type: RecordType }> {
  return [
    { name: '.', type: 'NS' },
    { name: domain, type: 'MX' },
    ...FIRST_SRV.map((s) => ({ name: srvName(s, domain), type: 'SRV' as const })),
  ];
}
