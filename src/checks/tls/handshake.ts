/**
 * Check: when no TLS session came up at all, why? A legacy-settings retry names a server stuck
 * on TLS 1.0/1.1 (RFC 8996); OpenSSL refusing the server's parameters (a small DH key, a legacy
 * signature) or a handshake only the legacy retry completed with a broken cipher (RC4, DES, NULL,
 * export) is weak crypto; a plain-text answer is left to the port-mode check; anything else is a
 * failed handshake with the library's reason.
 */
import type { Params } from '../../catalogue/index.js';
import type { Check } from '../types.js';
import { finding, perAddress, tlsOf, tlsStageOf, notEvidence } from '../types.js';
import { chainWeakness } from './weak-crypto.js';
import { errorParams } from '../../model/reading.js';

/** Cipher suites no current TLS stack offers by default. */
const WEAK_CIPHER = /(^|[_-])(RC4|DES|3DES|DES-CBC3|NULL|EXPORT|EXP|MD5)([_-]|$)/i;

export const handshakeCheck: Check = {
  id: 'tls/handshake',
  needs: ['tls'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const t = tlsOf(a);
      if (!t || t.state !== 'failed') return [];
      const stage = tlsStageOf(a);
      if (notEvidence(t.error)) return [];
      if (
        t.error.code === 'TLS_NOT_TLS' &&
        a.modeCheck?.tried === 'plaintext' &&
        a.modeCheck.outcome.state === 'ok' &&
        a.modeCheck.outcome.value.greeting
      )
        return [];
      const legacy = a.legacyTls?.state === 'ok' ? a.legacyTls.value : undefined;
      const outdated = legacy !== undefined && /^(SSLv3|TLSv1|TLSv1\.1)$/.test(legacy.protocol);
      if (t.error.code === 'TLS_WEAK_PARAMS' || (legacy && !outdated && WEAK_CIPHER.test(legacy.cipher))) {
        const weak = chainWeakness(legacy?.chain ?? []);
        const seen: Params = legacy ? { legacyProtocol: legacy.protocol, legacyCipher: legacy.cipher } : {};
        return [
          finding(
            'TLS_WEAK_CRYPTO',
            stage,
            {
              ...weak,
              reason: t.error.rawCode ?? t.error.code,
              refused: true,
              during: 'handshake',
              ...errorParams('error', t.error),
              ...seen,
            },
            { e, a },
          ),
        ];
      }
      if (legacy && outdated) {
        return [
          finding(
            'TLS_PROTOCOL_TOO_OLD',
            stage,
            { protocol: legacy.protocol, cipher: legacy.cipher, ...errorParams('error', t.error) },
            { e, a },
          ),
        ];
      }
      return [
        finding(
          'TLS_HANDSHAKE_FAILED',
          stage,
          {
            ...errorParams('error', t.error),
            code: t.error.rawCode ?? t.error.code,
            ...(legacy ? { legacyProtocol: legacy.protocol } : {}),
          },
          { e, a },
        ),
      ];
    }),
};
