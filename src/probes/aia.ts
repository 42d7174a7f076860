/**
 * Missing-intermediate evidence: when a server sends only its leaf and the chain does not verify,
 * fetch the issuer named in the leaf's AIA "CA Issuers" URL (plain HTTP, as browsers do; bounded
 * in time and size, no redirect followed, never to a private address under --no-private) and check
 * whether it completes the chain to a trusted root.
 */
import http from 'node:http';
import { connectionVia, nodeLookup } from '../discovery/http.js';
import { NODE_IO, type Io } from '../io.js';
import { DEFAULTS } from '../options.js';
import { lookupHost } from '../dns/system-resolver.js';
import { OPEN_POLICY, refusedAddress, type AddressPolicy } from '../util/ip.js';
import type { HostLookup } from './resolve.js';
import { X509Certificate } from 'node:crypto';
import type { TlsInfo } from '../model/evidence.js';
import { classifyError, WhyError } from '../errors/classify.js';
import type { TrustStore } from './trust.js';
import { LIMITS } from '../limits.js';

/** In-process getaddrinfo, for callers that bring no lookup of their own. */
const systemLookup: HostLookup = (name, family, signal) => lookupHost(name, family, DEFAULTS.fallbackLookupMs, signal);

export function fetchSmall(
  url: string,
  signal: AbortSignal,
  policy: AddressPolicy = OPEN_POLICY,
  lookup: HostLookup = systemLookup,
  io: Io = NODE_IO,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (refusedAddress(policy, host, host)) {
      reject(new WhyError({ code: 'private-address', host }));
      return;
    }
    // The same lookup as every other host (the --dns servers or the OS), private addresses refused under --no-private.
    const createConnection = connectionVia(io, new URL(url), nodeLookup(lookup, signal, policy), signal) as NonNullable<
      http.RequestOptions['createConnection']
    >;
    const req = http.get(
      url,
      {
        signal,
        headers: { 'user-agent': 'imap-doctor' },
        defaultPort: 80,
        createConnection,
        maxHeaderSize: LIMITS.httpHeaderBytes,
      },
      (res) => {
        if ((res.statusCode ?? 0) !== 200) {
          res.resume();
          reject(new WhyError({ code: 'http-status', status: res.statusCode ?? 0 }));
          return;
        }
        const parts: Buffer[] = [];
        let n = 0;
        res.on('data', (d: Buffer) => {
          n += d.length;
          if (n > LIMITS.aiaBytes) {
            req.destroy(new WhyError({ code: 'issuer-too-large' }));
            return;
          }
          parts.push(d);
        });
        res.on('end', () => resolve(Buffer.concat(parts)));
        res.on('error', reject);
      },
    );
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
  if (trust.isAnchor(issuer.raw)) return true;
  return trust.anchors.some((a) => issuer.checkIssued(a) && issuer.verify(a.publicKey));
}

export async function checkAia(
  leafDer: Buffer,
  url: string,
  trust: TrustStore,
  signal: AbortSignal,
  policy: AddressPolicy = OPEN_POLICY,
  lookup?: HostLookup,
  io?: Io,
): Promise<NonNullable<TlsInfo['aia']>> {
  if (!/^http:\/\//i.test(url) || !URL.canParse(url))
    return { url, fetched: false, completesChain: false, why: { code: 'aia-not-http' } };
  try {
    const body = await fetchSmall(url, signal, policy, lookup, io);
    const issuer = parseCert(body);
    const leaf = new X509Certificate(leafDer);
    return {
      url,
      fetched: true,
      completesChain: completesChain(leaf, issuer, trust),
      issuerSubject: issuer.subject.replace(/\n/g, ', '),
    };
  } catch (e) {
    const { message, why } = classifyError(e, signal);
    return {
      url,
      fetched: false,
      completesChain: false,
      ...(message !== undefined ? { error: message } : {}),
      ...(why ? { why } : {}),
    };
  }
}
