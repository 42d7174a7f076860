/**
 * TLS_CLOCK_SKEW is said only on reliable evidence (server dates from independent organisations,
 * one outside server date that the certificate fits, or certificates from different authorities
 * that all start in the future), and then the date findings it explains become its consequences.
 * Anything weaker leaves the date findings standing alone. Hand-built evidence, no network.
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../../src/checks/index.js';
import { judgeClock } from '../../../../src/checks/tls/clock.js';
import { TLS_CHECKS } from '../../../../src/checks/tls/index.js';
import type { CheckContext } from '../../../../src/checks/types.js';
import type { DiscoveryEvidence, SourceResult } from '../../../../src/model/discovery.js';
import type { CertInfo, ClockSample, EndpointEvidence } from '../../../../src/model/evidence.js';
import { NOW, addressProbe, candidate, cert, context, endpoint, tlsInfo } from '../../../helpers/evidence.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

/** A leaf valid from `from` to `to` (ms relative to NOW), for host, by issuer. */
function leaf(
  host: string,
  from: number,
  to: number,
  issuer = "CN=R11, O=Let's Encrypt",
  fp = `FP-${host}-${issuer}`,
): CertInfo {
  return cert({
    subject: `CN=${host}`,
    commonName: host,
    subjectAltNames: [`DNS:${host}`],
    issuer,
    validFrom: iso(from),
    validTo: iso(to),
    fingerprint256: fp,
  });
}

/** One endpoint per leaf; verify error from the leaf's dates against NOW, as OpenSSL would. */
function ep(c: CertInfo, host = c.commonName ?? 'imap.example.com'): EndpointEvidence {
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  const now = NOW.getTime();
  const verifyError = now < from ? 'CERT_NOT_YET_VALID' : now > to ? 'CERT_HAS_EXPIRED' : undefined;
  const info = tlsInfo({
    chain: [c],
    hostnameChecked: host,
    chainVerified: !verifyError,
    ...(verifyError ? { verifyError } : {}),
  });
  return endpoint(candidate(host), { addresses: [addressProbe('tls', { tls: { state: 'ok', value: info, ms: 5 } })] });
}

const sample = (source: string, offsetMs: number): ClockSample => ({
  source,
  serverDate: iso(offsetMs),
  localDate: NOW.toISOString(),
});

function discoveryWithDate(query: string, offsetMs: number): DiscoveryEvidence {
  const src: SourceResult = {
    source: 'autoconfig',
    query,
    status: 'found',
    ms: 5,
    servers: [],
    trust: 'trusted',
    trustReason: 'https-domain',
    facts: { httpDate: new Date(NOW.getTime() + offsetMs).toUTCString() },
  };
  return { domain: 'example.com', sources: [src], resolverWorking: true };
}

const ctxWith = (eps: EndpointEvidence[], clock: ClockSample[] = [], over: Partial<CheckContext> = {}) =>
  context(eps, { network: { references: [], clock }, ...over });
const codes = (ctx: CheckContext) =>
  runChecks(ctx, TLS_CHECKS)
    .map((f) => f.code)
    .sort();

// The user's clock is two years behind: a certificate issued 30 days ago (real time) "starts in the future".
const BEHIND = 2 * 365 * DAY;
const fresh = leaf('imap.example.com', BEHIND - 30 * DAY, BEHIND + 60 * DAY);

