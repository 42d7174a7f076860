/**
 * The trust store: anchor fingerprints computed from the PEM text (no certificate parsing) equal what
 * X509Certificate says for every root Node ships and for a --ca-file CA; one store, and so one TLS context,
 * per set of --ca-file PEMs for the whole process; a broken PEM costs nothing but itself.
 */
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrustStore, pemFingerprint256 } from '../../../src/probes/trust.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed CA made by openssl, as a --ca-file would hold it. */
function selfSignedCa(cn: string): string {
  const key = path.join(dir, `${cn}.key`);
  const crt = path.join(dir, `${cn}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '2',
      '-subj',
      `/CN=${cn}`,
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(crt, 'utf8');
}

describe('trust store', () => {
  it('fingerprints every bundled root exactly as X509Certificate does, without parsing it', () => {
    for (const pem of rootCertificates)
      expect(pemFingerprint256(pem)).toBe(new X509Certificate(pem).fingerprint256.toUpperCase());
  });

  it('counts a --ca-file CA among the anchors, and the roots too', () => {
    const ca = selfSignedCa('imap-doctor trust test CA');
    const store = createTrustStore([ca]);
    expect(store.anchorFingerprints.has(new X509Certificate(ca).fingerprint256.toUpperCase())).toBe(true);
    expect(store.anchorFingerprints.size).toBe(rootCertificates.length + 1);
    expect(store.anchors.some((a) => a.subject === 'CN=imap-doctor trust test CA')).toBe(true);
  });

  it('is one store per set of extra PEMs: discovery and the probes share its contexts, each built once', () => {
    const ca = selfSignedCa('imap-doctor shared CA');
    const a = createTrustStore([ca]);
    const b = createTrustStore([ca]);
    expect(b).toBe(a);
    expect(b.context('modern')).toBe(a.context('modern'));
    expect(createTrustStore([])).not.toBe(a);
    expect(createTrustStore([]).anchorFingerprints.size).toBe(rootCertificates.length);
  });

  it('skips a broken PEM among the anchors instead of throwing', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    const store = createTrustStore([broken]);
    expect(store.anchors).toHaveLength(rootCertificates.length);
    expect(() => store.anchorFingerprints).not.toThrow();
  });
});
