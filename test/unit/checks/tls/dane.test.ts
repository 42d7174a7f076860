/**
 * DANE from hand-built evidence: the chain matching rules of RFC 6698/7671 for every usage, selector
 * and matching type (real certificate digests, computed the way the probe does), and the check's
 * verdicts — bogus signatures, each reason TLSA cannot be believed (RFC 7673 included), a match, a
 * mismatch — and silence when nothing is published.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { daneCheck } from '../../../../src/checks/tls/dane.js';
import { formatTlsa, matchChain, matchesCert } from '../../../../src/checks/tls/dane-match.js';
import { isBogus } from '../../../../src/dns/dnssec.js';
import type { DiscoveryEvidence, SourceResult } from '../../../../src/model/discovery.js';
import type { CertInfo } from '../../../../src/model/evidence.js';
import type { DaneEvidence, TlsaRecord } from '../../../../src/model/standards.js';
import { daneDigests } from '../../../../src/probes/x509.js';
import { addressProbe, candidate, cert, context, endpoint, tlsInfo } from '../../../helpers/evidence.js';

/** A certificate's facts with digests made from real DER bytes, plus the bytes themselves. */
function certWithBytes(seed: string): { info: CertInfo; der: Buffer; spki: Buffer } {
  const der = createHash('sha512').update(`cert ${seed}`).digest();
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const fp = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
  return { info: cert({ fingerprint256: fp, ...daneDigests(der, spki) }), der, spki };
}

const sha = (alg: string, b: Buffer) => createHash(alg).update(b).digest('hex');
const rec = (usage: number, selector: number, matchingType: number, data: string): TlsaRecord => ({
  usage,
  selector,
  matchingType,
  data,
});

describe('TLSA matching (RFC 6698 §2.1, RFC 7671 §5)', () => {
  const leaf = certWithBytes('leaf');
  const ca = certWithBytes('ca');

  it('matches every selector and matching type, exact data through its digest', () => {
    const cases: Array<[number, number, Buffer]> = [
      [0, 0, leaf.der],
      [0, 1, Buffer.from(sha('sha256', leaf.der), 'hex')],
      [0, 2, Buffer.from(sha('sha512', leaf.der), 'hex')],
      [1, 0, leaf.spki],
      [1, 1, Buffer.from(sha('sha256', leaf.spki), 'hex')],
      [1, 2, Buffer.from(sha('sha512', leaf.spki), 'hex')],
    ];
    for (const [selector, matching, data] of cases) {
      expect(matchesCert(rec(3, selector, matching, data.toString('hex')), leaf.info), `${selector} ${matching}`).toBe(
        true,
      );
      expect(
        matchesCert(rec(3, selector, matching, data.toString('hex')), ca.info),
        `${selector} ${matching} on another cert`,
      ).toBe(false);
    }
    expect(matchesCert(rec(3, 1, 1, ''), leaf.info)).toBe(false);
  });

  it('DANE-EE (3) binds the leaf key alone: no name or chain check; DANE-TA (2) needs a CA above the leaf and the name', () => {
    const t = tlsInfo({ chain: [leaf.info, ca.info], chainVerified: false, hostnameOk: false });
    const ee = rec(3, 1, 1, sha('sha256', leaf.spki));
    const ta = rec(2, 1, 1, sha('sha256', ca.spki));
    expect(matchChain([ee], t)).toEqual({ match: true, record: ee });
    expect(matchChain([ta], t)).toEqual({ match: false, nameFailed: true });
    expect(matchChain([ta], { ...t, hostnameOk: true })).toEqual({ match: true, record: ta });
    // A 2 x x record naming the leaf itself does not match: the anchor must be above it.
    expect(matchChain([rec(2, 1, 1, sha('sha256', leaf.spki))], { ...t, hostnameOk: true }).match).toBe(false);
  });

  it('PKIX-TA/EE (0/1) also need the chain to verify; unknown parameters are ignored', () => {
    const t = tlsInfo({ chain: [leaf.info, ca.info], chainVerified: false, hostnameOk: true });
    const pkixEe = rec(1, 1, 1, sha('sha256', leaf.spki));
    expect(matchChain([pkixEe], t).match).toBe(false);
    expect(matchChain([pkixEe], { ...t, chainVerified: true }).match).toBe(true);
    expect(matchChain([rec(4, 1, 1, sha('sha256', leaf.spki)), rec(3, 2, 1, sha('sha256', leaf.spki))], t).match).toBe(
      false,
    );
    expect(formatTlsa(rec(3, 1, 1, 'ab'))).toBe('3 1 1 ab');
  });
});

