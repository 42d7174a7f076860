/**
 * What the doctor trusts: Node's bundled Mozilla roots plus any --ca-file PEMs. Builds the TLS
 * secure contexts once per process for each set of --ca-file PEMs (modern, and legacy for naming
 * old servers only; discovery's HTTPS and the probes share them) and the set of trust-anchor
 * fingerprints used to mark chain entries and to check AIA-fetched issuers. A context parses every
 * trusted CA (~150): built once, not per connection, and the modern one right after the store is
 * made, in the first idle turn; the fingerprints on first use.
 */
import tls from 'node:tls';
import { createHash, X509Certificate } from 'node:crypto';
import { splitPem } from '../util/pem.js';

export interface TrustStore {
  /** Every trusted CA, PEM. */
  readonly caPem: readonly string[];
  readonly anchorFingerprints: ReadonlySet<string>;
  readonly anchors: readonly X509Certificate[];
  context(kind: 'modern' | 'legacy'): tls.SecureContext;
}

/** SHA-256 of the certificate's DER, as X509Certificate.fingerprint256 writes it, without parsing the certificate. */
export function pemFingerprint256(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
}

const stores = new Map<string, TrustStore>();

export function createTrustStore(extraPem: readonly string[]): TrustStore {
  const key = extraPem.join('\n');
  let store = stores.get(key);
  if (!store) {
    const made = buildTrustStore(extraPem);
    stores.set(key, made);
    // The modern context is built in the next idle turn, while the run's first lookups are out, not
    // when the first handshake waits for it.
    setImmediate(() => made.context('modern'));
    store = made;
  }
  return store;
}

function buildTrustStore(extraPem: readonly string[]): TrustStore {
  const extra = extraPem.flatMap(splitPem);
  const caPem = [...tls.rootCertificates, ...extra];
  let anchors: X509Certificate[] | null = null;
  let fps: Set<string> | null = null;
  const contexts = new Map<string, tls.SecureContext>();
  return {
    caPem,
    get anchorFingerprints() {
      fps ??= new Set(caPem.map(pemFingerprint256));
      return fps;
    },
    get anchors() {
      anchors ??= caPem.flatMap((pem) => {
        try {
          return [new X509Certificate(pem)];
        } catch {
          // a broken PEM in --ca-file is reported by the CLI when it reads the file
          return [];
        }
      });
      return anchors;
    },
    context(kind) {
      let c = contexts.get(kind);
      if (!c) {
        c =
          kind === 'modern'
            ? tls.createSecureContext({ ca: caPem, minVersion: 'TLSv1.2' })
            : tls.createSecureContext({ ca: caPem, minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
        contexts.set(kind, c);
      }
      return c;
    },
  };
}
