import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, ipVersion, normaliseHost, parseAddress } from '../../src/address.js';

describe('ipVersion', () => {
  it('says what isIP says, for addresses, near-addresses and anything else', () => {
    const samples = [
      '1.2.3.4',
      '::1',
      '::',
      '1::',
      '::ffff:1.2.3.4',
      'fe80::1%eth0',
      '2001:db8::1:2:3:4:5',
      '1.2.3.4:53',
    ];
    for (const s of [...samples, '1.2.3', 'a:b', ':1', 'example.com', '', '[::1]', '1.2.3.256', '01.2.3.4'])
      expect(ipVersion(s), s).toBe(isIP(s));
    const ipish = fc.stringMatching(/^[0-9a-f.:%]{0,20}$/);
    fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), ipish, fc.string()), (s) => ipVersion(s) === isIP(s)));
  });
});

describe('parseAddress', () => {
  it.each([
    ['alice@example.com', 'alice@example.com', 'example.com'],
    ['  Alice.Smith+tag@Example.COM. ', 'Alice.Smith+tag@example.com', 'example.com'],
    ['alice@bücher.example', 'alice@xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['"odd local"@example.org', '"odd local"@example.org', 'example.org'],
    ['ключ@пример.рф', 'ключ@xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai'],
  ])('%s → %s', (input, address, domain) => {
    const a = parseAddress(input);
    expect(a.address).toBe(address);
    expect(a.domain).toBe(domain);
  });

  it('keeps the Unicode form of an IDN domain for display', () => {
    expect(parseAddress('a@bücher.example').unicodeDomain).toBe('bücher.example');
    expect(parseAddress('a@example.com').unicodeDomain).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['not-an-address', /is not an email address/],
    ['@example.com', /is not an email address/],
    ['alice@', /is not an email address/],
    ['alice@localhost', /not a valid mail domain/],
    ['alice@192.0.2.1', /not a valid mail domain/],
    ['alice@exa mple.com', /not a valid mail domain/],
    ['al..ice@example.com', /not a valid name before the @/],
    ['.alice@example.com', /not a valid name before the @/],
    ['a\u0000b@example.com', /not a valid name before the @/],
    [`${'a'.repeat(65)}@example.com`, /longer than 64/],
    ['alice@-bad-.example', /not a valid mail domain/],
  ])('rejects %j with a clear reason', (input, reason) => {
    expect(() => parseAddress(input)).toThrow(InputError);
    expect(() => parseAddress(input)).toThrow(reason);
  });

  it('never echoes control characters in its error', () => {
    try {
      parseAddress('bad\u001b[31m');
    } catch (e) {
      expect((e as Error).message).not.toMatch(/\u001b/);
    }
    expect.assertions(1);
  });
});

describe('normaliseHost', () => {
  it.each([
    ['IMAP.Example.com.', 'imap.example.com'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['192.0.2.1', '192.0.2.1'],
    ['mail.bücher.example', 'mail.xn--bcher-kva.example'],
    ['_imaps._tcp.example.com', '_imaps._tcp.example.com'],
  ])('%s → %s', (input, out) => expect(normaliseHost(input)).toBe(out));

  it.each(['', 'a b', 'host/path', 'user@host', 'a..b', `${'x'.repeat(64)}.com`])('rejects %j', (input) =>
    expect(normaliseHost(input)).toBeNull(),
  );
});
