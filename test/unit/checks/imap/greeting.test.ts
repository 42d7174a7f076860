/**
 * The pre-login conversation checks on hand-built evidence: the greeting, STARTTLS, a password
 * allowed before TLS, and the wrong security for the port (TLS on a plaintext port, plaintext on 993).
 */
import { describe, expect, it } from 'vitest';
import { greetingCheck } from '../../../../src/checks/imap/greeting.js';
import { plaintextLoginCheck } from '../../../../src/checks/imap/plaintext-login.js';
import { starttlsCheck } from '../../../../src/checks/imap/starttls.js';
import { portModeCheck } from '../../../../src/checks/transport/port-mode.js';
import { renderEntry } from '../../../../src/catalogue/index.js';
import type { AddressProbe, Greeting, Security } from '../../../../src/model/evidence.js';
import type { Finding } from '../../../../src/model/finding.js';
import { addressProbe, candidate, context, endpoint, greeting } from '../../../helpers/evidence.js';

const PORT: Record<Security, number> = { tls: 993, starttls: 143, plain: 143 };
const on = (security: Security, over: Partial<AddressProbe>) => context([endpoint(candidate('imap.example.com', PORT[security], security), { addresses: [addressProbe(security, over)] })]);
const codes = (fs: Finding[]) => fs.map((f) => f.code);
const title = (f: Finding | undefined) => (f ? renderEntry(f.code, f.params, f.subject).title : '');
const greet = (kind: Greeting['kind'], line: string): Partial<AddressProbe> => ({ greeting: { state: 'ok', value: { line, kind, text: '' }, ms: 1 } });

describe('imap/greeting', () => {
  it('an OK greeting, PREAUTH and BYE each have their finding', () => {
    expect(codes(greetingCheck.run(on('tls', {})))).toEqual(['GREETING_OK']);
    expect(codes(greetingCheck.run(on('tls', greet('preauth', '* PREAUTH welcome'))))).toEqual(['GREETING_PREAUTH']);
    const bye = greetingCheck.run(on('tls', { greeting: { state: 'ok', value: { line: '* BYE [UNAVAILABLE] busy', kind: 'bye', text: 'busy', code: 'UNAVAILABLE' }, ms: 1 } }));
    expect(bye.map((f) => [f.code, f.params.code])).toEqual([['GREETING_BYE', 'UNAVAILABLE']]);
  });

  it('another protocol is named by its kind; the catalogue words it', () => {
    const [f] = greetingCheck.run(on('starttls', greet('smtp', '220 mail.example.com ESMTP Postfix')));
    expect(f?.code).toBe('GREETING_NOT_IMAP');
    expect(f?.params).toEqual({ line: '220 mail.example.com ESMTP Postfix', protocol: 'smtp' });
    expect(title(f)).toBe('imap.example.com:143 is an SMTP (outgoing mail) server, not an IMAP server');
    expect(title(greetingCheck.run(on('starttls', greet('unknown', 'hello')))[0])).toBe('imap.example.com:143 is something else, not an IMAP server');
  });

  it('silence, a hang-up and a broken greeting; nothing for a step the deadline cut', () => {
    const failed = (code: 'TIMEOUT' | 'CLOSED' | 'PROTOCOL_ERROR' | 'ABORTED') => on('starttls', { greeting: { state: 'failed', error: { code, message: 'm' }, ms: 1 } });
    expect(codes(greetingCheck.run(failed('TIMEOUT')))).toEqual(['GREETING_TIMEOUT']);
    expect(codes(greetingCheck.run(failed('CLOSED')))).toEqual(['CONN_CLOSED_BEFORE_GREETING']);
    const broken = greetingCheck.run(failed('PROTOCOL_ERROR'));
    expect(broken.map((f) => [f.code, f.params.command])).toEqual([['IMAP_PROTOCOL_ERROR', 'greeting']]);
    expect(title(broken[0])).toBe('imap.example.com:143 did not answer the greeting properly');
    expect(greetingCheck.run(failed('ABORTED'))).toEqual([]);
  });

  it('TLS bytes instead of a greeting: a protocol error unless the port-mode check explains it', () => {
    const [f] = greetingCheck.run(on('starttls', greet('tls', '\u0016\u0003\u0003')));
    expect(f?.params).toEqual({ command: 'greeting', got: 'tls' });
    expect(renderEntry(f!.code, f!.params, f!.subject).explanation).toContain('the server sent TLS data instead of a greeting');
    expect(greetingCheck.run(on('starttls', { ...greet('tls', '\u0016'), modeCheck: { tried: 'tls', outcome: { state: 'ok', value: { tlsProtocol: 'TLSv1.3' }, ms: 1 } } }))).toEqual([]);
  });
});

