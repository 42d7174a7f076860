import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/errors/classify.js';
import { DeadlineReached, Interrupted } from '../../../src/util/deadline.js';

const err = (code: string, message = 'm') => Object.assign(new Error(message), { code });

describe('classifyError: one row per mapping', () => {
  it.each([
    ['ECONNREFUSED', 'REFUSED'],
    ['ETIMEDOUT', 'TIMEOUT'],
    ['EHOSTUNREACH', 'HOST_UNREACHABLE'],
    ['ENETUNREACH', 'NET_UNREACHABLE'],
    ['EADDRNOTAVAIL', 'ADDR_NOT_AVAILABLE'],
    ['ECONNRESET', 'RESET'],
    ['EPIPE', 'CLOSED'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS_NOT_TLS'],
    ['ERR_SSL_PACKET_LENGTH_TOO_LONG', 'TLS_NOT_TLS'],
    ['ERR_SSL_UNSUPPORTED_PROTOCOL', 'TLS_PROTOCOL_VERSION'],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'TLS_PROTOCOL_VERSION'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'TLS_HANDSHAKE_FAILURE'],
    ['ERR_SSL_DH_KEY_TOO_SMALL', 'TLS_WEAK_PARAMS'],
    ['ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED', 'TLS_UNSAFE_RENEGOTIATION'],
    ['ERR_SSL_SOMETHING_NEW', 'TLS_ERROR'],
    ['CERT_HAS_EXPIRED', 'TLS_CERT_REJECTED'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_CERT_REJECTED'],
    ['CONNECT_TIMEOUT', 'TIMEOUT'],
    ['GREETING_TIMEOUT', 'TIMEOUT'],
    ['ClosedAfterConnectText', 'CLOSED'],
    ['NoConnection', 'CLOSED'],
    ['ENOTFOUND', 'NXDOMAIN'],
    ['EAI_AGAIN', 'SERVFAIL'],
    ['EWHATEVER', 'NET_ERROR'],
  ])('%s → %s, raw code kept', (code, expected) => {
    const p = classifyError(err(code));
    expect(p.code).toBe(expected);
    expect(p.rawCode).toBe(code);
  });

  it('a disconnect before the TLS handshake completed is a reset', () => {
    expect(
      classifyError(new Error('Client network socket disconnected before secure TLS connection was established')).code,
    ).toBe('RESET');
  });

  it('an aborted signal says which limit fired', () => {
    const c1 = new AbortController();
    c1.abort(new DeadlineReached());
    expect(classifyError(new Error('x'), c1.signal)).toMatchObject({
      code: 'ABORTED',
      why: { code: 'run-deadline' },
    });
    const c2 = new AbortController();
    c2.abort(new Interrupted());
    expect(classifyError(new Error('x'), c2.signal)).toMatchObject({ code: 'ABORTED', why: { code: 'interrupted' } });
    expect(classifyError(new Error('x'), AbortSignal.abort(new DOMException('t', 'TimeoutError'))).code).toBe(
      'TIMEOUT',
    );
  });

  it('messages become one safe line', () => {
    const p = classifyError(err('ECONNRESET', 'line one\r\nline\u0007 two'));
    expect(p.message).toBe('line one line two');
  });
});
