/**
 * Check: STARTTLS on a starttls endpoint (RFC 9051 §6.2.1, RFC 2595): offered, refused, accepted
 * without being advertised, or followed by injected bytes before the handshake.
 */
import type { Check } from '../types.js';
import { finding, perAddress, notEvidence, starttlsAccepted } from '../types.js';
import { errorParams } from '../../model/reading.js';

export const starttlsCheck: Check = {
  id: 'imap/starttls',
  needs: ['endpoints'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const s = a.starttls;
      if (!s || s.state !== 'ok') {
        // No tagged answer at all (silence, a hang-up): a broken conversation, not a refusal.
        if (s?.state === 'failed' && !notEvidence(s.error)) {
          return [
            finding(
              'IMAP_PROTOCOL_ERROR',
              'starttls',
              { command: 'STARTTLS', ...errorParams('error', s.error) },
              { e, a },
            ),
          ];
        }
        return [];
      }
      const v = s.value;
      if (!starttlsAccepted(a)) {
        return [
          finding(
            v.advertised ? 'STARTTLS_REJECTED' : 'STARTTLS_NOT_OFFERED',
            'starttls',
            { response: v.response.line },
            { e, a },
          ),
        ];
      }
      const out = [];
      if (v.injectedBytes > 0)
        out.push(
          finding(
            'STARTTLS_INJECTION',
            'starttls',
            { bytes: v.injectedBytes, sample: v.injectedSample ?? '' },
            { e, a },
          ),
        );
      if (!v.advertised) out.push(finding('STARTTLS_NOT_ADVERTISED', 'starttls', {}, { e, a }));
      if (v.injectedBytes === 0 && a.starttlsTls?.state === 'ok')
        out.push(finding('STARTTLS_OK', 'starttls', { advertised: v.advertised }, { e, a }));
      return out;
    }),
};
