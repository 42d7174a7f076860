/**
 * Check: is an antivirus, a corporate gateway or a debugging proxy decrypting the connection?
 * Recognised by the product's CA name on the issuer side of the chain (knowledge/interception.ts).
 * It replaces every other certificate finding of that address: an intercepted chain says nothing
 * about the real server's certificate. An error when it breaks the connection, a warning when its
 * root is trusted (e.g. through --ca-file) and the connection verifies.
 */
import type { TlsInfo } from '../../model/evidence.js';
import { matchInterception, type InterceptionMatch } from '../../knowledge/interception.js';
import type { Check } from '../types.js';
import { finding, perAddress, tlsOf, tlsStageOf } from '../types.js';
import { tlsInfoVerified } from '../../model/reading.js';

export function interceptionOf(info: TlsInfo): InterceptionMatch | undefined {
  return matchInterception(info.chain);
}

export const interceptionCheck: Check = {
  id: 'tls/interception',
  needs: ['tls'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const t = tlsOf(a);
      if (!t || t.state !== 'ok') return [];
      const info = t.value;
      const m = interceptionOf(info);
      if (!m) return [];
      const leaf = info.chain[0];
      const top = info.chain[info.chain.length - 1];
      const works = tlsInfoVerified(info);
      return [
        finding(
          'TLS_INTERCEPTED',
          tlsStageOf(a),
          {
            product: m.interceptor.product,
            kind: m.interceptor.kind,
            matched: m.matched,
            issuer: leaf?.issuerCommonName ?? leaf?.issuer ?? '',
            ...(top && top !== leaf ? { root: top.commonName ?? top.subject } : {}),
            verified: works,
            ...(info.verifyError ? { verifyError: info.verifyError } : {}),
            ...(!info.hostnameOk ? { hostnameError: info.hostnameError ?? '' } : {}),
            ...(!info.hostnameOk && info.hostnameFailure ? { hostnameFailure: info.hostnameFailure } : {}),
            untrustedUpstream: m.untrustedUpstream,
            ...(m.interceptor.setting ? { setting: m.interceptor.setting } : {}),
          },
          {
            e,
            a,
            who: m.interceptor.kind === 'corporate' ? 'your-network' : 'you',
            ...(works ? { severity: 'warning' as const } : {}),
          },
        ),
      ];
    }),
};
