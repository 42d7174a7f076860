/**
 * The discovery checks from hand-built evidence: each code fires on its exact trigger and stays
 * quiet just outside it — above all, "could not look" is never reported as "nothing published".
 */
import { describe, expect, it } from 'vitest';
import { autoconfigCheck } from '../../../../src/checks/discovery/autoconfig.js';
import { consistencyCheck } from '../../../../src/checks/discovery/consistency.js';
import { dnsCheck } from '../../../../src/checks/discovery/dns.js';
import { nothingFoundCheck } from '../../../../src/checks/discovery/nothing-found.js';
import { providerCheck } from '../../../../src/checks/discovery/provider.js';
import { srvCheck } from '../../../../src/checks/discovery/srv.js';
import type { Check, CheckContext } from '../../../../src/checks/types.js';
import { renderEntry } from '../../../../src/catalogue/index.js';
import type { DiscoveryEvidence, SourceResult } from '../../../../src/model/discovery.js';
import type { DnsStatus, EndpointEvidence } from '../../../../src/model/evidence.js';
import { addressProbe, candidate, context, endpoint } from '../../../helpers/evidence.js';
import { discovery, source, type SourceOver } from '../../../helpers/discovery.js';

const run = (
  check: Check,
  d: DiscoveryEvidence,
  endpoints: EndpointEvidence[] = [],
  over: Partial<CheckContext> = {},
) => {
  const fs = check.run(context(endpoints, { discovery: d, ...over }));
  for (const f of fs) renderEntry(f.code, f.params, f.subject);
  return fs;
};
const codes = (fs: { code: string }[]) => fs.map((f) => f.code);
const dnsSource = (id: 'mx' | 'srv-imaps', status: DnsStatus, over: SourceOver = {}) =>
  source(id, {
    status: 'not-found',
    facts: {
      dnsStatus: status,
      dnsName: id === 'mx' ? 'example.com' : `_${id.slice(4)}._tcp.example.com`,
      dnsServer: '192.0.2.53:53',
    },
    ...over,
  });
const published = (c = candidate('imap.example.com', 993, 'tls'), sources = c.sources) =>
  ({ ...c, provenance: 'published' as const, userTrusted: false, sources }) as typeof c;
const failing = (host: string, port = 993) =>
  endpoint(
    published(candidate(host, port, 'tls'), [
      {
        source: 'autoconfig',
        ref: 'https://autoconfig.example.com/mail/config-v1.1.xml',
        trust: 'trusted',
        trustReason: 'https-domain',
      },
    ]),
    {
      addresses: [
        addressProbe('tls', {
          tcp: { state: 'failed', error: { code: 'REFUSED', message: 'connection refused' }, ms: 1 },
          tls: { state: 'skipped', blockedBy: 'tcp' },
          greeting: { state: 'skipped', blockedBy: 'tcp' },
          capability: { state: 'skipped', blockedBy: 'tcp' },
        }),
      ],
    },
  );

describe('dnsCheck', () => {
  it('NXDOMAIN for the domain: DNS_NXDOMAIN, nothing else', () => {
    const fs = run(
      dnsCheck,
      discovery([dnsSource('mx', 'nxdomain', { status: 'nxdomain' }), dnsSource('srv-imaps', 'nxdomain')]),
    );
    expect(fs).toMatchObject([
      { code: 'DNS_NXDOMAIN', severity: 'error', params: { domain: 'example.com', server: '192.0.2.53:53' } },
    ]);
  });

  it('every lookup failing: one error, unreachable before timeout before SERVFAIL', () => {
    expect(
      codes(
        run(
          dnsCheck,
          discovery([dnsSource('mx', 'timeout', { status: 'timeout' }), dnsSource('srv-imaps', 'unreachable')]),
        ),
      ),
    ).toEqual(['DNS_UNREACHABLE']);
    const t = run(
      dnsCheck,
      discovery([dnsSource('mx', 'timeout', { status: 'timeout' }), dnsSource('srv-imaps', 'servfail')], {
        resolverWorking: false,
      }),
    );
    expect(t).toMatchObject([
      { code: 'DNS_TIMEOUT', severity: 'error', params: { all: true, resolverWorking: false } },
    ]);
    const s = run(dnsCheck, discovery([dnsSource('mx', 'servfail', { status: 'servfail' })]));
    expect(s).toMatchObject([
      {
        code: 'DNS_SERVFAIL',
        severity: 'error',
        params: { status: 'servfail', lookups: ['example.com MX (servfail)'] },
      },
    ]);
  });

  it('some lookups failing is a warning naming them; all answered is silent', () => {
    const fs = run(
      dnsCheck,
      discovery([
        dnsSource('mx', 'records', { status: 'found' }),
        dnsSource('srv-imaps', 'servfail', { status: 'servfail' }),
      ]),
    );
    expect(fs).toMatchObject([
      {
        code: 'DNS_SERVFAIL',
        severity: 'warning',
        params: { all: false, lookups: ['_imaps._tcp.example.com SRV (servfail)'] },
      },
    ]);
    expect(run(dnsCheck, discovery([dnsSource('mx', 'nodata'), dnsSource('srv-imaps', 'nxdomain')]))).toEqual([]);
  });
});