describe('the DANE check', () => {
  const leaf = certWithBytes('leaf');
  const ca = certWithBytes('ca');
  const good: TlsaRecord[] = [rec(3, 1, 1, sha('sha256', leaf.spki)), rec(2, 1, 1, sha('sha256', ca.spki))];
  const dane = (over: Partial<DaneEvidence> = {}, tlsa: Partial<DaneEvidence['tlsa']> = {}): DaneEvidence => ({
    adTrusted: true,
    tlsa: {
      name: '_993._tcp.imap.example.com',
      status: 'records',
      ad: true,
      records: good,
      server: '127.0.0.1:53',
      ms: 1,
      ...tlsa,
    },
    address: { a: 'records', aaaa: 'nodata', ad: true },
    ...over,
  });
  const withChain = (d: DaneEvidence, chain = [leaf.info, ca.info]) =>
    endpoint(candidate(), {
      dane: d,
      addresses: [addressProbe('tls', { tls: { state: 'ok', value: tlsInfo({ chain }), ms: 1 } })],
    });
  const run = (e = withChain(dane()), discovery: DiscoveryEvidence | null = null) =>
    daneCheck.run(context([e], { discovery }));

  it('DANE_OK when a validated record matches, with the rollover pair noticed', () => {
    const f = run();
    expect(f.map((x) => x.code)).toEqual(['DANE_OK']);
    expect(f[0]?.params).toMatchObject({
      name: '_993._tcp.imap.example.com',
      record: formatTlsa(good[0] as TlsaRecord),
      rolloverReady: true,
    });
    expect(run(withChain(dane({}, { records: [good[0] as TlsaRecord] })))[0]?.params.rolloverReady).toBe(false);
  });

  it('DANE_MISMATCH when validated records name other keys, showing what was presented', () => {
    const f = run(withChain(dane(), [certWithBytes('renewed').info]));
    expect(f.map((x) => x.code)).toEqual(['DANE_MISMATCH']);
    expect(f[0]?.severity).toBe('error');
    expect(String(f[0]?.params.presented)).toContain('SPKI SHA-256');
  });

  it('DANE_NOT_VALIDATED for each reason the records cannot be believed', () => {
    const reason = (d: DaneEvidence, discovery: DiscoveryEvidence | null = null, e = withChain(d)) =>
      run(e, discovery).find((x) => x.code === 'DANE_NOT_VALIDATED')?.params.reason;
    expect(reason(dane({ adTrusted: false }))).toBe('resolver-not-trusted');
    expect(reason(dane({}, { ad: false }))).toBe('no-ad');
    expect(reason(dane({ address: { a: 'records', aaaa: 'nodata', ad: false } }))).toBe('address-insecure');
    const srvOnly = {
      ...withChain(dane()),
      candidate: candidate('imap.example.com', 993, 'tls', {
        sources: [{ source: 'srv-imaps', trust: 'unverified', trustReason: 'srv-outside-domain' }],
      }),
    };
    const srv = (authenticated: boolean): DiscoveryEvidence => ({
      domain: 'example.com',
      resolverWorking: true,
      sources: [
        {
          source: 'srv-imaps',
          query: '_imaps._tcp.example.com SRV',
          status: 'found',
          ms: 1,
          servers: [],
          trust: 'unverified',
          trustReason: 'srv-outside-domain',
          authenticated,
        } as SourceResult,
      ],
    });
    expect(reason(dane(), srv(false), srvOnly)).toBe('srv-insecure');
    expect(run(srvOnly, srv(true)).map((x) => x.code)).toEqual(['DANE_OK']);
  });

  it('DNSSEC_BOGUS when SERVFAIL goes away with CD, for the TLSA records or the address records', () => {
    const bogus = dane(
      {},
      { status: 'servfail', ad: false, records: [], checkingDisabled: { status: 'records', records: 1 } },
    );
    expect(isBogus(bogus.tlsa)).toBe(true);
    expect(run(withChain(bogus)).map((x) => [x.code, x.params.type])).toEqual([['DNSSEC_BOGUS', 'TLSA']]);
    const addr = dane({ address: { a: 'servfail', aaaa: 'servfail', ad: false, bogus: true } });
    expect(run(withChain(addr)).map((x) => [x.code, x.params.type])).toEqual([['DNSSEC_BOGUS', 'A/AAAA']]);
    // A SERVFAIL that stays with CD is a failing server, not bogus DNSSEC: nothing to say here.
    expect(
      run(
        withChain(
          dane(
            {},
            { status: 'servfail', ad: false, records: [], checkingDisabled: { status: 'servfail', records: 0 } },
          ),
        ),
      ),
    ).toEqual([]);
  });

  it('says nothing when no TLSA record exists or no DNS path was available', () => {
    expect(run(withChain(dane({}, { status: 'nxdomain', ad: true, records: [] })))).toEqual([]);
    expect(daneCheck.run(context([endpoint()]))).toEqual([]);
  });
});
