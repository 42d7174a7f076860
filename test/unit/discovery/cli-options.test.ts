/**
 * The discovery options: commander parses them (bad values are usage errors), and
 * discoveryOptionsFrom maps them to RunOptions with the same rules, throwing one-line Errors.
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { addDiscoveryOptions, discoveryOptionsFrom } from '../../../src/discovery/cli-options.js';

function parse(argv: string[]): Record<string, unknown> {
  const p = addDiscoveryOptions(
    new Command('t').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined }),
  );
  p.parse(argv, { from: 'user' });
  return p.opts();
}

describe('discovery options', () => {
  it('maps every option to RunOptions', () => {
    const o = parse([
      '--dns',
      '192.0.2.53',
      '--dns',
      '[2001:db8::53]:5353',
      '--ispdb-url',
      'https://ispdb.example/v1.1/',
      '--send-address',
      '--guess',
      '--max-endpoints',
      '3',
      '--trust-host',
      'IMAP.Hoster.NET',
      '--trust-host',
      'imap.hoster.net',
    ]);
    expect(discoveryOptionsFrom(o)).toEqual({
      dnsServers: ['192.0.2.53:53', '[2001:db8::53]:5353'],
      ispdbUrl: 'https://ispdb.example/v1.1/',
      sendAddress: true,
      guess: true,
      maxEndpoints: 3,
      trustHosts: ['imap.hoster.net'],
    });
    expect(discoveryOptionsFrom(parse(['--no-ispdb']))).toEqual({ ispdb: false });
    expect(discoveryOptionsFrom(parse([]))).toEqual({});
  });

  it.each([
    [['--dns', 'dns.example'], /invalid DNS server "dns.example"/],
    [['--dns', '192.0.2.1:99999'], /out of range/],
    [['--ispdb-url', 'ftp://x/'], /must be an http/],
    [['--ispdb-url', 'not a url'], /is not a URL/],
    [['--max-endpoints', '0'], /between 1 and 64/],
    [['--max-endpoints', 'many'], /whole number/],
    [['--trust-host', 'bad host'], /not a valid host name/],
  ])('%j is a usage error', (argv, message) => {
    let err: unknown;
    try {
      parse(argv as string[]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CommanderError);
    expect((err as Error).message).toMatch(message);
  });

  it('discoveryOptionsFrom throws a one-line Error for raw bad values', () => {
    expect(() => discoveryOptionsFrom({ dns: ['nope'] })).toThrow(/^--dns: invalid DNS server "nope"/);
    expect(() => discoveryOptionsFrom({ maxEndpoints: '100' })).toThrow('--max-endpoints must be between 1 and 64');
    expect(() => discoveryOptionsFrom({ ispdbUrl: 'https://user:pw@x/' })).toThrow(/must not carry a user name/);
  });
});
