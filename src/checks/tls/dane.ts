/**
 * Check: DANE for IMAP (RFC 6698, RFC 7671, RFC 7673). TLSA records count only when a trusted
 * validating resolver vouched for them (AD), for the host's address records too, and — for a host
 * that only SRV named — for the SRV records as well (RFC 7673 §3); else DANE_NOT_VALIDATED. Validated
 * records are matched against each address's presented chain: DANE_OK or DANE_MISMATCH. A SERVFAIL
 * that goes away with CD is DNSSEC_BOGUS. Nothing is said when no TLSA record exists.
 */
import type { DiscoveryEvidence } from '../../model/discovery.js';
import type { EndpointEvidence } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import type { DaneEvidence } from '../../model/standards.js';
import { isBogus } from '../../dns/dnssec.js';
import type { Check, CheckContext } from '../types.js';
import { finding, tlsOf, tlsStageOf } from '../types.js';
import { formatTlsa, matchChain, usableTlsa } from './dane-match.js';

type NotValidated = 'resolver-not-trusted' | 'no-ad' | 'address-insecure' | 'srv-insecure';

/** Only SRV named this host, and no SRV answer that did was validated. */
function srvOnlyInsecure(e: EndpointEvidence, discovery: DiscoveryEvidence | null): boolean {
  const refs = e.candidate.sources;
  if (refs.length === 0 || !refs.every((r) => r.source === 'srv-imaps' || r.source === 'srv-imap')) return false;
  const srv = (discovery?.sources ?? []).filter((s) => refs.some((r) => r.source === s.source));
  return !srv.some((s) => s.authenticated === true);
}

function notValidated(d: DaneEvidence, e: EndpointEvidence, ctx: CheckContext): NotValidated | undefined {
  if (!d.adTrusted) return 'resolver-not-trusted';
  if (!d.tlsa.ad) return 'no-ad';
  if (!d.address.ad) return 'address-insecure';
  if (srvOnlyInsecure(e, ctx.discovery)) return 'srv-insecure';
  return undefined;
}

function bogusFindings(e: EndpointEvidence, d: DaneEvidence): Finding[] {
  const out: Finding[] = [];
  const host = e.candidate.host;
  if (d.address.bogus)
    out.push(finding('DNSSEC_BOGUS', 'resolve', { name: host, type: 'A/AAAA', server: d.tlsa.server }, { e }));
  if (isBogus(d.tlsa))
    out.push(finding('DNSSEC_BOGUS', 'tls', { name: d.tlsa.name, type: 'TLSA', server: d.tlsa.server }, { e }));
  return out;
}

function matchFindings(e: EndpointEvidence, d: DaneEvidence): Finding[] {
  const records = d.tlsa.records.filter(usableTlsa);
  if (records.length === 0) return [];
  const base = { name: d.tlsa.name, records: records.map(formatTlsa) };
  const rolloverReady = records.some((r) => r.usage === 2) && records.some((r) => r.usage === 3);
  return e.addresses.flatMap((a): Finding[] => {
    const t = tlsOf(a);
    if (!t || t.state !== 'ok') return [];
    const v = matchChain(records, t.value);
    const stage = tlsStageOf(a);
    if (v.match) return [finding('DANE_OK', stage, { ...base, record: formatTlsa(v.record), rolloverReady }, { e, a })];
    const presented = t.value.chain.map(
      (c, i) => `${i === 0 ? 'leaf' : `chain[${i}]`} ${c.commonName ?? c.subject}: SPKI SHA-256 ${c.spkiSha256 ?? '?'}`,
    );
    return [
      finding('DANE_MISMATCH', stage, { ...base, presented, nameFailed: v.nameFailed, address: a.address }, { e, a }),
    ];
  });
}

export const daneCheck: Check = {
  id: 'tls/dane',
  needs: ['endpoints'],
  run: (ctx) =>
    ctx.endpoints.flatMap((e): Finding[] => {
      const d = e.dane;
      if (!d) return [];
      const bogus = bogusFindings(e, d);
      if (bogus.length > 0 || d.tlsa.status !== 'records') return bogus;
      const why = notValidated(d, e, ctx);
      if (why)
        return [
          finding(
            'DANE_NOT_VALIDATED',
            'tls',
            { name: d.tlsa.name, reason: why, records: d.tlsa.records.map(formatTlsa) },
            { e },
          ),
        ];
      return matchFindings(e, d);
    }),
};