describe('nothingFoundCheck', () => {
  const guess = source('guess', { status: 'found' });
  const deadGuess = endpoint(candidate('imap.example.com', 993, 'tls', { provenance: 'guess' }), {
    resolve: {
      ms: 1,
      via: 'system',
      a: 'nxdomain',
      aaaa: 'nxdomain',
      addresses: [],
      error: { code: 'NXDOMAIN', message: 'x' },
    },
    addresses: [],
  });
  it('fires when nothing was published and no guess answered, naming what could not be checked', () => {
    const fs = run(
      nothingFoundCheck,
      discovery([source('autoconfig'), source('ispdb', { status: 'timeout' }), guess]),
      [deadGuess],
    );
    expect(fs).toMatchObject([
      { code: 'DISCOVERY_NOTHING_FOUND', params: { guesses: ['imap.example.com'], notChecked: ['ispdb'] } },
    ]);
  });
  it('stays quiet when the resolver failed, the domain does not exist, or only POP3 was published', () => {
    expect(run(nothingFoundCheck, discovery([guess], { resolverWorking: false }), [deadGuess])).toEqual([]);
    expect(run(nothingFoundCheck, discovery([source('mx', { status: 'nxdomain' }), guess]), [deadGuess])).toEqual([]);
    expect(
      run(
        nothingFoundCheck,
        discovery([source('ispdb', {}, ['pop3 pop.example.com:995/tls']), source('guess', { status: 'skipped' })]),
        [],
      ),
    ).toEqual([]);
  });
});

