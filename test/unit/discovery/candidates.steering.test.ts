/**
 * No steering: a source that cannot be verified may name host names only, on the IMAP ports (or one
 * the user named); HTTP redirects never lead to an IP address or an unusual port; and --no-private
 * keeps every connection (IMAP, HTTP, redirects, AIA) off loopback, link-local, private, ULA and
 * unspecified addresses, except to what the user named. What needs a real HTTP server (redirects,
 * --no-private on fetches) is in test/integration/discovery/http.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCandidates, steeringRefusal } from '../../../src/discovery/candidates.js';
import { MX_DERIVED_SOURCES, mxDerivedSource } from '../../../src/discovery/mx-autoconfig.js';
import type { SourceContext } from '../../../src/discovery/source-kit.js';
import { LIMITS } from '../../../src/limits.js';
import { addressPolicy, allowedPorts, DEFAULTS, defaultRunOptions } from '../../../src/options.js';
import { resolveHost } from '../../../src/probes/resolve.js';
import { isPrivateAddress, type AddressPolicy } from '../../../src/util/ip.js';
import { lookupTable as table, source } from '../../helpers/discovery.js';
import { fuzzParams } from '../../fuzz/params.js';

const NO_PRIVATE: AddressPolicy = { noPrivate: true, exempt: new Set() };
const never = () => new AbortController().signal;

describe('private addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['0.0.0.0', true],
    ['::', true],
    ['::1', true],
    ['fe80::1', true],
    ['[fe80::1%eth0]', true],
    ['fd00::5', true],
    ['::ffff:10.0.0.1', true],
    ['198.18.0.1', false],
    ['192.0.2.1', false],
    ['2001:db8::1', false],
    ['imap.example.com', false],
  ])('%s → %s', (a, p) => expect(isPrivateAddress(a)).toBe(p));

  it('every address in 198.18.0.0/15 (the test networks) is public, every one in 10/8 private', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x1ffff }), fc.integer({ min: 0, max: 0xffffff }), (a, b) => {
        expect(isPrivateAddress(`198.${18 + (a >> 16)}.${(a >> 8) & 255}.${a & 255}`)).toBe(false);
        expect(isPrivateAddress(`10.${b >> 16}.${(b >> 8) & 255}.${b & 255}`)).toBe(true);
      }),
      fuzzParams(300),
    );
  });

  it('the policy exempts every host and address the user named', () => {
    const p = addressPolicy(
      defaultRunOptions('a@example.com', {
        noPrivate: true,
        host: 'imap.lan',
        trustHosts: ['mail.lan'],
        pinned: { 'x.lan': ['10.0.0.9'] },
        ispdbUrl: 'https://127.0.0.1:8443/{{domain}}',
      }),
    );
    expect([...p.exempt].sort()).toEqual(['10.0.0.9', '127.0.0.1', 'imap.lan', 'mail.lan', 'x.lan']);
  });
});

describe('unverified sources name host names on the IMAP ports only', () => {
  const o = { domain: 'example.com', trustHosts: [] as string[], guess: false, ports: { ...DEFAULTS.imapPorts } };

  it('an IP address from plain-HTTP autoconfig is refused with its source; the same over HTTPS is a candidate', () => {
    const r = buildCandidates(
      [source('autoconfig-http', {}, ['imap 10.0.0.5:993/tls', 'imap imap.example.com:993/tls'])],
      o,
    );
    expect(r.candidates.map((c) => c.host)).toEqual(['imap.example.com']);
    expect(r.refused.map((x) => [x.source.source, x.target])).toEqual([
      ['autoconfig-http', { target: '10.0.0.5:993', reason: 'ip-literal' }],
    ]);
    expect(
      buildCandidates([source('autoconfig', {}, ['imap 192.0.2.7:993/tls'])], o).candidates.map((c) => c.host),
    ).toEqual(['192.0.2.7']);
  });

  it("an SRV record without DNSSEC may not name port 25 or an IP; with DNSSEC, --trust-host or the user's port it may", () => {
    const srv = (auth: boolean, spec: string) => source('srv-imaps', { authenticated: auth }, [spec]);
    expect(buildCandidates([srv(false, 'imap imap.example.com:25/tls')], o).refused[0]?.target).toEqual({
      target: 'imap.example.com:25',
      reason: 'port',
    });
    expect(buildCandidates([srv(false, 'imap 10.0.0.1:993/tls')], o).refused[0]?.target.reason).toBe('ip-literal');
    expect(buildCandidates([srv(true, 'imap imap.example.com:25/tls')], o).refused).toEqual([]);
    expect(
      buildCandidates([srv(false, 'imap imap.example.com:25/tls')], { ...o, trustHosts: ['imap.example.com'] }).refused,
    ).toEqual([]);
    const ports = allowedPorts(defaultRunOptions('a@example.com', { port: 10993 }));
    expect(
      steeringRefusal(
        srv(false, 'imap imap.example.com:10993/tls'),
        { host: 'imap.example.com', port: 10993 },
        { ...o, allowedPorts: ports },
        new Set(),
      ),
    ).toBeUndefined();
  });
});

describe('the newest sources obey the same rules (issue 11)', () => {
  const o = { domain: 'example.com', trustHosts: [] as string[], guess: false, ports: { ...DEFAULTS.imapPorts } };
  const viaMx = (dnssec: boolean) => ({
    viaMx: { mxHost: 'mx.eu.hoster.test', domain: 'eu.hoster.test', kind: 'full' as const, dnssec },
  });

  it('autoconfig found through an MX without DNSSEC is unverified: an IP or port 2525 from it is refused; with DNSSEC it may name them', () => {
    const unverified = source('mx-autoconfig', { trust: 'unverified', trustReason: 'mx-not-dnssec', ...viaMx(false) }, [
      'imap 10.0.0.5:993/tls',
      'imap imap.hoster.test:2525/tls',
      'imap imap.hoster.test:993/tls',
    ]);
    const r = buildCandidates([unverified], o);
    expect(r.candidates.map((c) => `${c.host}:${c.port}`)).toEqual(['imap.hoster.test:993']);
    expect(r.refused.map((x) => x.target)).toEqual([
      { target: '10.0.0.5:993', reason: 'ip-literal' },
      { target: 'imap.hoster.test:2525', reason: 'port' },
    ]);
    const validated = source('mx-autoconfig', { trust: 'trusted', trustReason: 'mx-dnssec', ...viaMx(true) }, [
      'imap 192.0.2.5:2525/tls',
    ]);
    expect(buildCandidates([validated], o).refused).toEqual([]);
  });

  it('an MX that is not a host name is not used to build a URL (a ":" or "/" in a label would steer the fetch)', async () => {
    const asked: string[] = [];
    const ctx = {
      domain: 'example.com',
      fetch: async (req: { url: string }) => (
        asked.push(req.url),
        { hops: [], finalUrl: req.url, insecure: false, ms: 0 }
      ),
    } as unknown as SourceContext;
    const mx = { hosts: ['mx.a.evil.test:444/x.hoster.test'], result: source('mx') };
    for (const id of MX_DERIVED_SOURCES) {
      const r = await mxDerivedSource(ctx, id, mx);
      expect(r.status, id).toBe('skipped');
      expect(r.facts?.reason, id).toBe('mx-not-host-name');
    }
    expect(asked).toEqual([]);
  });
});

describe('resolving an endpoint host', () => {
  it(`probes at most LIMITS.addressesPerFamily (${LIMITS.addressesPerFamily}) addresses per family and lists the rest as not probed`, async () => {
    const v4 = Array.from({ length: 30 }, (_, i) => `192.0.2.${i + 1}`);
    const v6 = Array.from({ length: 6 }, (_, i) => `2001:db8::${i + 1}`);
    const r = await resolveHost('imap.example.com', table({ 'imap.example.com': [...v4, ...v6] }), {}, never);
    expect(r.addresses.map((a) => a.address)).toEqual([
      ...v4.slice(0, LIMITS.addressesPerFamily),
      ...v6.slice(0, LIMITS.addressesPerFamily),
    ]);
    expect(r.notProbed).toEqual([...v4.slice(LIMITS.addressesPerFamily), ...v6.slice(LIMITS.addressesPerFamily)]);
    expect(r.error).toBeUndefined();
  });

  it("--no-private leaves private addresses out (listed as refused) without inventing a DNS failure; --resolve pins are the user's word", async () => {
    const lookup = table({ 'imap.example.com': ['10.0.0.5', '192.0.2.9', 'fd00::1'] });
    const r = await resolveHost('imap.example.com', lookup, {}, never, NO_PRIVATE);
    expect(r.addresses.map((a) => a.address)).toEqual(['192.0.2.9']);
    expect(r.refused).toEqual(['10.0.0.5', 'fd00::1']);
    const all = await resolveHost('lan.example.com', table({ 'lan.example.com': ['10.0.0.5'] }), {}, never, NO_PRIVATE);
    expect(all).toMatchObject({ addresses: [], refused: ['10.0.0.5'] });
    expect(all.error).toBeUndefined();
    const pinned = await resolveHost(
      'imap.example.com',
      lookup,
      { 'imap.example.com': ['10.0.0.7'] },
      never,
      NO_PRIVATE,
    );
    expect(pinned.addresses.map((a) => a.address)).toEqual(['10.0.0.7']);
  });
});
