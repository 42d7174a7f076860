/**
 * Check (RFC 7817 §3): the certificate is valid for the host dialled, but does anything in it tie
 * that host to the address's domain — the domain itself, a name under it, or an SRV-ID
 * (`_imaps.<domain>` / `_imap.<domain>`, RFC 4985)? Information only, and only when the host lies
 * outside the address's registrable domain (imap.example.com never needs it for alice@example.com).
 */
import { insideDomain } from '../../discovery/domain.js';
import type { CertInfo } from '../../model/evidence.js';
import type { Check } from '../types.js';
import { finding, tlsOf, tlsStageOf, verifiedAddress } from '../types.js';
import { certNames } from './certificate.js';
import { interceptionOf } from './interception.js';

/** Does a certificate name (DNS name, wildcard, SRV-ID; the CN only without DNS names) belong to `domain`? */
function namesDomain(c: CertInfo, domain: string): boolean {
  const srvIds = c.subjectAltNames.flatMap((s) => /^othername:\s*SRVName:\s*_imaps?\.(.+)$/i.exec(s)?.[1] ?? []);
  const dns = c.subjectAltNames.flatMap((s) => /^DNS:(.+)$/i.exec(s)?.[1] ?? []);
  const names = [...(dns.length > 0 ? dns : c.commonName ? [c.commonName] : []), ...srvIds].map((n) =>
    n.trim().toLowerCase().replace(/^\*\./, ''),
  );
  return names.some((n) => n === domain || n.endsWith(`.${domain}`));
}

export const emailDomainCheck: Check = {
  id: 'tls/email-domain',
  needs: ['tls'],
  run: (ctx) => {
    const domain = ctx.address.domain.toLowerCase();
    return ctx.endpoints.flatMap((e) => {
      if (insideDomain(e.candidate.host, domain)) return [];
      const a = verifiedAddress(e);
      const t = a ? tlsOf(a) : undefined;
      if (!a || !t || t.state !== 'ok' || interceptionOf(t.value)) return [];
      const leaf = t.value.chain[0];
      if (!leaf || namesDomain(leaf, domain)) return [];
      return [finding('CERT_NOT_FOR_EMAIL_DOMAIN', tlsStageOf(a), { domain, names: certNames(leaf) }, { e })];
    });
  },
};
