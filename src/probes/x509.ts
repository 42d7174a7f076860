/**
 * Certificate facts for the report: subject, SANs, issuer, dates, fingerprint, key size and the
 * signature algorithm (read from the DER, which Node 20 does not expose). Pure functions of the
 * peer-certificate objects Node hands out; no I/O.
 */
import { X509Certificate, createHash } from 'node:crypto';
import type { PeerCertificate, DetailedPeerCertificate } from 'node:tls';
import type { CertInfo } from '../model/evidence.js';
import { LIMITS } from '../limits.js';

const SIG_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.3': 'md4WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSASignature',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

/** Read one DER TLV header at `pos`: returns [tag, contentStart, contentLength]. */
function tlv(der: Buffer, pos: number): [number, number, number] {
  const tag = der[pos] ?? 0;
  let len = der[pos + 1] ?? 0;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] ?? 0);
    start += n;
  }
  if (start + len > der.length) throw new Error('truncated DER');
  return [tag, start, len];
}

function decodeOid(b: Buffer): string {
  const first = b[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    const byte = b[i] ?? 0;
    v = v * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** The certificate's outer signatureAlgorithm, by name when known, else the dotted OID. */
export function signatureAlgorithm(der: Buffer): string | undefined {
  try {
    const [, certStart] = tlv(der, 0);
    const [, tbsStart, tbsLen] = tlv(der, certStart);
    const [, algStart] = tlv(der, tbsStart + tbsLen);
    const [oidTag, oidStart, oidLen] = tlv(der, algStart);
    if (oidTag !== 0x06) return undefined;
    const oid = decodeOid(der.subarray(oidStart, oidStart + oidLen));
    return SIG_OIDS[oid] ?? oid;
  } catch {
    return undefined;
  }
}

function dn(o: Record<string, string | string[] | undefined> | undefined): string {
  if (!o) return '';
  return Object.entries(o)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : (v ?? '')}`)
    .join(', ');
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function splitSans(s: string | undefined): string[] {
  if (!s) return [];
  return s
    .split(/,\s*/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

export function certInfo(c: PeerCertificate, isAnchor: (der: Buffer) => boolean): CertInfo {
  let keyType: string | undefined;
  let keyBits: number | undefined;
  let sigAlg: string | undefined;
  let aia: string | undefined;
  let digests: Pick<CertInfo, 'sha512' | 'spkiSha256' | 'spkiSha512'> = {};
  if (c.raw) {
    try {
      const x = new X509Certificate(c.raw);
      const pk = x.publicKey;
      digests = daneDigests(c.raw, pk.export({ type: 'spki', format: 'der' }));
      keyType = pk.asymmetricKeyType;
      const d = pk.asymmetricKeyDetails;
      keyBits = d?.modulusLength ?? (c.bits || undefined);
      if (keyType === 'ec' && d?.namedCurve) keyType = `ec (${d.namedCurve})`;
    } catch {
      // an unparsable key is reported without size
    }
    sigAlg = signatureAlgorithm(c.raw);
  }
  const info = (c as { infoAccess?: Record<string, string[]> }).infoAccess;
  if (info) {
    const urls = info['CA Issuers - URI'];
    aia = urls?.[0];
  }
  const subject = c.subject as unknown as Record<string, string | string[]> | undefined;
  const issuer = c.issuer as unknown as Record<string, string | string[]> | undefined;
  const fp = (c.fingerprint256 ?? '').toUpperCase();
  const cn = first(subject?.CN);
  const icn = first(issuer?.CN);
  const o = first(subject?.O);
  const io = first(issuer?.O);
  return {
    subject: dn(subject),
    ...(cn ? { commonName: cn } : {}),
    subjectAltNames: splitSans(c.subjectaltname),
    issuer: dn(issuer),
    ...(icn ? { issuerCommonName: icn } : {}),
    ...(o ? { organization: o } : {}),
    ...(io ? { issuerOrganization: io } : {}),
    validFrom: isoDate(c.valid_from),
    validTo: isoDate(c.valid_to),
    fingerprint256: fp,
    serialNumber: (c.serialNumber ?? '').toUpperCase(),
    selfIssued: dn(subject) === dn(issuer),
    isCA: (c as { ca?: boolean }).ca === true,
    ...(keyType ? { keyType } : {}),
    ...(keyBits ? { keyBits } : {}),
    ...(sigAlg ? { signatureAlgorithm: sigAlg } : {}),
    ...(aia ? { aiaIssuerUrl: aia } : {}),
    trustAnchor: c.raw ? isAnchor(c.raw) : false,
    ...digests,
  };
}

/** What TLSA records are matched against (RFC 6698 §2.1.2–2.1.3): the certificate and its SubjectPublicKeyInfo, hashed. */
export function daneDigests(certDer: Buffer, spkiDer: Buffer): Pick<CertInfo, 'sha512' | 'spkiSha256' | 'spkiSha512'> {
  const hex = (alg: string, b: Buffer) => createHash(alg).update(b).digest('hex');
  return { sha512: hex('sha512', certDer), spkiSha256: hex('sha256', spkiDer), spkiSha512: hex('sha512', spkiDer) };
}

function isoDate(s: string | undefined): string {
  if (!s) return '';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

/** Walk Node's issuer links: leaf first, stopping at a self-signed certificate or a loop. */
export function peerChain(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const out: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && c.raw && !seen.has(c.fingerprint256) && out.length < LIMITS.chainCertificates) {
    out.push(c);
    seen.add(c.fingerprint256);
    const next: DetailedPeerCertificate | undefined = c.issuerCertificate;
    if (!next || next === c) break;
    c = next;
  }
  return out;
}
