/**
 * imap/greeting on hand-built evidence: what the server said first (RFC 9051 §7.1.1, §7.1.4, §7.1.5),
 * another protocol named by its kind, silence, a hang-up, a broken greeting; and the cases where it
 * says nothing (a step the deadline cut, a port whose mode check explains the silence or the TLS bytes).
 */
import { describe, expect, it } from 'vitest';
import { greetingCheck } from '../../../../src/checks/imap/greeting.js';
import { renderEntry } from '../../../../src/catalogue/index.js';
import type { AddressProbe, Greeting, ProbeErrorCode } from '../../../../src/model/evidence.js';
import type { Finding } from '../../../../src/model/finding.js';
import { idOf, judged, onAddress } from '../../../helpers/findings.js';

const title = (f: Finding | undefined) => (f ? renderEntry(f.code, f.params, f.subject).title : '');
const greet = (value: Greeting): Partial<AddressProbe> => ({ greeting: { state: 'ok', value, ms: 1 } });
const failed = (code: ProbeErrorCode, message = 'm'): Partial<AddressProbe> => ({
  greeting: { state: 'failed', error: { code, message }, ms: 1 },
});
const TLS_993 = idOf('tls');
const STARTTLS_143 = idOf('starttls');

describe('imap/greeting', () => {
  it('an OK greeting: GREETING_OK in the greeting stage with the line', () => {
    expect(judged(greetingCheck.run(onAddress('tls')))).toEqual([
      {
        code: 'GREETING_OK',
        stage: 'greeting',
        endpoint: TLS_993,
        params: { line: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.' },
      },
    ]);
  });

  it('PREAUTH and BYE each have their finding; BYE keeps its text and response code', () => {
    expect(
      judged(
        greetingCheck.run(onAddress('tls', greet({ line: '* PREAUTH welcome', kind: 'preauth', text: 'welcome' }))),
      ),
    ).toEqual([
      { code: 'GREETING_PREAUTH', stage: 'greeting', endpoint: TLS_993, params: { line: '* PREAUTH welcome' } },
    ]);
    expect(
      judged(
        greetingCheck.run(
          onAddress('tls', greet({ line: '* BYE [UNAVAILABLE] busy', kind: 'bye', text: 'busy', code: 'UNAVAILABLE' })),
        ),
      ),
    ).toEqual([
      {
        code: 'GREETING_BYE',
        stage: 'greeting',
        endpoint: TLS_993,
        params: { line: '* BYE [UNAVAILABLE] busy', text: 'busy', code: 'UNAVAILABLE' },
      },
    ]);
    const plainBye = greetingCheck.run(
      onAddress('tls', greet({ line: '* BYE go away', kind: 'bye', text: 'go away' })),
    );
    expect(plainBye[0]?.params).toEqual({ line: '* BYE go away', text: 'go away' });
  });

  it('another protocol is GREETING_NOT_IMAP with its kind as data; the catalogue words it', () => {
    const [f] = greetingCheck.run(
      onAddress('starttls', greet({ line: '220 mail.example.com ESMTP Postfix', kind: 'smtp', text: '' })),
    );
    expect(judged([f!])).toEqual([
      {
        code: 'GREETING_NOT_IMAP',
        stage: 'greeting',
        endpoint: STARTTLS_143,
        params: { line: '220 mail.example.com ESMTP Postfix', protocol: 'smtp' },
      },
    ]);
    expect(title(f)).toBe('imap.example.com:143 is an SMTP (outgoing mail) server, not an IMAP server');
    expect(
      title(greetingCheck.run(onAddress('starttls', greet({ line: 'hello', kind: 'unknown', text: '' })))[0]),
    ).toBe('imap.example.com:143 is something else, not an IMAP server');
  });

  it('silence is GREETING_TIMEOUT with the step timeout; a hang-up or reset is CONN_CLOSED_BEFORE_GREETING', () => {
    expect(judged(greetingCheck.run(onAddress('starttls', failed('TIMEOUT'), { timeoutMs: 7000 })))).toEqual([
      {
        code: 'GREETING_TIMEOUT',
        stage: 'greeting',
        endpoint: STARTTLS_143,
        params: { timeoutMs: 7000, tlsTried: false },
      },
    ]);
    for (const code of ['CLOSED', 'RESET'] as const) {
      expect(judged(greetingCheck.run(onAddress('starttls', failed(code, 'socket closed'))))).toEqual([
        {
          code: 'CONN_CLOSED_BEFORE_GREETING',
          stage: 'greeting',
          endpoint: STARTTLS_143,
          params: { error: 'socket closed' },
        },
      ]);
    }
  });

  it('a broken greeting is IMAP_PROTOCOL_ERROR naming the greeting; the catalogue words it', () => {
    const broken = greetingCheck.run(onAddress('starttls', failed('PROTOCOL_ERROR', 'not an untagged line')));
    expect(judged(broken)).toEqual([
      {
        code: 'IMAP_PROTOCOL_ERROR',
        stage: 'greeting',
        endpoint: STARTTLS_143,
        params: { command: 'greeting', error: 'not an untagged line' },
      },
    ]);
    expect(title(broken[0])).toBe('imap.example.com:143 did not answer the greeting properly');
  });

  it('nothing for a step the deadline or Ctrl-C cut, or a probe imap-doctor crashed in', () => {
    for (const code of ['ABORTED', 'INTERNAL'] as const)
      expect(greetingCheck.run(onAddress('starttls', failed(code)))).toEqual([]);
  });

  it('silence on a port that speaks TLS is left to transport/port-mode; silence where TLS was tried and failed is still GREETING_TIMEOUT', () => {
    const tlsWorks = {
      modeCheck: { tried: 'tls' as const, outcome: { state: 'ok' as const, value: { tlsProtocol: 'TLSv1.3' }, ms: 1 } },
    };
    expect(greetingCheck.run(onAddress('starttls', { ...failed('TIMEOUT'), ...tlsWorks }))).toEqual([]);
    const tlsFailed = {
      modeCheck: {
        tried: 'tls' as const,
        outcome: { state: 'failed' as const, error: { code: 'TIMEOUT' as const, message: 't' }, ms: 1 },
      },
    };
    expect(
      judged(greetingCheck.run(onAddress('starttls', { ...failed('TIMEOUT'), ...tlsFailed }, { timeoutMs: 5000 }))),
    ).toEqual([
      {
        code: 'GREETING_TIMEOUT',
        stage: 'greeting',
        endpoint: STARTTLS_143,
        params: { timeoutMs: 5000, tlsTried: true },
      },
    ]);
  });

  it('TLS bytes instead of a greeting: a protocol error naming what came, unless the port-mode check tried the other mode', () => {
    const tlsBytes = greet({ line: '\u0016\u0003\u0003', kind: 'tls', text: '' });
    const [f] = greetingCheck.run(onAddress('starttls', tlsBytes));
    expect(judged([f!])).toEqual([
      {
        code: 'IMAP_PROTOCOL_ERROR',
        stage: 'greeting',
        endpoint: STARTTLS_143,
        params: { command: 'greeting', got: 'tls' },
      },
    ]);
    expect(renderEntry(f!.code, f!.params, f!.subject).explanation).toContain(
      'the server sent TLS data instead of a greeting',
    );
    const explained = {
      ...tlsBytes,
      modeCheck: { tried: 'tls' as const, outcome: { state: 'ok' as const, value: { tlsProtocol: 'TLSv1.3' }, ms: 1 } },
    };
    expect(greetingCheck.run(onAddress('starttls', explained))).toEqual([]);
  });

  it('one finding per address, naming the address when the endpoint has several', () => {
    const ctx = onAddress('tls');
    const e = ctx.endpoints[0]!;
    const second = {
      ...e.addresses[0]!,
      address: '192.0.2.11',
      greeting: { state: 'failed' as const, error: { code: 'TIMEOUT' as const, message: 't' }, ms: 1 },
    };
    const fs = greetingCheck.run({ ...ctx, endpoints: [{ ...e, addresses: [e.addresses[0]!, second] }] });
    expect(fs.map((f) => [f.code, f.subject.address])).toEqual([
      ['GREETING_OK', '192.0.2.10'],
      ['GREETING_TIMEOUT', '192.0.2.11'],
    ]);
  });
});
