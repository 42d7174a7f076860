/**
 * What the doctor trusts: Node's bundled Mozilla roots plus any --ca-file PEMs. Builds the TLS
 * secure contexts once per process for each set of --ca-file PEMs (modern, and legacy for naming
 * old servers only; discovery's HTTPS and the probes share them) and answers which certificates are
 * trust anchors. A context starts from Node's own root store, parsed natively once per process, and
 * adds only the --ca-file PEMs: handing Node the ~150 roots as `ca` made it parse them all again per
 * context (~40 ms). Anchors are matched by their DER, through an index built on first use from the
 * PEM text; the anchors' fingerprints and parsed certificates only when a check asks for them.
 */
import tls from 'node:tls';
import { createHash, X509Certificate } from 'node:crypto';
import { splitPem } from '../util/pem.js';
import { nodeStoreIsBundled } from '../util/node-ca-store.js';

export interface TrustStore {
  /** Every trusted CA, PEM. */
  readonly caPem: readonly string[];
  readonly anchorFingerprints: ReadonlySet<string>;
  readonly anchors: readonly X509Certificate[];
  /** Is this certificate (DER) one of the trusted CAs? */
  isAnchor(der: Buffer): boolean;
  context(kind: 'modern' | 'legacy'): tls.SecureContext;
}

/** The DER inside one PEM certificate, decoded as leniently as Buffer.from(…, 'base64') does. */
function pemDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
}

/** SHA-256 of the certificate's DER, as X509Certificate.fingerprint256 writes it, without parsing the certificate. */
export function pemFingerprint256(pem: string): string {
  return createHash('sha256')
    .update(pemDer(pem))
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

const CONTEXT_OPTIONS = {
  modern: { minVersion: 'TLSv1.2' },
  legacy: { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' },
} as const satisfies Record<'modern' | 'legacy', tls.SecureContextOptions>;

/** Node's root store plus the extra PEMs; every PEM handed over when Node's store is not the bundled roots. */
function secureContext(
  kind: 'modern' | 'legacy',
  extra: readonly string[],
  caPem: readonly string[],
): tls.SecureContext {
  const native = nodeStoreIsBundled() ? tls.createSecureContext(CONTEXT_OPTIONS[kind]) : undefined;
  const add = (native?.context as { addCACert?: unknown } | undefined)?.addCACert;
  if (!native || typeof add !== 'function')
    return tls.createSecureContext({ ...CONTEXT_OPTIONS[kind], ca: [...caPem] });
  // What createSecureContext does with `ca`, after its addRootCerts: the roots stay, the extras join.
  for (const pem of extra) add.call(native.context, pem);
  return native;
}

/**
 * Anchors by DER: indexed by the DER's first bytes (the SEQUENCE header, which holds its length), read
 * from the start of each PEM alone, and confirmed by decoding that bucket's PEMs and comparing the whole
 * DER. Decoding every anchor's PEM up front cost more than the run's handshakes asked of it.
 */
function anchorIndex(caPem: readonly string[]): (der: Buffer) => boolean {
  const HEAD = 4;
  const keyOf = (der: Buffer) => der.subarray(0, HEAD).toString('hex');
  // The PEM's start, its "-----BEGIN CERTIFICATE-----" line and a hundred base64 characters, decodes to
  // the same first bytes as the whole PEM.
  const headOf = (pem: string) => keyOf(pemDer(pem.slice(0, 160)));
  const index = new Map<string, string[]>();
  for (const pem of caPem) {
    const k = headOf(pem);
    index.set(k, [...(index.get(k) ?? []), pem]);
  }
  const decoded = new Map<string, Buffer>();
  const derOf = (pem: string) => decoded.get(pem) ?? decoded.set(pem, pemDer(pem)).get(pem)!;
  return (der) => index.get(keyOf(der))?.some((pem) => derOf(pem).equals(der)) ?? false;
}

function buildTrustStore(extraPem: readonly string[]): TrustStore {
  const extra = extraPem.flatMap(splitPem);
  const caPem = [...tls.rootCertificates, ...extra];
  let anchors: X509Certificate[] | null = null;
  let fps: Set<string> | null = null;
  let isAnchor: ((der: Buffer) => boolean) | null = null;
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
    isAnchor(der) {
      isAnchor ??= anchorIndex(caPem);
      return isAnchor(der);
    },
    context(kind) {
      let c = contexts.get(kind);
      if (!c) {
        c = secureContext(kind, extra, caPem);
        contexts.set(kind, c);
      }
      return c;
    },
  };
}
