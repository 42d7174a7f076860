/**
 * Check: keys and signatures too weak for current TLS software. RSA/DSA keys under 2048 bits, EC
 * keys under 224 bits, and MD5/SHA-1 signatures on any certificate the doctor does not trust as an
 * anchor (RFC 9155 deprecates MD5/SHA-1 signatures; RFC 9325 §4 and NIST SP 800-131A the sizes).
 * An error when the weakness is why verification failed (EE_KEY_TOO_SMALL, CA_MD_TOO_WEAK, …, or
 * Node's UNSPECIFIED with weak facts in the chain), a warning when the chain is weak but that is
 * not what failed. Handshake-time weakness (small DH keys) is judged in handshake.ts.
 */
import type { CertInfo, TlsInfo } from '../../model/evidence.js';
import type { Check } from '../types.js';
import { finding, perAddress, tlsOf, tlsStageOf } from '../types.js';
import { interceptionOf } from './interception.js';

/** OpenSSL verification codes that name weak crypto. */
const WEAK_VERIFY = new Set(['EE_KEY_TOO_SMALL', 'CA_KEY_TOO_SMALL', 'CA_MD_TOO_WEAK']);
/** Node's catch-all code, which OpenSSL 3 gives e.g. for a SHA-1 signature under security level 1. */
const VAGUE_VERIFY = new Set(['UNSPECIFIED']);
const WEAK_SIGNATURE = /(md[245]|sha-?1)(?!\d)/i;
const MIN_BITS: Array<[RegExp, number]> = [
  [/^(rsa|rsa-pss|dsa)\b/i, 2048],
  [/^ec\b/i, 224],
];

/**
 * Weak keys and signatures as params, in parallel lists (one entry per weakness; the catalogue words
 * them): key type (upper case), key size in bits, certificate; signature algorithm, certificate.
 */
export interface Weakness {
  keyTypes: string[];
  keyBits: string[];
  keyCerts: string[];
  signatureAlgorithms: string[];
  signatureCerts: string[];
}

function label(c: CertInfo): string {
  return c.commonName ?? c.subject;
}

/** Weak keys and signatures among the certificates the server sent (trust anchors are the user's choice). */
export function chainWeakness(chain: readonly CertInfo[]): Weakness {
  const w: Weakness = { keyTypes: [], keyBits: [], keyCerts: [], signatureAlgorithms: [], signatureCerts: [] };
  for (const c of chain) {
    if (c.trustAnchor) continue;
    const min = c.keyType ? MIN_BITS.find(([re]) => re.test(c.keyType as string))?.[1] : undefined;
    if (min !== undefined && c.keyBits !== undefined && c.keyBits < min) {
      w.keyTypes.push((c.keyType ?? '').replace(/^[a-z-]+/, (t) => t.toUpperCase()));
      w.keyBits.push(String(c.keyBits));
      w.keyCerts.push(label(c));
    }
    // A self-signed certificate's own signature vouches for nothing, so its hash does not matter.
    if (!c.selfIssued && c.signatureAlgorithm && WEAK_SIGNATURE.test(c.signatureAlgorithm)) {
      w.signatureAlgorithms.push(c.signatureAlgorithm);
      w.signatureCerts.push(label(c));
    }
  }
  return w;
}

export function isWeak(w: Weakness): boolean {
  return w.keyCerts.length + w.signatureCerts.length > 0;
}

/** Did verification fail because of weak crypto? */
export function weakVerifyFailure(info: TlsInfo): boolean {
  if (info.chainVerified || !info.verifyError) return false;
  if (WEAK_VERIFY.has(info.verifyError)) return true;
  return VAGUE_VERIFY.has(info.verifyError) && isWeak(chainWeakness(info.chain));
}

export const weakCryptoCheck: Check = {
  id: 'tls/weak-crypto',
  needs: ['tls'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const t = tlsOf(a);
      if (!t || t.state !== 'ok' || interceptionOf(t.value)) return [];
      const info = t.value;
      const w = chainWeakness(info.chain);
      const failed = weakVerifyFailure(info);
      if (!failed && !isWeak(w)) return [];
      return [
        finding(
          'TLS_WEAK_CRYPTO',
          tlsStageOf(a),
          { ...w, reason: failed ? (info.verifyError ?? '') : '', refused: failed, during: 'verification' },
          { e, a, ...(failed ? {} : { severity: 'warning' as const }) },
        ),
      ];
    }),
};
