/**
 * Check: an implicit-TLS endpoint (993) that refuses or fails its handshake while STARTTLS on the
 * same host works. A working setup, but RFC 8314 §1 prefers implicit TLS. Timeouts are left to
 * the firewall reasoning (host.ts), which explains them better.
 */
import type { AddressProbe, EndpointEvidence } from '../../model/evidence.js';
import type { Check } from '../types.js';
import { finding, notEvidence } from '../types.js';
import { errorParams, greetedOk, starttlsAccepted } from '../../model/reading.js';
import type { Params } from '../../catalogue/index.js';

function starttlsWorks(e: EndpointEvidence): boolean {
  return e.addresses.some((a) => greetedOk(a) && starttlsAccepted(a) && a.starttlsTls?.state === 'ok');
}

/** How implicit TLS failed on this address, or undefined when it worked or failed otherwise. */
function implicitFailure(a: AddressProbe): ({ how: 'refused' | 'tls-failed' } & Params) | undefined {
  if (a.tcp.state === 'failed' && a.tcp.error.code === 'REFUSED')
    return { how: 'refused', ...errorParams('detail', a.tcp.error) };
  if (a.tcp.state === 'ok' && a.tls?.state === 'failed' && !notEvidence(a.tls.error))
    return { how: 'tls-failed', detail: a.tls.error.rawCode ?? a.tls.error.code };
  return undefined;
}

export const implicitTlsCheck: Check = {
  id: 'network/implicit-tls',
  needs: ['endpoints'],
  run: (ctx) =>
    ctx.endpoints.flatMap((e) => {
      if (e.candidate.security !== 'tls' || e.addresses.some((a) => a.tls?.state === 'ok')) return [];
      const host = e.candidate.host.toLowerCase();
      const sibling = ctx.endpoints.find(
        (s) => s.candidate.security === 'starttls' && s.candidate.host.toLowerCase() === host && starttlsWorks(s),
      );
      const failure = e.addresses.map(implicitFailure).find((f) => f !== undefined);
      if (!sibling || !failure) return [];
      return [
        finding(
          'IMPLICIT_TLS_MISSING',
          failure.how === 'refused' ? 'tcp' : 'tls',
          { starttlsPort: sibling.candidate.port, ...failure },
          { e },
        ),
      ];
    }),
};
