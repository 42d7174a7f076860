/**
 * imap/starttls on hand-built evidence (RFC 9051 §6.2.1, RFC 2595, RFC 3207 §4 on injection):
 * accepted, refused when advertised or not, accepted without being advertised, bytes injected after
 * the OK, no tagged answer; and silence where there is nothing to say (implicit TLS, a cut step).
 */
import { describe, expect, it } from 'vitest';
import { starttlsCheck } from '../../../../src/checks/imap/starttls.js';
import type { AddressProbe, ProbeErrorCode } from '../../../../src/model/evidence.js';
import { idOf, judged, onAddress } from '../../../helpers/findings.js';

const ID = idOf('starttls');
const reply = (status: 'OK' | 'NO' | 'BAD', advertised: boolean, injectedBytes = 0): Partial<AddressProbe> => ({
  starttls: {
    state: 'ok',
    value: {
      advertised,
      response: { status, text: 't', line: `a2 ${status} t` },
      injectedBytes,
      ...(injectedBytes ? { injectedSample: '* OK x' } : {}),
    },
    ms: 1,
  },
});
const failed = (code: ProbeErrorCode): Partial<AddressProbe> => ({
  starttls: { state: 'failed', error: { code, message: 'no answer' }, ms: 1 },
});

describe('imap/starttls', () => {
  it('advertised, accepted and the handshake done: STARTTLS_OK in the starttls stage', () => {
    expect(judged(starttlsCheck.run(onAddress('starttls')))).toEqual([
      { code: 'STARTTLS_OK', stage: 'starttls', endpoint: ID, params: { advertised: true } },
    ]);
  });

  it('accepted but the handshake after it failed: no STARTTLS_OK (the TLS checks speak for the handshake)', () => {
    const handshakeFailed = {
      ...reply('OK', true),
      starttlsTls: {
        state: 'failed' as const,
        error: { code: 'TLS_HANDSHAKE_FAILURE' as const, message: 'alert' },
        ms: 1,
      },
    };
    expect(starttlsCheck.run(onAddress('starttls', handshakeFailed))).toEqual([]);
  });

  it('refused when advertised is STARTTLS_REJECTED; refused and not advertised is STARTTLS_NOT_OFFERED; both carry the reply line', () => {
    expect(judged(starttlsCheck.run(onAddress('starttls', reply('NO', true))))).toEqual([
      { code: 'STARTTLS_REJECTED', stage: 'starttls', endpoint: ID, params: { response: 'a2 NO t' } },
    ]);
    expect(judged(starttlsCheck.run(onAddress('starttls', reply('BAD', false))))).toEqual([
      { code: 'STARTTLS_NOT_OFFERED', stage: 'starttls', endpoint: ID, params: { response: 'a2 BAD t' } },
    ]);
  });

  it('accepted without being advertised: STARTTLS_NOT_ADVERTISED, then STARTTLS_OK saying so', () => {
    expect(judged(starttlsCheck.run(onAddress('starttls', reply('OK', false))))).toEqual([
      { code: 'STARTTLS_NOT_ADVERTISED', stage: 'starttls', endpoint: ID, params: {} },
      { code: 'STARTTLS_OK', stage: 'starttls', endpoint: ID, params: { advertised: false } },
    ]);
  });

  it('bytes after the OK and before the handshake: STARTTLS_INJECTION with the count and a sample, and no STARTTLS_OK', () => {
    expect(judged(starttlsCheck.run(onAddress('starttls', reply('OK', true, 6))))).toEqual([
      { code: 'STARTTLS_INJECTION', stage: 'starttls', endpoint: ID, params: { bytes: 6, sample: '* OK x' } },
    ]);
  });

  it('no tagged answer is IMAP_PROTOCOL_ERROR naming STARTTLS', () => {
    for (const code of ['TIMEOUT', 'CLOSED'] as const) {
      expect(judged(starttlsCheck.run(onAddress('starttls', failed(code))))).toEqual([
        {
          code: 'IMAP_PROTOCOL_ERROR',
          stage: 'starttls',
          endpoint: ID,
          params: { command: 'STARTTLS', error: 'no answer' },
        },
      ]);
    }
  });

  it('nothing for a step the deadline cut or imap-doctor crashed in, for implicit TLS, or when STARTTLS was never sent', () => {
    expect(starttlsCheck.run(onAddress('starttls', failed('ABORTED')))).toEqual([]);
    expect(starttlsCheck.run(onAddress('starttls', failed('INTERNAL')))).toEqual([]);
    expect(starttlsCheck.run(onAddress('tls'))).toEqual([]);
    expect(starttlsCheck.run(onAddress('starttls', { starttls: undefined }))).toEqual([]);
  });
});