describe('srvCheck', () => {
  const srv = (id: 'srv-imaps' | 'srv-imap', records: string[], over: Partial<SourceResult> = {}) =>
    source(
      id,
      {
        facts: {
          dnsName: id === 'srv-imaps' ? '_imaps._tcp.example.com' : '_imap._tcp.example.com',
          dnsStatus: 'records',
          records: records.map((r) => r.split(' ').slice(2).join(' ')),
        },
        ...over,
      },
      records.map((r) => `imap ${r.split(' ')[1]}`),
    );

  it('found, and not published only when both lookups were answered', () => {
    const fs = run(
      srvCheck,
      discovery([srv('srv-imaps', ['x imap.example.com:993/tls 0 1 993 imap.example.com']), source('srv-imap')]),
    );
    expect(codes(fs)).toEqual(['SRV_FOUND']);
    expect(fs[0]?.params.records).toEqual(['_imaps._tcp.example.com SRV 0 1 993 imap.example.com']);
    expect(codes(run(srvCheck, discovery([source('srv-imaps'), source('srv-imap')])))).toEqual(['SRV_NOT_PUBLISHED']);
    expect(run(srvCheck, discovery([source('srv-imaps'), source('srv-imap', { status: 'timeout' })]))).toEqual([]);
  });

  it('"." is information, a warning when another source publishes the very same service', () => {
    const off = source('srv-imap', { status: 'service-disabled', facts: { dnsName: '_imap._tcp.example.com' } });
    expect(
      run(srvCheck, discovery([source('srv-imaps'), off, source('autoconfig', {}, ['imap imap.example.com:993/tls'])])),
    ).toMatchObject([
      { code: 'SRV_SERVICE_DISABLED', severity: 'info', params: { services: ['_imap'], published: [] } },
    ]);
    expect(
      run(
        srvCheck,
        discovery([source('srv-imaps'), off, source('autoconfig', {}, ['imap imap.example.com:143/starttls'])]),
      ),
    ).toMatchObject([{ severity: 'warning', params: { published: ['imap.example.com:143/starttls'] } }]);
  });

  it('a target outside the domain: a warning, information once the user or a trusted source vouches', () => {
    const s = srv('srv-imaps', ['x imap.hoster.net:993/tls 0 1 993 imap.hoster.net']);
    const fs = run(srvCheck, discovery([s]));
    expect(fs.find((f) => f.code === 'SRV_TARGET_OUTSIDE_DOMAIN')).toMatchObject({
      severity: 'warning',
      params: { target: 'imap.hoster.net', trustedElsewhere: false, userTrusted: false },
    });
    const e = endpoint(
      candidate('imap.hoster.net', 993, 'tls', { provenance: 'published', trust: 'unverified', userTrusted: true }),
    );
    expect(run(srvCheck, discovery([s]), [e]).find((f) => f.code === 'SRV_TARGET_OUTSIDE_DOMAIN')?.severity).toBe(
      'info',
    );
    expect(run(srvCheck, discovery([{ ...s, authenticated: true }])).map((f) => f.code)).toEqual(['SRV_FOUND']);
  });

  it('a broken target: an alias, no address, or a port that fails — with the working endpoint to publish', () => {
    const alias = srv('srv-imaps', ['x imap.example.com:993/tls 0 1 993 imap.example.com'], {});
    alias.facts = { ...alias.facts, targetCnames: [{ target: 'imap.example.com', chain: ['host.example.com'] }] };
    expect(run(srvCheck, discovery([alias])).find((f) => f.code === 'SRV_TARGET_BROKEN')?.params).toMatchObject({
      reason: 'cname',
      detail: 'imap.example.com → host.example.com',
    });

    const dead = srv('srv-imaps', ['x mail.example.com:993/tls 0 1 993 mail.example.com']);
    const good = endpoint(published(), {}, 1);
    const fs = run(srvCheck, discovery([dead]), [failing('mail.example.com'), good]);
    expect(fs.find((f) => f.code === 'SRV_TARGET_BROKEN')).toMatchObject({
      endpoint: 'mail.example.com:993/tls',
      params: { reason: 'port-fails', detail: 'connection refused', working: 'imap.example.com:993/tls' },
    });
    const noAddr = endpoint(candidate('mail.example.com', 993, 'tls', { provenance: 'published' }), {
      resolve: {
        ms: 1,
        via: 'x',
        a: 'nxdomain',
        aaaa: 'nxdomain',
        addresses: [],
        error: { code: 'NXDOMAIN', message: 'no such name' },
      },
      addresses: [],
    });
    expect(run(srvCheck, discovery([dead]), [noAddr]).find((f) => f.code === 'SRV_TARGET_BROKEN')?.params.reason).toBe(
      'no-address',
    );
    expect(
      run(srvCheck, discovery([dead]), [endpoint(candidate('mail.example.com', 993, 'tls'))]).map((f) => f.code),
    ).toEqual(['SRV_FOUND']);
  });

  it('a broken target carries data, not words: no address, a greeting that is not IMAP, no session', () => {
    const dead = srv('srv-imaps', ['x mail.example.com:993/tls 0 1 993 mail.example.com']);
    const broken = (eps: EndpointEvidence[], s = dead) =>
      run(srvCheck, discovery([s]), eps).find((f) => f.code === 'SRV_TARGET_BROKEN');
    const none = srv('srv-imaps', ['x mail.example.com:993/tls 0 1 993 mail.example.com']);
    none.facts = { ...none.facts, targetsWithoutAddress: ['mail.example.com'] };
    expect(broken([], none)?.params).toEqual({
      domain: 'example.com',
      record: '_imaps._tcp.example.com',
      target: 'mail.example.com',
      port: 993,
      reason: 'no-address',
    });
    const smtp = endpoint(candidate('mail.example.com', 993, 'tls', { provenance: 'published' }), {
      addresses: [
        addressProbe('tls', {
          greeting: {
            state: 'ok',
            value: { line: '220 mail.example.com ESMTP', kind: 'smtp', text: 'mail.example.com ESMTP' },
            ms: 1,
          },
          capability: { state: 'skipped', blockedBy: 'greeting' },
        }),
      ],
    });
    const f = broken([smtp]);
    expect(f?.params).toMatchObject({ reason: 'port-fails', greeting: '220 mail.example.com ESMTP' });
    expect(f?.params).not.toHaveProperty('detail');
    if (f)
      expect(renderEntry(f.code, f.params, f.subject).explanation).toContain(
        'port 993 (greeting: 220 mail.example.com ESMTP).',
      );
  });
});

