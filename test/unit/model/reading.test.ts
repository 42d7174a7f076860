/** The one reading of the evidence (src/model/reading.ts): each notion on hand-built evidence. */
import { describe, expect, it } from 'vitest';
import type { DnsStatus, TaggedResponse } from '../../../src/model/evidence.js';
import {
  cutShort,
  cutSteps,
  cutStepText,
  definiteRefusal,
  dnsAnswered,
  dnsLookupOf,
  endpointId,
  lockedOut,
  lookupOf,
  reachesImap,
  sessionReady,
  starttlsAccepted,
  starttlsInjected,
  tlsInfoVerified,
  tlsVerified,
  verifiedAddress,
  working,
} from '../../../src/model/reading.js';
import { addressProbe, candidate, endpoint, greeting, tlsInfo } from '../../helpers/evidence.js';

const refusedStarttls = (status: TaggedResponse['status']) =>
  addressProbe('starttls', {
    starttls: {
      state: 'ok',
      value: { advertised: true, response: { status, text: 'no', line: `a2 ${status} no` }, injectedBytes: 0 },
      ms: 1,
    },
    starttlsTls: { state: 'skipped', blockedBy: 'starttls' },
    capabilityAfterTls: { state: 'skipped', blockedBy: 'starttls' },
  });

describe('endpoint identity', () => {
  it('is built from host, port and security', () => {
    expect(endpointId({ host: 'imap.example.com', port: 993, security: 'tls' })).toBe('imap.example.com:993/tls');
  });
});

describe('DNS answered', () => {
  it('records, NODATA and NXDOMAIN answer the question; REFUSED, SERVFAIL, timeouts and errors do not', () => {
    const all: DnsStatus[] = [
      'records',
      'nodata',
      'nxdomain',
      'refused',
      'servfail',
      'timeout',
      'unreachable',
      'error',
    ];
    expect(all.filter(dnsAnswered)).toEqual(['records', 'nodata', 'nxdomain']);
    expect(dnsAnswered(undefined)).toBe(false);
  });

  it('a literal, a pin or a crashed probe is no DNS lookup', () => {
    const e = endpoint();
    expect(dnsLookupOf(e)).toBe(e.resolve);
    expect(
      dnsLookupOf(
        endpoint(candidate(), { resolve: { ms: 0, via: 'literal', a: 'records', aaaa: 'nodata', addresses: [] } }),
      ),
    ).toBeUndefined();
    const crashed = endpoint(candidate(), {
      resolve: { crashed: 'probe', ms: 0, addresses: [], error: { code: 'INTERNAL', message: 'x' } },
      addresses: [],
    });
    expect(lookupOf(crashed)).toBeUndefined();
    expect(dnsLookupOf(crashed)).toBeUndefined();
    expect(cutShort(crashed)).toBe(true);
  });
});

describe('TLS verified', () => {
  it('needs a verified chain and a matching name, on implicit TLS or after STARTTLS', () => {
    expect(tlsVerified(addressProbe('tls'))).toBe(true);
    expect(tlsVerified(addressProbe('starttls'))).toBe(true);
    expect(
      tlsVerified(addressProbe('tls', { tls: { state: 'ok', value: tlsInfo({ chainVerified: false }), ms: 1 } })),
    ).toBe(false);
    expect(
      tlsVerified(addressProbe('tls', { tls: { state: 'ok', value: tlsInfo({ hostnameOk: false }), ms: 1 } })),
    ).toBe(false);
    expect(tlsVerified(addressProbe('plain'))).toBe(false);
    expect(tlsInfoVerified(tlsInfo())).toBe(true);
    expect(tlsInfoVerified(tlsInfo({ hostnameOk: false }))).toBe(false);
  });
});

describe('STARTTLS accepted', () => {
  it('is a tagged OK; NO, BAD and a failed or missing STARTTLS are not', () => {
    expect(starttlsAccepted(addressProbe('starttls'))).toBe(true);
    expect(starttlsAccepted(refusedStarttls('NO'))).toBe(false);
    expect(starttlsAccepted(refusedStarttls('BAD'))).toBe(false);
    expect(
      starttlsAccepted(
        addressProbe('starttls', { starttls: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 } }),
      ),
    ).toBe(false);
    expect(starttlsAccepted(addressProbe('tls'))).toBe(false);
  });

  it('injection is bytes after the OK', () => {
    const injected = addressProbe('starttls', {
      starttls: {
        state: 'ok',
        value: { advertised: true, response: { status: 'OK', text: '', line: 'a2 OK' }, injectedBytes: 12 },
        ms: 1,
      },
    });
    expect(starttlsInjected(injected)).toBe(true);
    expect(starttlsInjected(addressProbe('starttls'))).toBe(false);
  });
});

