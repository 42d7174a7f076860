/**
 * Merging, ranking and trust grading of candidates (pure): every source kept per (host, port,
 * security), rank classes published > MX-derived > plain HTTP > guessed, RFC 8314 SRV order,
 * trust from the channel or the registrable domain, --trust-host, guesses only when needed.
 */
import { describe, expect, it } from 'vitest';
import { buildCandidates, firstChoices, securityForUnknown } from '../../../src/discovery/candidates.js';
import { insideDomain, registrableDomain } from '../../../src/discovery/domain.js';
import { DEFAULTS } from '../../../src/options.js';
import type { SourceResult } from '../../../src/model/discovery.js';
import { source } from '../../helpers/discovery.js';

const opts = { domain: 'example.com', trustHosts: [] as string[], guess: false, ports: { ...DEFAULTS.imapPorts } };
/** An SRV source whose servers carry these record priorities, in order. */
const priorities = <T extends SourceResult>(s: T, ...p: number[]): T => ({
  ...s,
  servers: s.servers.map((x, i) => ({ ...x, priority: p[i] })),
});
const ids = (r: ReturnType<typeof buildCandidates>) => r.candidates.map((c) => `${c.host}:${c.port}/${c.security}`);

describe('registrable domains', () => {
  it('uses the Public Suffix List, private suffixes included', () => {
    expect(registrableDomain('imap.mail.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('alice.github.io')).toBe('alice.github.io');
    expect(insideDomain('imap.example.com', 'sub.example.com')).toBe(true);
    expect(insideDomain('example.com', 'example.com')).toBe(true);
    expect(insideDomain('imap.example.com.evil.net', 'example.com')).toBe(false);
    expect(insideDomain('badexample.com', 'example.com')).toBe(false);
    expect(insideDomain('192.0.2.1', 'example.com')).toBe(false);
  });
});

describe('buildCandidates', () => {
  it('merges by (host, port, security), keeps every source, ranks published > MX > HTTP', () => {
    const r = buildCandidates(
      [
        source('srv-imaps', { trust: 'trusted', trustReason: 'inside-domain' }, ['imap imap.example.com:993/tls']),
        source('autoconfig-http', {}, ['imap imap.example.com:143/starttls']),
        source('mx-ispdb', { trustReason: 'ispdb-via-mx' }, ['imap imap.hoster.net:993/tls']),
        source('autoconfig', {}, ['imap imap.example.com:993/tls', 'pop3 pop.example.com:995/tls']),
        source('ispdb', { trustReason: 'ispdb' }, ['imap imap.example.com:993/tls']),
      ],
      opts,
    );
    expect(ids(r)).toEqual(['imap.example.com:993/tls', 'imap.hoster.net:993/tls', 'imap.example.com:143/starttls']);
    expect(r.candidates.map((c) => c.provenance)).toEqual(['published', 'mx', 'insecure']);
    expect(r.candidates[0]?.sources.map((s) => s.source)).toEqual(['autoconfig', 'ispdb', 'srv-imaps']);
    expect(r.guessed).toBe(false);
  });

  it('grades trust: channel or inside the domain; plain HTTP and off-domain SRV targets are unverified', () => {
    const r = buildCandidates(
      [
        source('autoconfig-http', {}, ['imap imap.hoster.net:993/tls', 'imap mail.example.com:993/tls']),
        source('srv-imaps', { trust: 'unverified', trustReason: 'srv-outside-domain' }, [
          'imap imap.srvhost.net:993/tls',
        ]),
        source('autoconfig', {}, ['imap imap.https-hoster.net:993/tls']),
      ],
      { ...opts, trustHosts: ['imap.srvhost.net'] },
    );
    const by = (h: string) => r.candidates.find((c) => c.host === h);
    expect(by('imap.https-hoster.net')).toMatchObject({ trust: 'trusted', sources: [{ trustReason: 'https-domain' }] });
    expect(by('imap.srvhost.net')).toMatchObject({
      trust: 'unverified',
      userTrusted: true,
      sources: [{ trustReason: 'srv-outside-domain' }],
    });
    expect(by('imap.hoster.net')).toMatchObject({
      trust: 'unverified',
      userTrusted: false,
      sources: [{ trustReason: 'http' }],
    });
    expect(by('mail.example.com')).toMatchObject({ trust: 'trusted', sources: [{ trustReason: 'inside-domain' }] });
  });

  it('a DNSSEC-authenticated SRV target outside the domain is trusted', () => {
    const r = buildCandidates([source('srv-imaps', { authenticated: true }, ['imap imap.hoster.net:993/tls'])], opts);
    expect(r.candidates[0]).toMatchObject({ trust: 'trusted', sources: [{ trustReason: 'dnssec' }] });
  });

  it('orders SRV by priority, implicit TLS first at equal priority (RFC 8314 §5.1)', () => {
    const r = buildCandidates(
      [
        priorities(source('srv-imaps', {}, ['imap b.example.com:993/tls']), 10),
        priorities(
          source('srv-imap', {}, ['imap a.example.com:143/starttls', 'imap c.example.com:143/starttls']),
          0,
          10,
        ),
      ],
      opts,
    );
    expect(ids(r)).toEqual(['a.example.com:143/starttls', 'b.example.com:993/tls', 'c.example.com:143/starttls']);
  });

  it('decides an unknown socket type by port and puts plain candidates last in their class', () => {
    expect(securityForUnknown(993)).toBe('tls');
    expect(securityForUnknown(143)).toBe('starttls');
    const r = buildCandidates(
      [
        source('autoconfig', {}, [
          'imap plain.example.com:143/plain',
          'imap x.example.com:993/unknown',
          'imap y.example.com:10143/unknown',
        ]),
      ],
      opts,
    );
    expect(ids(r)).toEqual(['x.example.com:993/tls', 'y.example.com:10143/starttls', 'plain.example.com:143/plain']);
  });

  it('adds the guesses when nothing usable was published, or with --guess, never duplicating', () => {
    const none = buildCandidates([source('autoconfig', { status: 'invalid' })], opts);
    expect(none.guessed).toBe(true);
    expect(ids(none)).toEqual([
      'imap.example.com:993/tls',
      'mail.example.com:993/tls',
      'example.com:993/tls',
      'imap.example.com:143/starttls',
      'mail.example.com:143/starttls',
      'example.com:143/starttls',
    ]);
    expect(none.candidates.every((c) => c.provenance === 'guess' && c.trust === 'trusted')).toBe(true);
    const both = buildCandidates([source('autoconfig', {}, ['imap imap.example.com:993/tls'])], {
      ...opts,
      guess: true,
    });
    expect(both.candidates).toHaveLength(6);
    expect(both.candidates[0]).toMatchObject({
      provenance: 'published',
      sources: [{ source: 'autoconfig' }, { source: 'guess' }],
    });
  });

  it('POP3-only publications skip the guesses unless --guess', () => {
    const pop = [source('ispdb', {}, ['pop3 pop.example.com:995/tls', 'smtp smtp.example.com:587/starttls'])];
    expect(buildCandidates(pop, opts)).toMatchObject({ candidates: [], popOnly: true, guessed: false });
    expect(buildCandidates(pop, { ...opts, guess: true }).candidates).toHaveLength(6);
  });

  it('firstChoices: one per publishing source, SRV counted once, provider knowledge left out', () => {
    const c = firstChoices([
      source('srv-imaps', { facts: { records: ['0 1 993 imap.example.com'] } }, ['imap imap.example.com:993/tls']),
      source('srv-imap', { facts: { records: ['0 1 143 imap.example.com'] } }, ['imap imap.example.com:143/starttls']),
      source('autoconfig', {}, ['imap mail.example.com:143/starttls', 'imap mail.example.com:993/tls']),
      source('mx', {}, ['imap imap.gmail.com:993/tls']),
    ]);
    expect(c.map((x) => `${x.source} ${x.host}:${x.port}`)).toEqual([
      'autoconfig mail.example.com:143',
      'srv-imaps imap.example.com:993',
    ]);
  });
});
