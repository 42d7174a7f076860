/**
 * The TLS probe's handshake over an in-memory pair with a real certificate chain: the chain it reports is
 * the same whether the chain verified (the certificate Node handed its hostname check is read) or not
 * (the chain is asked of the socket); a name that does not match is reported beside a verified chain.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { duplexPair } from 'node:stream';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_IO } from '../../../src/io.js';
import type { CertInfo } from '../../../src/model/evidence.js';
import { handshake } from '../../../src/probes/tls.js';
import { createTrustStore } from '../../../src/probes/trust.js';
import { makeCerts, type CertSet } from '../../servers/certs.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-tls-'));
let certs: CertSet;
beforeAll(async () => {
  certs = await makeCerts(dir, { aiaPort: 9 });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The probe's handshake as `host` against a server sending `chain` (PEM) with `key`, trusting `ca` (PEMs). */
async function probe(host: string, chain: string, key: string, ca: string[]) {
  const [a, b] = duplexPair();
  const srv = new tls.TLSSocket(b, { isServer: true, secureContext: tls.createSecureContext({ cert: chain, key }) });
  srv.on('error', () => {});
  const r = await handshake(a, {
    host,
    trust: createTrustStore(ca),
    signal: new AbortController().signal,
    io: NODE_IO,
  });
  if (r.ok) r.socket.destroy();
  srv.destroy();
  if (!r.ok) throw new Error(`handshake failed: ${r.error.code}`);
  return r.info;
}

const withoutAnchor = (chain: readonly CertInfo[]) => chain.map(({ trustAnchor: _, ...rest }) => rest);

describe('TLS probe handshake', () => {
  it('reports the same chain whether it verified or not', async () => {
    const read = (f: string) => readFileSync(f, 'utf8');
    const sent = read(certs.good.crt) + read(certs.ca.crt);
    const verified = await probe('imap.example.test', sent, read(certs.good.key), [read(certs.ca.crt)]);
    const unverified = await probe('imap.example.test', sent, read(certs.good.key), [read(certs.otherCa.crt)]);
    expect(verified.chainVerified).toBe(true);
    expect(verified.hostnameOk).toBe(true);
    expect(unverified.chainVerified).toBe(false);
    expect(unverified.verifyError).toBeDefined();
    expect(verified.chain).toHaveLength(2);
    expect(verified.chain[0]?.subjectAltNames).toContain('DNS:imap.example.test');
    expect(verified.chain[1]?.trustAnchor).toBe(true);
    expect(unverified.chain[1]?.trustAnchor).toBe(false);
    expect(withoutAnchor(unverified.chain)).toEqual(withoutAnchor(verified.chain));
  });

  it('reports a name that does not match beside a chain that verified', async () => {
    const read = (f: string) => readFileSync(f, 'utf8');
    const info = await probe('mail.other.test', read(certs.good.crt), read(certs.good.key), [read(certs.ca.crt)]);
    expect(info.chainVerified).toBe(true);
    expect(info.hostnameOk).toBe(false);
    expect(info.hostnameError).toMatch(/mail\.other\.test/);
    expect(info.chain[0]?.subjectAltNames).toContain('DNS:imap.example.test');
  });
});
