/**
 * Missing-intermediate evidence: when a server sends only its leaf and the chain does not verify,
 * fetch the issuer named in the leaf's AIA "CA Issuers" URL (plain HTTP, as browsers do; bounded
 * in time and size) and check whether it completes the chain to a trusted root.
 */
import http from 'node:http';
import { X509Certificate } from 'node:crypto';
import type { TlsInfo } from '../model/evidence.js';
import { classifyError } from '../errors/classify.js';
import type { TrustStore } from './trust.js';

const MAX_BYTES = 64 * 1024;

export function fetchSmall(url: string, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { signal, headers: { 'user-agent': 'imap-doctor' } }, (res) => {
      if ((res.statusCode ?? 0) !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode}`));
        return;
      }
      const parts: Buffer[] = [];
      let n = 0;
      res.on('data', (d: Buffer) => {
        n += d.length;
        if (n > MAX_BYTES) {
          req.destroy(new Error('issuer certificate larger than 64 KiB'));
          return;
        }
        parts.push(d);
      });
      res.on('end', () => resolve(Buffer.concat(parts)));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function parseCert(b: Buffer): X509Certificate {
  const text = b.toString('latin1');
  return new X509Certificate(text.includes('-----BEGIN CERTIFICATE-----') ? text : b);
}

/** Does `issuer` sign `leaf`, and does a trust anchor sign `issuer` (or is `issuer` an anchor)? */
export function completesChain(leaf: X509Certificate, issuer: X509Certificate, trust: TrustStore): boolean {
  if (!leaf.checkIssued(issuer) || !leaf.verify(issuer.publicKey)) return false;
  const fp = issuer.fingerprint256.toUpperCase();
  if (trust.anchorFingerprints.has(fp)) return true;
  return trust.anchors.some((a) => issuer.checkIssued(a) && issuer.verify(a.publicKey));
}

export async function checkAia(leafDer: Buffer, url: string, trust: TrustStore, signal: AbortSignal): Promise<NonNullable<TlsInfo['aia']>> {
  if (!/^http:\/\//i.test(url)) return { url, fetched: false, completesChain: false, error: 'only http:// issuer URLs are fetched' };
  try {
    const body = await fetchSmall(url, signal);
    const issuer = parseCert(body);
    const leaf = new X509Certificate(leafDer);
    return { url, fetched: true, completesChain: completesChain(leaf, issuer, trust), issuerSubject: issuer.subject.replace(/\n/g, ', ') };
  } catch (e) {
    return { url, fetched: false, completesChain: false, error: classifyError(e, signal).message };
  }
}