describe('autoconfigCheck', () => {
  it('found files, ISPDB entries and Autodiscover answers', () => {
    const fs = run(
      autoconfigCheck,
      discovery([
        source('autoconfig', {}, ['imap imap.example.com:993/tls']),
        source('mx-ispdb', {}, ['imap imap.hoster.net:993/tls']),
        source('autodiscover', {}, ['imap imap.example.com:993/tls']),
      ]),
    );
    expect(codes(fs)).toEqual(['AUTOCONFIG_FOUND', 'ISPDB_FOUND', 'AUTODISCOVER_FOUND']);
    expect(fs[1]?.params).toMatchObject({ lookup: 'hoster.net', viaMx: true, servers: ['imap.hoster.net:993/tls'] });
  });

  it('plain HTTP is flagged only when no HTTPS file was found, or HTTPS was redirected to HTTP', () => {
    const http = source('autoconfig-http', {}, ['imap imap.example.com:993/tls']);
    expect(
      run(autoconfigCheck, discovery([http])).find((f) => f.code === 'AUTOCONFIG_INSECURE_HTTP')?.params.reason,
    ).toBe('http-only');
    expect(
      run(autoconfigCheck, discovery([http, source('autoconfig', {}, ['imap imap.example.com:993/tls'])])).map(
        (f) => f.code,
      ),
    ).not.toContain('AUTOCONFIG_INSECURE_HTTP');
    const down = source('autoconfig', { trust: 'unverified', trustReason: 'redirect-to-http' }, [
      'imap imap.example.com:993/tls',
    ]);
    expect(
      run(autoconfigCheck, discovery([down])).find((f) => f.code === 'AUTOCONFIG_INSECURE_HTTP')?.params.reason,
    ).toBe('redirect-to-http');
  });

  it('unusable files: a warning, a note for the website answering .well-known with a page', () => {
    const bad = run(
      autoconfigCheck,
      discovery([
        source('autoconfig', { status: 'invalid', invalid: { reason: 'html', detail: '<html> root element' } }),
      ]),
    );
    expect(bad).toMatchObject([
      { code: 'AUTOCONFIG_INVALID', severity: 'warning', params: { reason: 'html', usable: false } },
    ]);
    const site = run(
      autoconfigCheck,
      discovery([source('autoconfig-wellknown', { status: 'invalid', invalid: { reason: 'html' } })]),
    );
    expect(site[0]?.severity).toBe('info');
    const trunc = run(
      autoconfigCheck,
      discovery([source('autoconfig-wellknown', { status: 'invalid', invalid: { reason: 'not-xml' } })]),
    );
    expect(trunc[0]?.severity).toBe('warning');
  });

  it('defects in a used file name the field and how the server was probed', () => {
    const s = source('autoconfig', {
      problems: [{ code: 'unknown-socket-type', where: 'incomingServer[0].socketType', value: 'TLS' }],
    });
    s.status = 'found';
    s.servers = [
      { protocol: 'imap', type: 'imap', host: 'imap.example.com', port: 993, security: 'unknown', rawSecurity: 'TLS' },
    ];
    const fs = run(autoconfigCheck, discovery([s])).filter((f) => f.code === 'AUTOCONFIG_INVALID');
    expect(fs).toMatchObject([
      { severity: 'warning', params: { reason: 'unknown-socket-type', value: 'TLS', probedAs: 'tls', usable: true } },
    ]);
  });

  it('a certificate failure while fetching settings', () => {
    const fs = run(
      autoconfigCheck,
      discovery([
        source('autoconfig', {
          status: 'tls-error',
          error: { code: 'HTTP_TLS', message: 'x', rawCode: 'CERT_HAS_EXPIRED' },
        }),
        source('autodiscover', { status: 'tls-error' }),
      ]),
    );
    expect(fs).toMatchObject([
      {
        code: 'AUTOCONFIG_TLS_ERROR',
        severity: 'warning',
        params: { host: 'autoconfig.example.com', error: 'CERT_HAS_EXPIRED' },
      },
      { code: 'AUTOCONFIG_TLS_ERROR', severity: 'info' },
    ]);
  });
});