describe('tls/clock: TLS_CLOCK_SKEW from server dates', () => {
  it('two organisations agree the clock is behind and the certificate fits their time: skew, with the date finding as its consequence', () => {
    const ctx = ctxWith(
      [ep(fresh)],
      [
        sample('https://autoconfig.example.com/mail/config-v1.1.xml', BEHIND),
        sample('https://autoconfig.thunderbird.net/v1.1/example.com', BEHIND + 1500),
      ],
    );
    const fs = runChecks(ctx, TLS_CHECKS);
    expect(fs.map((f) => f.code).sort()).toEqual(['TLS_CERT_NOT_YET_VALID', 'TLS_CLOCK_SKEW']);
    const skew = fs.find((f) => f.code === 'TLS_CLOCK_SKEW');
    expect(skew).toMatchObject({
      severity: 'error',
      stage: 'tls',
      subject: {},
      params: { direction: 'behind', atLeast: false, evidence: 'server-dates', certificates: ['imap.example.com'] },
    });
    expect(Math.abs(Number(skew?.params.offsetSeconds) - BEHIND / 1000)).toBeLessThan(2);
    expect(skew).not.toHaveProperty('endpoint');
    expect(fs.find((f) => f.code === 'TLS_CERT_NOT_YET_VALID')?.causedBy).toBe('TLS_CLOCK_SKEW');
  });

  it('a clock set ahead makes certificates look expired; server dates tell', () => {
    const ahead = leaf('imap.example.com', -3 * 365 * DAY - 30 * DAY, -3 * 365 * DAY + 60 * DAY);
    const ctx = ctxWith(
      [ep(ahead)],
      [sample('https://a.example.org/', -3 * 365 * DAY), sample('https://b.example.net/', -3 * 365 * DAY)],
    );
    expect(codes(ctx)).toEqual(['TLS_CERT_EXPIRED', 'TLS_CLOCK_SKEW']);
    expect(judgeClock(ctx)).toMatchObject({ evidence: 'server-dates', atLeast: false });
    expect(judgeClock(ctx)?.offsetMs).toBeLessThan(0);
  });

  it('reads the Date headers discovery kept, and one outside organisation plus the fitting certificate is enough', () => {
    const ctx = ctxWith([ep(fresh)], [], {
      discovery: discoveryWithDate('https://autoconfig.thunderbird.net/v1.1/example.com', BEHIND),
    });
    const j = judgeClock(ctx);
    expect(j).toMatchObject({
      evidence: 'server-date-and-certificate',
      sources: ['https://autoconfig.thunderbird.net/v1.1/example.com'],
    });
    expect(codes(ctx)).toEqual(['TLS_CERT_NOT_YET_VALID', 'TLS_CLOCK_SKEW']);
  });

  it("one date from the certificate's own organisation is not enough (its server may share the wrong clock)", () => {
    const ctx = ctxWith([ep(fresh)], [sample('https://autoconfig.example.com/', BEHIND)]);
    expect(judgeClock(ctx)).toBeUndefined();
    expect(codes(ctx)).toEqual(['TLS_CERT_NOT_YET_VALID']);
  });

  it('servers that agree with the local clock leave the date finding standing', () => {
    const future = leaf('imap.example.com', 2 * DAY, 90 * DAY);
    const ctx = ctxWith([ep(future)], [sample('https://a.example.org/', 1000), sample('https://b.example.net/', -500)]);
    expect(codes(ctx)).toEqual(['TLS_CERT_NOT_YET_VALID']);
    expect(runChecks(ctx, TLS_CHECKS).every((f) => f.causedBy === undefined)).toBe(true);
  });

  it('server dates that disagree with each other prove nothing', () => {
    const ctx = ctxWith(
      [ep(fresh)],
      [sample('https://a.example.org/', BEHIND), sample('https://b.example.net/', 10 * DAY)],
    );
    expect(judgeClock(ctx)).toBeUndefined();
  });

  it('a skewed clock that does not make the certificate valid is not blamed for it', () => {
    const expired = leaf('imap.example.com', -400 * DAY, -30 * DAY);
    const ctx = ctxWith(
      [ep(expired)],
      [sample('https://a.example.org/', 10 * DAY), sample('https://b.example.net/', 10 * DAY)],
    );
    expect(codes(ctx)).toEqual(['TLS_CERT_EXPIRED']);
  });

  it('a few minutes are no skew', () => {
    const justIssued = leaf('imap.example.com', 60_000, 90 * DAY);
    const ctx = ctxWith(
      [ep(justIssued)],
      [sample('https://a.example.org/', 3 * 60_000), sample('https://b.example.net/', 3 * 60_000)],
    );
    expect(judgeClock(ctx)).toBeUndefined();
  });

  it('a wrong clock with only valid certificates is not this finding', () => {
    const ctx = ctxWith(
      [ep(leaf('imap.example.com', -30 * DAY, 60 * DAY))],
      [sample('https://a.example.org/', 10 * DAY), sample('https://b.example.net/', 10 * DAY)],
    );
    expect(codes(ctx)).toEqual(['TLS_OK']);
  });
});

