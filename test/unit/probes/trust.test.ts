/**
 * The trust store: anchor fingerprints computed from the PEM text (no certificate parsing) equal what
 * X509Certificate says for every root Node ships and for a --ca-file CA; one store, and so one TLS context,
 * per set of --ca-file PEMs for the whole process; a broken PEM costs nothing but itself. Its contexts
 * (Node's own root store plus the --ca-file PEMs, or every PEM handed over when Node's store is not the
 * bundled roots) verify a chain that ends in a --ca-file root and nothing self-signed, over real TLS on
 * an in-memory pair; isAnchor finds the roots and the --ca-file CA by their DER, and nothing else.
 */
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { duplexPair } from 'node:stream';
import tls, { rootCertificates } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrustStore, pemFingerprint256, type TrustStore } from '../../../src/probes/trust.js';
import { setNodeStoreBundled } from '../../../src/util/node-ca-store.js';

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

/** A CA made by openssl and a leaf for `name` it signed: what a server sends (the leaf) and a --ca-file holds (the CA). */
function caAndLeaf(cn: string, name: string): { ca: string; leaf: string; key: string } {
  const ca = selfSignedCa(cn);
  const f = (x: string) => path.join(dir, `${cn}.${x}`);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('leaf.key')]);
  run(['req', '-new', '-key', f('leaf.key'), '-subj', `/CN=${name}`, '-out', f('leaf.csr')]);
  writeFileSync(f('ext'), `subjectAltName=DNS:${name}\n`);
  const sign = ['-CA', f('crt'), '-CAkey', f('key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext')];
  run(['x509', '-req', '-in', f('leaf.csr'), ...sign, '-out', f('leaf.crt')]);
  return { ca, leaf: readFileSync(f('leaf.crt'), 'utf8'), key: readFileSync(f('leaf.key'), 'utf8') };
}

/** A real TLS handshake over an in-memory pair: the server sends `cert`, the client uses the store's context. */
async function handshake(store: TrustStore, server: { cert: string; key: string }) {
  const [a, b] = duplexPair();
  const srv = new tls.TLSSocket(b, { isServer: true, secureContext: tls.createSecureContext(server) });
  srv.on('error', () => {});
  const client = tls.connect({
    socket: a,
    servername: 'imap.trust.test',
    secureContext: store.context('modern'),
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
  });
  await new Promise((resolve, reject) => client.once('secureConnect', resolve).once('error', reject));
  const peer = client.getPeerCertificate(true);
  const result = { authorized: client.authorized, error: client.authorizationError, peer };
  client.destroy();
  srv.destroy();
  return result;
}

const der = (pem: string) => new X509Certificate(pem).raw;

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

  it('verifies a chain ending in a --ca-file root; the CA is an anchor, the leaf is not', async () => {
    const { ca, leaf, key } = caAndLeaf('imap-doctor chain CA', 'imap.trust.test');
    const store = createTrustStore([ca]);
    const r = await handshake(store, { cert: leaf, key });
    expect(r.authorized).toBe(true);
    expect(r.peer.issuerCertificate.raw.equals(der(ca))).toBe(true);
    expect(store.isAnchor(der(ca))).toBe(true);
    expect(store.isAnchor(r.peer.raw)).toBe(false);
  });

  it('without that --ca-file, the bundled roots do not verify the chain and its CA is no anchor', async () => {
    const { ca, leaf, key } = caAndLeaf('imap-doctor unknown CA', 'imap.trust.test');
    const store = createTrustStore([]);
    const r = await handshake(store, { cert: leaf, key });
    expect(r.authorized).toBe(false);
    expect(r.error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(store.isAnchor(der(ca))).toBe(false);
  });

  it('still detects a self-signed server certificate', async () => {
    const { ca } = caAndLeaf('imap-doctor self-signed', 'imap.trust.test');
    const key = readFileSync(path.join(dir, 'imap-doctor self-signed.key'), 'utf8');
    const r = await handshake(createTrustStore([]), { cert: ca, key });
    expect(r.authorized).toBe(false);
    expect(r.error).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('finds a --ca-file CA written with CRLF line ends and long lines, and a CA of the same DER length that differs is none', () => {
    const ca = selfSignedCa('imap-doctor crlf CA');
    const body = ca.replace(/-----[^-]+-----|\s+/g, '');
    const crlf = `-----BEGIN CERTIFICATE-----\r\n${body.match(/.{1,76}/g)?.join('\r\n')}\r\n-----END CERTIFICATE-----\r\n`;
    const store = createTrustStore([crlf]);
    expect(store.isAnchor(der(ca))).toBe(true);
    const flipped = Buffer.from(der(ca));
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 1, flipped.length - 1);
    expect(flipped.subarray(0, 4).equals(der(ca).subarray(0, 4))).toBe(true);
    expect(store.isAnchor(flipped)).toBe(false);
  });

  it('finds every bundled root by its DER, as anchorFingerprints does', () => {
    const store = createTrustStore([]);
    for (const pem of rootCertificates) expect(store.isAnchor(der(pem))).toBe(true);
    const other = selfSignedCa('imap-doctor not an anchor');
    expect(store.isAnchor(der(other))).toBe(false);
    expect(store.anchorFingerprints.has(new X509Certificate(other).fingerprint256.toUpperCase())).toBe(false);
  });

  it('hands Node every PEM when its default store is not the bundled roots, and still verifies the chain', async () => {
    const { ca, leaf, key } = caAndLeaf('imap-doctor explicit CA', 'imap.trust.test');
    setNodeStoreBundled(false);
    try {
      const r = await handshake(createTrustStore([ca]), { cert: leaf, key });
      expect(r.authorized).toBe(true);
      const unknown = caAndLeaf('imap-doctor explicit unknown CA', 'imap.trust.test');
      const u = await handshake(createTrustStore([ca]), { cert: unknown.leaf, key: unknown.key });
      expect(u.error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      setNodeStoreBundled(true);
    }
  });
});
