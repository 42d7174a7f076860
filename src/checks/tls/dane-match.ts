/**
 * Matching a presented certificate chain against TLSA records (RFC 6698 §2.1, RFC 7671 §5): usage
 * 3 (DANE-EE) the leaf, no name or date checks; 2 (DANE-TA) a certificate above the leaf, with the
 * name checked; 0/1 (PKIX-TA/EE) the same and the chain must also verify. Selector 0 is the whole
 * certificate, 1 its SubjectPublicKeyInfo; matching type 0 exact, 1 SHA-256, 2 SHA-512 (an exact
 * match is compared through its SHA-256, which the chain facts carry). Pure.
 */
import { createHash } from 'node:crypto';
import type { CertInfo, TlsInfo } from '../../model/evidence.js';
import type { TlsaRecord } from '../../model/standards.js';

/** `3 1 1 ab12…` as written in a zone file. */
export function formatTlsa(r: TlsaRecord): string {
  return `${r.usage} ${r.selector} ${r.matchingType} ${r.data}`;
}

/** A record this doctor can evaluate (RFC 6698 registries as of RFC 7218). */
export function usableTlsa(r: TlsaRecord): boolean {
  return (
    r.usage >= 0 && r.usage <= 3 && (r.selector === 0 || r.selector === 1) && r.matchingType >= 0 && r.matchingType <= 2
  );
}

const plainHex = (s: string | undefined): string => (s ?? '').replace(/:/g, '').toLowerCase();

/** Does one record's data match this certificate (ignoring usage)? */
export function matchesCert(r: TlsaRecord, c: CertInfo): boolean {
  const data = r.data.toLowerCase();
  if (data.length === 0) return false;
  const sha256Of = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
  if (r.selector === 0) {
    if (r.matchingType === 0) return sha256Of(data) === plainHex(c.fingerprint256);
    if (r.matchingType === 1) return data === plainHex(c.fingerprint256);
    return c.sha512 !== undefined && data === c.sha512;
  }
  if (r.matchingType === 0) return c.spkiSha256 !== undefined && sha256Of(data) === c.spkiSha256;
  if (r.matchingType === 1) return data === c.spkiSha256;
  return c.spkiSha512 !== undefined && data === c.spkiSha512;
}

export type TlsaVerdict = { match: true; record: TlsaRecord } | { match: false; nameFailed: boolean };

/** The first usable record the presented chain satisfies, under each usage's own rules. */
export function matchChain(records: readonly TlsaRecord[], t: TlsInfo): TlsaVerdict {
  const [leaf, ...above] = t.chain;
  let nameFailed = false;
  for (const r of records.filter(usableTlsa)) {
    const ee = r.usage === 1 || r.usage === 3;
    const hit = ee ? leaf !== undefined && matchesCert(r, leaf) : above.some((c) => matchesCert(r, c));
    if (!hit) continue;
    const pkix = r.usage <= 1 ? t.chainVerified : true;
    // DANE-EE binds the key itself; every other usage still needs the name (RFC 7671 §5.1, §5.2).
    const nameOk = r.usage === 3 || t.hostnameOk;
    if (pkix && nameOk) return { match: true, record: r };
    if (!nameOk) nameFailed = true;
  }
  return { match: false, nameFailed };
}