describe('tls/clock: TLS_CLOCK_SKEW from certificates alone', () => {
  it('certificates from different authorities that all start in the future: the clock is at least that far behind', () => {
    const a = leaf('imap.example.com', 2 * DAY, 90 * DAY, 'CN=R11');
    const b = leaf('mail.example.net', 3 * DAY, 80 * DAY, 'CN=Sectigo RSA Domain Validation Secure Server CA');
    const ctx = ctxWith([ep(a), ep(b)]);
    const skew = runChecks(ctx, TLS_CHECKS).find((f) => f.code === 'TLS_CLOCK_SKEW');
    expect(skew?.params).toMatchObject({
      direction: 'behind',
      atLeast: true,
      evidence: 'certificates',
      sources: [],
      offsetSeconds: (3 * DAY) / 1000,
      count: 2,
      authorities: 2,
      certificates: ['imap.example.com', 'mail.example.net'],
    });
    expect(
      runChecks(ctx, TLS_CHECKS)
        .filter((f) => f.code === 'TLS_CERT_NOT_YET_VALID')
        .map((f) => f.causedBy),
    ).toEqual(['TLS_CLOCK_SKEW', 'TLS_CLOCK_SKEW']);
  });

  it('one certificate in the future is not enough (it may really be dated wrong)', () => {
    expect(codes(ctxWith([ep(leaf('imap.example.com', 2 * DAY, 90 * DAY))]))).toEqual(['TLS_CERT_NOT_YET_VALID']);
  });

  it('the same certificate on two endpoints counts once', () => {
    const a = leaf('imap.example.com', 2 * DAY, 90 * DAY);
    const ctx = ctxWith([
      ep(a),
      endpoint(
        candidate('imap.example.com', 143, 'starttls'),
        {
          addresses: [
            addressProbe('starttls', {
              starttlsTls: {
                state: 'ok',
                value: tlsInfo({ chain: [a], chainVerified: false, verifyError: 'CERT_NOT_YET_VALID' }),
                ms: 5,
              },
            }),
          ],
        },
        1,
      ),
    ]);
    expect(judgeClock(ctx)).toBeUndefined();
  });

  it('future certificates from one authority only (its own clock may be wrong) are not enough', () => {
    const a = leaf('imap.example.com', 2 * DAY, 90 * DAY, 'CN=Corp CA');
    const b = leaf('mail.example.com', 2 * DAY, 90 * DAY, 'CN=Corp CA');
    expect(judgeClock(ctxWith([ep(a), ep(b)]))).toBeUndefined();
  });

  it('when one certificate is valid now, the clock is not blamed', () => {
    const a = leaf('imap.example.com', 2 * DAY, 90 * DAY, 'CN=R11');
    const b = leaf('mail.example.net', -2 * DAY, 80 * DAY, 'CN=Sectigo');
    expect(judgeClock(ctxWith([ep(a), ep(b)]))).toBeUndefined();
  });

  it('all certificates expired is not enough without server dates (neglected servers do that too)', () => {
    const a = leaf('imap.example.com', -400 * DAY, -30 * DAY, 'CN=R11');
    const b = leaf('mail.example.net', -300 * DAY, -20 * DAY, 'CN=Sectigo');
    expect(codes(ctxWith([ep(a), ep(b)]))).toEqual(['TLS_CERT_EXPIRED', 'TLS_CERT_EXPIRED']);
  });

  it('certificates with no common time of validity cannot come from one wrong clock', () => {
    const a = leaf('imap.example.com', 2 * DAY, 10 * DAY, 'CN=R11');
    const b = leaf('mail.example.net', 20 * DAY, 80 * DAY, 'CN=Sectigo');
    expect(judgeClock(ctxWith([ep(a), ep(b)]))).toBeUndefined();
  });
});
