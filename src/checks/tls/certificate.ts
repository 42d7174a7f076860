/**
 * Check: does the certificate verify, and if not, why — in plain categories: expired, not yet
 * valid, self-signed, untrusted issuer, missing intermediate (confirmed through AIA when it
 * could be fetched), or a wrong name. The chain check and the name check are separate.
 * An intercepted chain is left to interception.ts, weak crypto to weak-crypto.ts, and a date
 * finding the local clock explains is marked as caused by TLS_CLOCK_SKEW (clock.ts).
 */
import type { Params } from '../../catalogue/index.js';
import type { CertInfo, TlsInfo } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import type { Check } from '../types.js';
import { finding, perAddress, tlsOf, tlsStageOf } from '../types.js';
import { judgeClock } from './clock.js';
import { interceptionOf } from './interception.js';
import { weakVerifyFailure } from './weak-crypto.js';
import { errorParams, tlsInfoVerified } from '../../model/reading.js';

export function certNames(c: CertInfo | undefined): string[] {
  if (!c) return [];
  const sans = c.subjectAltNames.map((s) => s.replace(/^(DNS|IP Address):/, ''));
  return sans.length > 0 ? sans : c.commonName ? [c.commonName] : [];
}

function issuerName(c: CertInfo | undefined): string {
  return c?.issuerCommonName ?? c?.issuer ?? 'unknown';
}

type Emit = (code: Parameters<typeof finding>[0], params: Parameters<typeof finding>[2]) => void;

/** The finding that says why the chain did not verify, in plain categories (nothing for a weak-crypto failure). */
function judgeChain(info: TlsInfo, names: string[], at: Date, f: Emit): void {
  const leaf = info.chain[0];
  const last = info.chain[info.chain.length - 1];
  const now = at.getTime();
  switch (info.verifyError) {
    case 'CERT_HAS_EXPIRED': {
      // OpenSSL says this for any certificate of the chain: name the one that expired.
      const gone = info.chain.find((c) => !c.trustAnchor && Date.parse(c.validTo) < now) ?? leaf;
      const which: Params =
        gone && gone !== leaf ? { which: 'intermediate', certName: gone.commonName ?? gone.subject } : {};
      f('TLS_CERT_EXPIRED', { names, validTo: gone?.validTo ?? '', validFrom: gone?.validFrom ?? '', ...which });
      break;
    }
    case 'CERT_NOT_YET_VALID':
      f('TLS_CERT_NOT_YET_VALID', { names, validFrom: leaf?.validFrom ?? '', now: at.toISOString() });
      break;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      f('TLS_SELF_SIGNED', { subject: leaf?.subject ?? '', fingerprint: leaf?.fingerprint256 ?? '', names });
      break;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN': {
      const aia = info.aia;
      if (aia?.completesChain) {
        f('TLS_CHAIN_INCOMPLETE', {
          issuer: issuerName(leaf),
          confirmed: true,
          aiaUrl: aia.url,
          presented: info.chain.length,
        });
      } else if (aia && !aia.fetched) {
        // Public CAs name their intermediate in the leaf (AIA); it could not be fetched to prove
        // it, but a leaf sent alone that points to its issuer most likely lacks it.
        f('TLS_CHAIN_INCOMPLETE', {
          issuer: issuerName(leaf),
          confirmed: false,
          aiaUrl: aia.url,
          ...errorParams('aiaError', { message: aia.error, why: aia.why }),
          presented: info.chain.length,
        });
      } else {
        f('TLS_UNTRUSTED_ISSUER', {
          issuer: issuerName(leaf),
          ...(last && last !== leaf ? { root: last.commonName ?? last.subject } : {}),
          verifyError: info.verifyError,
          presented: info.chain.length,
          ...(aia ? { aiaUrl: aia.url, aiaIssuerUntrusted: true } : {}),
        });
      }
      break;
    }
    default:
      if (!weakVerifyFailure(info)) f('TLS_CERT_INVALID', { reason: info.verifyError ?? 'unknown' });
  }
}

export const certificateCheck: Check = {
  id: 'tls/certificate',
  needs: ['tls'],
  run: (ctx) => {
    const skew = judgeClock(ctx);
    return perAddress(ctx, (e, a) => {
      const t = tlsOf(a);
      if (!t || t.state !== 'ok') return [];
      const info: TlsInfo = t.value;
      // An intercepted chain says nothing about the real server: TLS_INTERCEPTED replaces the
      // certificate findings (when the product's root is trusted, TLS_OK stays beside its warning).
      if (interceptionOf(info) && !tlsInfoVerified(info)) return [];
      const stage = tlsStageOf(a);
      const leaf = info.chain[0];
      const names = certNames(leaf);
      const out: Finding[] = [];
      const byClock = leaf !== undefined && skew?.explains.has(leaf.fingerprint256) === true;
      const f: Emit = (code, params) => {
        const x = finding(code, stage, params, { e, a });
        out.push(
          byClock && (code === 'TLS_CERT_EXPIRED' || code === 'TLS_CERT_NOT_YET_VALID')
            ? { ...x, causedBy: 'TLS_CLOCK_SKEW' }
            : x,
        );
      };
      const now = ctx.now.getTime();
      const expired = leaf && Date.parse(leaf.validTo) < now;
      const notYet = leaf && Date.parse(leaf.validFrom) > now;

      if (!info.chainVerified) judgeChain(info, names, ctx.now, f);
      // Dates are judged on their own, as of ctx.now: expired and self-signed is both; verified then, expired by --now.
      if (expired && info.verifyError !== 'CERT_HAS_EXPIRED')
        f('TLS_CERT_EXPIRED', { names, validTo: leaf?.validTo ?? '', validFrom: leaf?.validFrom ?? '' });
      if (notYet && info.verifyError !== 'CERT_NOT_YET_VALID')
        f('TLS_CERT_NOT_YET_VALID', { names, validFrom: leaf?.validFrom ?? '', now: ctx.now.toISOString() });
      if (!info.hostnameOk) {
        f('TLS_HOSTNAME_MISMATCH', {
          names,
          dialled: info.hostnameChecked,
          detail: info.hostnameError ?? '',
          ...(info.hostnameFailure ? { failure: info.hostnameFailure } : {}),
        });
      }
      if (tlsInfoVerified(info) && !expired && !notYet) {
        f('TLS_OK', {
          protocol: info.protocol,
          cipher: info.cipher,
          names,
          issuer: issuerName(leaf),
          validTo: leaf?.validTo ?? '',
          fingerprint: leaf?.fingerprint256 ?? '',
        });
      }
      return out;
    });
  },
};