describe('providerCheck', () => {
  it('names the provider behind the MX', () => {
    const fs = run(
      providerCheck,
      discovery([], { provider: { id: 'google', name: 'Google', via: 'mx', evidence: 'aspmx.l.google.com' } }),
    );
    expect(fs).toMatchObject([{ code: 'MX_PROVIDER_IDENTIFIED', params: { provider: 'Google', via: 'mx' } }]);
  });

  it('POP3 only: the POP3 settings, unless some source or a guess has IMAP', () => {
    const pop = source('ispdb', { facts: { displayName: 'Example ISP' } }, [
      'pop3 pop.example.com:995/tls',
      'smtp smtp.example.com:587/starttls',
    ]);
    expect(run(providerCheck, discovery([pop]))).toMatchObject([
      { code: 'PROVIDER_OFFERS_NO_IMAP', params: { provider: 'Example ISP', pop3: ['pop.example.com:995/tls'] } },
    ]);
    expect(run(providerCheck, discovery([pop, source('srv-imaps', {}, ['imap imap.example.com:993/tls'])]))).toEqual(
      [],
    );
    const guessWorks = endpoint(candidate('imap.example.com', 993, 'tls', { provenance: 'guess' }));
    expect(run(providerCheck, discovery([pop]), [guessWorks])).toEqual([]);
  });
});

describe('consistencyCheck', () => {
  const ac = source('autoconfig', {}, ['imap mail.example.com:993/tls']);
  const srv = source('srv-imaps', { facts: { records: ['0 1 993 imap.example.com'] } }, [
    'imap imap.example.com:993/tls',
  ]);

  it('sources that disagree: information, a warning when the other choice failed', () => {
    expect(run(consistencyCheck, discovery([ac, srv]))).toMatchObject([{ code: 'SOURCES_DISAGREE', severity: 'info' }]);
    const fs = run(consistencyCheck, discovery([ac, srv]), [failing('mail.example.com'), endpoint(published(), {}, 1)]);
    expect(fs.find((f) => f.code === 'SOURCES_DISAGREE')).toMatchObject({
      severity: 'warning',
      params: {
        failing: ['mail.example.com:993/tls'],
        choiceEndpoints: ['mail.example.com:993/tls', 'imap.example.com:993/tls'],
      },
    });
    expect(
      run(consistencyCheck, discovery([srv, source('autoconfig', {}, ['imap imap.example.com:993/tls'])])),
    ).toEqual([]);
  });

  it('a published server that fails while another works: the file to fix and the value', () => {
    const fs = run(consistencyCheck, discovery([ac, srv]), [failing('mail.example.com'), endpoint(published(), {}, 1)]);
    const f = fs.find((x) => x.code === 'PUBLISHED_SETTINGS_WRONG');
    expect(f).toMatchObject({
      endpoint: 'mail.example.com:993/tls',
      params: {
        failing: 'mail.example.com:993/tls',
        working: 'imap.example.com:993/tls',
        fixTargets: ['autoconfig|https://autoconfig.example.com/mail/config-v1.1.xml'],
      },
    });
    expect(renderEntry('PUBLISHED_SETTINGS_WRONG', f?.params ?? {}, {}).fix[0]).toContain(
      '<hostname>imap.example.com</hostname>, <port>993</port>, <socketType>SSL</socketType>',
    );
    // Nothing works: nothing to compare against.
    expect(run(consistencyCheck, discovery([ac]), [failing('mail.example.com')])).toEqual([]);
  });

  it('a guess that fails is never "published settings wrong"', () => {
    const guess = failing('mail.example.com');
    guess.candidate = {
      ...guess.candidate,
      provenance: 'guess',
      sources: [{ source: 'guess', trust: 'trusted', trustReason: 'inside-domain' }],
    };
    expect(run(consistencyCheck, discovery([]), [guess, endpoint(published(), {}, 1)])).toEqual([]);
  });

  it('an unverified host outside the domain from plain HTTP: HOST_OUTSIDE_DOMAIN', () => {
    const c = candidate('imap.hoster.net', 993, 'tls', {
      provenance: 'insecure',
      trust: 'unverified',
      userTrusted: false,
      sources: [
        {
          source: 'autoconfig-http',
          ref: 'http://autoconfig.example.com/mail/config-v1.1.xml',
          trust: 'unverified',
          trustReason: 'http',
        },
      ],
    });
    expect(run(consistencyCheck, discovery([]), [endpoint(c)])).toMatchObject([
      {
        code: 'HOST_OUTSIDE_DOMAIN',
        severity: 'warning',
        params: { host: 'imap.hoster.net', reason: 'http', userTrusted: false },
      },
    ]);
    expect(run(consistencyCheck, discovery([]), [endpoint({ ...c, userTrusted: true })])[0]?.severity).toBe('info');
  });
});