describe('imap/starttls', () => {
  const reply = (status: 'OK' | 'NO' | 'BAD', advertised: boolean, injectedBytes = 0): Partial<AddressProbe> => ({
    starttls: { state: 'ok', value: { advertised, response: { status, text: 't', line: `a2 ${status} t` }, injectedBytes, ...(injectedBytes ? { injectedSample: '* OK x' } : {}) }, ms: 1 },
  });

  it('accepted and advertised: STARTTLS_OK', () => {
    expect(codes(starttlsCheck.run(on('starttls', {})))).toEqual(['STARTTLS_OK']);
  });

  it('refused when advertised is STARTTLS_REJECTED; refused and not advertised is STARTTLS_NOT_OFFERED', () => {
    expect(codes(starttlsCheck.run(on('starttls', reply('NO', true))))).toEqual(['STARTTLS_REJECTED']);
    expect(codes(starttlsCheck.run(on('starttls', reply('BAD', false))))).toEqual(['STARTTLS_NOT_OFFERED']);
  });

  it('accepted without being advertised, and bytes injected after the OK', () => {
    expect(codes(starttlsCheck.run(on('starttls', reply('OK', false))))).toEqual(['STARTTLS_NOT_ADVERTISED', 'STARTTLS_OK']);
    const injected = starttlsCheck.run(on('starttls', reply('OK', true, 6)));
    expect(injected.map((f) => [f.code, f.params.bytes])).toEqual([['STARTTLS_INJECTION', 6]]);
  });

  it('no tagged answer is a protocol error naming STARTTLS; a step the deadline cut says nothing', () => {
    const silent = starttlsCheck.run(on('starttls', { starttls: { state: 'failed', error: { code: 'TIMEOUT', message: 'no answer' }, ms: 1 } }));
    expect(silent.map((f) => [f.code, f.params.command])).toEqual([['IMAP_PROTOCOL_ERROR', 'STARTTLS']]);
    expect(starttlsCheck.run(on('starttls', { starttls: { state: 'failed', error: { code: 'ABORTED', message: 'stopped' }, ms: 1 } }))).toEqual([]);
  });
});

describe('imap/plaintext-login', () => {
  it('a plaintext connection without LOGINDISABLED takes a password before TLS', () => {
    const open = plaintextLoginCheck.run(on('starttls', { capability: { state: 'ok', value: ['IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN'], ms: 1 } }));
    expect(open.map((f) => [f.code, f.params.mechanisms])).toEqual([['PLAINTEXT_LOGIN_ALLOWED', ['PLAIN']]]);
  });

  it('LOGINDISABLED, implicit TLS, or no capabilities: nothing to say', () => {
    expect(plaintextLoginCheck.run(on('starttls', {}))).toEqual([]);
    expect(plaintextLoginCheck.run(on('tls', {}))).toEqual([]);
    expect(plaintextLoginCheck.run(on('starttls', { capability: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 } }))).toEqual([]);
  });
});

describe('transport/port-mode', () => {
  it('TLS spoken to a port that greets in plain text: TLS_ON_PLAINTEXT_PORT with the greeting', () => {
    const fs = portModeCheck.run(
      on('tls', { tls: { state: 'failed', error: { code: 'TLS_NOT_TLS', message: 'wrong version number' }, ms: 1 }, modeCheck: { tried: 'plaintext', outcome: { state: 'ok', value: { greeting: greeting('* OK IMAP ready') }, ms: 1 } } }),
    );
    expect(fs.map((f) => [f.code, f.params.greeting, f.params.greetingKind])).toEqual([['TLS_ON_PLAINTEXT_PORT', '* OK IMAP ready', 'ok']]);
  });

  it('plaintext met with silence on a port that speaks TLS: PLAINTEXT_ON_TLS_PORT', () => {
    const fs = portModeCheck.run(on('starttls', { modeCheck: { tried: 'tls', outcome: { state: 'ok', value: { tlsProtocol: 'TLSv1.3' }, ms: 1 } } }));
    expect(fs.map((f) => [f.code, f.params.tlsProtocol])).toEqual([['PLAINTEXT_ON_TLS_PORT', 'TLSv1.3']]);
  });

  it('no other mode tried, or it failed too: nothing', () => {
    expect(portModeCheck.run(on('tls', {}))).toEqual([]);
    expect(portModeCheck.run(on('tls', { modeCheck: { tried: 'plaintext', outcome: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 } } }))).toEqual([]);
  });
});
