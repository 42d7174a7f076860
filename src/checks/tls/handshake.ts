/**
 * Check: when no TLS session came up at all, why? A legacy-settings retry names a server stuck
 * on TLS 1.0/1.1 (RFC 8996); a plain-text answer is left to the port-mode check; anything else
 * is a failed handshake with the library's reason.
 */
import type { Check } from '../types.js';
import { finding, perAddress, tlsOf, tlsStageOf } from '../types.js';

export const handshakeCheck: Check = {
  id: 'tls/handshake',
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const t = tlsOf(a);
      if (!t || t.state !== 'failed') return [];
      const stage = tlsStageOf(a);
      if (t.error.code === 'ABORTED') return [];
      if (t.error.code === 'TLS_NOT_TLS' && a.modeCheck?.tried === 'plaintext' && a.modeCheck.outcome.state === 'ok' && a.modeCheck.outcome.value.greeting) return [];
      const legacy = a.legacyTls;
      if (legacy?.state === 'ok' && /^(SSLv3|TLSv1|TLSv1\.1)$/.test(legacy.value.protocol)) {
        return [finding('TLS_PROTOCOL_TOO_OLD', stage, { protocol: legacy.value.protocol, cipher: legacy.value.cipher, error: t.error.message }, { e, a })];
      }
      return [
        finding(
          'TLS_HANDSHAKE_FAILED',
          stage,
          { error: t.error.message, code: t.error.rawCode ?? t.error.code, ...(legacy?.state === 'ok' ? { legacyProtocol: legacy.value.protocol } : {}) },
          { e, a },
        ),
      ];
    }),
};
