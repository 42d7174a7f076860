import { describe, expect, it } from 'vitest';
import {
  authMechanisms,
  capabilitiesFrom,
  hasCap,
  parseGreeting,
  parseTagged,
} from '../../../src/probes/imap-parse.js';

describe('parseGreeting', () => {
  it('reads an OK greeting with capabilities, keeping their spelling', () => {
    const g = parseGreeting('* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN] Dovecot ready.\r\n');
    expect(g).toEqual({
      line: '* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN] Dovecot ready.',
      kind: 'ok',
      text: 'Dovecot ready.',
      code: 'CAPABILITY',
      capabilities: ['IMAP4rev1', 'SASL-IR', 'STARTTLS', 'AUTH=PLAIN'],
    });
  });

  it.each([
    ['* PREAUTH IMAP4rev1 server logged in as alice', 'preauth'],
    ['* BYE [UNAVAILABLE] Too many connections', 'bye'],
    ['+OK Dovecot ready.', 'pop3'],
    ['220 mail.example.com ESMTP Postfix', 'smtp'],
    ['220 ProFTPD Server (ftp.example.com)', 'ftp'],
    ['HTTP/1.1 400 Bad Request', 'http'],
    ['SSH-2.0-OpenSSH_9.2p1 Debian-2', 'ssh'],
    ['hello there', 'unknown'],
  ])('%s → %s', (line, kind) => expect(parseGreeting(`${line}\r\n`).kind).toBe(kind));

  it('keeps the BYE code and text', () => {
    expect(parseGreeting('* BYE [UNAVAILABLE] Too many connections')).toMatchObject({
      code: 'UNAVAILABLE',
      text: 'Too many connections',
    });
  });

  it('recognises TLS records (a TLS server answering a plaintext client)', () => {
    expect(parseGreeting(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])).kind).toBe('tls');
  });

  it('replaces control characters and caps the length', () => {
    const g = parseGreeting(`* OK \u001b[31m${'x'.repeat(2000)}\r\n`);
    expect(g.line).not.toMatch(/\u001b/);
    expect(g.line.length).toBeLessThanOrEqual(512);
  });
});

describe('tagged replies and capabilities', () => {
  it('parses status, response code and text', () => {
    expect(parseTagged('a1 NO [AUTHENTICATIONFAILED] Authentication failed.', 'a1')).toEqual({
      status: 'NO',
      code: 'AUTHENTICATIONFAILED',
      text: 'Authentication failed.',
      line: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.',
    });
    expect(parseTagged("a2 bad TLS support isn't enabled.", 'a2')).toMatchObject({
      status: 'BAD',
      text: "TLS support isn't enabled.",
    });
    expect(parseTagged('a10 OK done', 'a1')).toBeNull();
    expect(parseTagged('* OK untagged', 'a1')).toBeNull();
  });

  it('reads capabilities from untagged data or the OK code', () => {
    expect(capabilitiesFrom(['* CAPABILITY IMAP4rev2 AUTH=PLAIN'])).toEqual(['IMAP4rev2', 'AUTH=PLAIN']);
    expect(capabilitiesFrom([], parseTagged('a1 OK [CAPABILITY IMAP4rev1 IDLE] done', 'a1') ?? undefined)).toEqual([
      'IMAP4rev1',
      'IDLE',
    ]);
    expect(capabilitiesFrom(['* OK still here'])).toBeNull();
  });

  it('compares capability names case-insensitively (RFC 9051 §7.2.2)', () => {
    expect(hasCap(['imap4rev1', 'starttls'], 'STARTTLS')).toBe(true);
    expect(hasCap(['IMAP4rev1'], 'LOGINDISABLED')).toBe(false);
    expect(authMechanisms(['auth=plain', 'AUTH=XOAUTH2', 'IDLE'])).toEqual(['PLAIN', 'XOAUTH2']);
  });
});