describe('working, with and without a login', () => {
  it('without a login: a verified, untampered session; plain text never', () => {
    expect(working(endpoint(), false)).toBe(true);
    expect(working(endpoint(candidate('imap.example.com', 143, 'starttls')), false)).toBe(true);
    expect(working(endpoint(candidate('imap.example.com', 143, 'plain')), false)).toBe(false);
    const bad = endpoint(candidate(), {
      addresses: [addressProbe('tls', { tls: { state: 'ok', value: tlsInfo({ chainVerified: false }), ms: 1 } })],
    });
    expect(working(bad, false)).toBe(false);
    const refused = endpoint(candidate('imap.example.com', 143, 'starttls'), { addresses: [refusedStarttls('NO')] });
    expect(working(refused, false)).toBe(false);
    expect(verifiedAddress(endpoint())?.address).toBe('192.0.2.10');
  });

  it('with a login: only a login that succeeded', () => {
    const ok = endpoint(candidate(), {
      login: {
        state: 'attempted',
        attempt: { address: '192.0.2.10', ms: 1, ok: true, alerts: [], credentialsRejected: false },
      },
    });
    const no = endpoint(candidate(), {
      login: {
        state: 'attempted',
        attempt: { address: '192.0.2.10', ms: 1, ok: false, alerts: [], credentialsRejected: true },
      },
    });
    expect(working(ok, true)).toBe(true);
    expect(working(no, true)).toBe(false);
    expect(working(endpoint(), true)).toBe(false);
  });

  it("an IMAP answer in the endpoint's mode (PREAUTH counts, the certificate is not judged); a session ready for login", () => {
    const preauth = addressProbe('tls', {
      greeting: { state: 'ok', value: { ...greeting('* PREAUTH hi'), kind: 'preauth' }, ms: 1 },
    });
    expect(reachesImap(endpoint(candidate(), { addresses: [preauth] }))).toBe(true);
    expect(sessionReady(preauth)).toBe(false);
    expect(
      reachesImap(endpoint(candidate('imap.example.com', 143, 'starttls'), { addresses: [refusedStarttls('NO')] })),
    ).toBe(false);
    expect(sessionReady(addressProbe('starttls'))).toBe(true);
    expect(sessionReady(refusedStarttls('NO'))).toBe(false);
  });
});

describe('definite refusal or lock', () => {
  it('a NO about the account is definite; a NO about the server state is not, unless its words say locked', () => {
    expect(definiteRefusal({ status: 'NO', code: 'AUTHENTICATIONFAILED', texts: ['Authentication failed.'] })).toBe(
      true,
    );
    expect(definiteRefusal({ status: 'NO', texts: ['Login failed'] })).toBe(true);
    expect(definiteRefusal({ status: 'NO', code: 'UNAVAILABLE', texts: ['Temporary authentication failure'] })).toBe(
      false,
    );
    expect(definiteRefusal({ status: 'NO', code: 'LIMIT', texts: ['Too many simultaneous connections'] })).toBe(false);
    expect(definiteRefusal({ status: 'BAD', texts: ['Syntax error'] })).toBe(false);
  });

  it('the lock may be said in an [ALERT] or the BYE, not only the tagged reply', () => {
    expect(
      definiteRefusal({
        status: 'NO',
        code: 'UNAVAILABLE',
        texts: ['Try later', 'Your account is temporarily locked'],
      }),
    ).toBe(true);
    expect(
      definiteRefusal({
        status: 'NO',
        code: 'UNAVAILABLE',
        texts: ['Try later', '', 'too many failed login attempts'],
      }),
    ).toBe(true);
    expect(lockedOut(['Mailbox is locked'])).toBe(true);
    expect(lockedOut(['Authentication failed'])).toBe(false);
  });
});

describe('steps cut short', () => {
  it('ABORTED stages and a login withheld for the deadline, structured and worded once', () => {
    const a = addressProbe('tls', {
      greeting: { state: 'failed', error: { code: 'ABORTED', message: 'stopped' }, ms: 1 },
    });
    const e = endpoint(candidate(), { addresses: [a], login: { state: 'withheld', reason: 'deadline' } });
    expect(cutSteps(e)).toEqual([
      { endpoint: 'imap.example.com:993/tls', address: '192.0.2.10', stage: 'greeting' },
      { endpoint: 'imap.example.com:993/tls', stage: 'login' },
    ]);
    expect(cutSteps(e).map(cutStepText)).toEqual([
      'imap.example.com:993/tls 192.0.2.10 greeting',
      'imap.example.com:993/tls login',
    ]);
    expect(cutShort(e)).toBe(true);
    expect(cutShort(endpoint())).toBe(false);
  });
});
