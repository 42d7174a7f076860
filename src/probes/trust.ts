/**
 * What the doctor trusts: Node's bundled Mozilla roots plus any --ca-file PEMs. Builds the TLS
 * secure contexts once per run (modern, and legacy for naming old servers only) and the set of
 * trust-anchor fingerprints used to mark chain entries and to check AIA-fetched issuers.
 */
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { splitPem } from '../util/pem.js';

export interface TrustStore {
  /** Every trusted CA, PEM. */
  readonly caPem: readonly string[];
  readonly anchorFingerprints: ReadonlySet<string>;
  readonly anchors: readonly X509Certificate[];
  context(kind: 'modern' | 'legacy'): tls.SecureContext;
}

export function createTrustStore(extraPem: readonly string[]): TrustStore {
  const extra = extraPem.flatMap(splitPem);
  const caPem = [...tls.rootCertificates, ...extra];
  let anchors: X509Certificate[] | null = null;
  let fps: Set<string> | null = null;
  const contexts = new Map<string, tls.SecureContext>();
  const load = () => {
    if (anchors) return;
    anchors = [];
    for (const pem of caPem) {
      try {
        anchors.push(new X509Certificate(pem));
      } catch {
        // a broken PEM in --ca-file is reported by the CLI when it reads the file
      }
    }
    fps = new Set(anchors.map((a) => a.fingerprint256.toUpperCase()));
  };
  return {
    caPem,
    get anchorFingerprints() {
      load();
      return fps as Set<string>;
    },
    get anchors() {
      load();
      return anchors as X509Certificate[];
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
