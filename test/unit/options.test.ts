/**
 * --reference as typed: host, host:port, [IPv6]:port or a bare IPv6 address, normalised (IDN to
 * ASCII, lower case), shown back the same way; anything else a one-line error naming the value.
 * And the reference host is exempt under --no-private, like every host the user names.
 */
import { describe, expect, it } from 'vitest';
import { addressPolicy, defaultRunOptions, parseReference, referenceText } from '../../src/options.js';
import { refusedAddress } from '../../src/util/ip.js';

describe('parseReference', () => {
  it('reads host, host:port, [v6]:port and a bare IPv6 address (default port 993)', () => {
    expect(parseReference('imap.example.net:143')).toEqual({ host: 'imap.example.net', port: 143 });
    expect(parseReference('IMAP.Example.NET')).toEqual({ host: 'imap.example.net', port: 993 });
    expect(parseReference('198.51.100.7:993')).toEqual({ host: '198.51.100.7', port: 993 });
    expect(parseReference('[2001:DB8::7]:1993')).toEqual({ host: '2001:db8::7', port: 1993 });
    expect(parseReference('2001:db8::7')).toEqual({ host: '2001:db8::7', port: 993 });
    expect(parseReference('bücher.example:993')).toEqual({ host: 'xn--bcher-kva.example', port: 993 });
  });

  it('rejects what is not a server with a clear one-line error', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /no valid host name/],
      [':993', /no valid host name/],
      ['imap.example.net:', /no port between 1 and 65535/],
      ['imap.example.net:0', /no port between 1 and 65535/],
      ['imap.example.net:65536', /no port between 1 and 65535/],
      ['imap.example.net:imaps', /no port between 1 and 65535/],
      ['user@imap.example.net:993', /no valid host name/],
      ['https://imap.example.net', /no valid host name|no port/],
      ['[2001:db8::7:993', /no valid host name|no port/],
    ];
    for (const [value, why] of cases) {
      expect(() => parseReference(value), value).toThrow(why);
      expect(() => parseReference(value)).toThrow(/^--reference ".*" .*\(expected e\.g\. imap\.example\.net:993/);
    }
  });

  it('is shown as typed: host:port, IPv6 in brackets', () => {
    expect(referenceText(parseReference('imap.example.net'))).toBe('imap.example.net:993');
    expect(referenceText(parseReference('2001:db8::7'))).toBe('[2001:db8::7]:993');
  });

  it('is a host the user named: exempt under --no-private', () => {
    const o = defaultRunOptions('a@example.com', { noPrivate: true, reference: parseReference('mail.lan:993') });
    expect(refusedAddress(addressPolicy(o), 'mail.lan', '192.168.1.5')).toBe(false);
    expect(refusedAddress(addressPolicy(o), 'other.lan', '192.168.1.5')).toBe(true);
  });
});
