/**
 * The network checks from hand-built evidence: each code appears for the evidence that really
 * causes it, and the neighbouring scenarios (filtered vs down vs blocked locally vs no network,
 * IPv6 path vs IPv6 service) never produce it. Every finding's texts must render cleanly.
 */
import { describe, expect, it } from 'vitest';
import { renderEntry } from '../../../../src/catalogue/index.js';
import { NETWORK_CHECKS } from '../../../../src/checks/network/index.js';
import { runChecks } from '../../../../src/checks/index.js';
import type { CheckContext } from '../../../../src/checks/types.js';
import type { DiscoveryEvidence, SourceResult } from '../../../../src/model/discovery.js';
import type {
  AddressProbe,
  DnsStatus,
  EndpointEvidence,
  Family,
  Outcome,
  ProbeErrorCode,
  ReferenceProbe,
  Security,
} from '../../../../src/model/evidence.js';
import type { Finding } from '../../../../src/model/finding.js';
import { addressProbe, candidate, context, endpoint } from '../../../helpers/evidence.js';

const NETWORK_CODES = [
  'NO_NETWORK',
  'LOCAL_NETWORK_BLOCKS_MAIL',
  'SERVER_PORT_FILTERED',
  'HOST_UNREACHABLE',
  'IPV6_PATH_BROKEN',
  'IPV6_SERVICE_MISSING',
  'IMPLICIT_TLS_MISSING',
];
const V4 = '192.0.2.10';
const V6 = '2001:db8::10';

const failed = (code: ProbeErrorCode): Outcome<never> => ({
  state: 'failed',
  error: { code, message: code.toLowerCase() },
  ms: 5,
});
const ok = { state: 'ok' as const, value: {}, ms: 5 };

/** An address whose connect failed with `code` (every later stage skipped). */
function dead(security: Security, code: ProbeErrorCode, address = V4, family: Family = 4): AddressProbe {
  const skip = { state: 'skipped' as const, blockedBy: 'tcp' as const };
  return {
    ...addressProbe(security, { address, family, tcp: failed(code), greeting: skip, capability: skip }),
    ...(security === 'tls' ? { tls: skip } : {}),
    ...(security === 'starttls' ? { starttls: skip, starttlsTls: skip, capabilityAfterTls: skip } : {}),
  };
}

function live(security: Security, address = V4, family: Family = 4): AddressProbe {
  return addressProbe(security, { address, family });
}

function ep(host: string, port: number, security: Security, addresses: AddressProbe[], rank = 0): EndpointEvidence {
  const c = candidate(host, port, security);
  return endpoint(
    c,
    {
      addresses,
      resolve: {
        ms: 1,
        via: 'pinned',
        a: 'records',
        aaaa: addresses.some((a) => a.family === 6) ? 'records' : 'nodata',
        addresses: addresses.map((a) => ({ address: a.address, family: a.family })),
      },
    },
    rank,
  );
}

function ref(
  purpose: ReferenceProbe['purpose'],
  address: string,
  port: number,
  outcome: Outcome<Record<string, never>>,
  host = 'imap.example.com',
): ReferenceProbe {
  return { purpose, forEndpoints: [], host, address, family: address.includes(':') ? 6 : 4, port, outcome };
}

function run(
  endpoints: EndpointEvidence[],
  references: ReferenceProbe[] = [],
  over: Partial<CheckContext> = {},
): Finding[] {
  const found = runChecks(context(endpoints, { network: { references, clock: [] }, ...over }), NETWORK_CHECKS);
  for (const f of found) {
    const t = renderEntry(f.code, f.params, f.subject);
    for (const s of [t.title, t.explanation, ...t.fix]) expect(s).not.toMatch(/undefined|\[object Object\]|NaN|\?/);
  }
  return found;
}

const codes = (fs: Finding[]) => fs.map((f) => f.code);
const only = (fs: Finding[], code: string) => {
  expect(codes(fs).filter((c) => NETWORK_CODES.includes(c))).toEqual(fs.filter((f) => f.code === code).map(() => code));
  return fs.filter((f) => f.code === code);
};

describe('network/host and network/local-network: firewall vs host down vs a network that blocks mail', () => {
  it('993 silent while 143 and 443 answer on the same address: SERVER_PORT_FILTERED on 993 only', () => {
    const e993 = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const e143 = ep('imap.example.com', 143, 'starttls', [live('starttls')], 1);
    const fs = only(
      run([e993, e143], [ref('same-host-web', V4, 443, ok), ref('same-host-web', V4, 80, failed('REFUSED'))]),
      'SERVER_PORT_FILTERED',
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]?.endpoint).toBe(e993.id);
    expect(fs[0]?.params).toMatchObject({ addresses: [V4], answeredPorts: ['80', '143', '443'], icmp: false });
  });

  it('a port rejected with ICMP host-unreachable while 443 refuses: still filtered, and the text says so', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'HOST_UNREACHABLE')]);
    const fs = only(
      run(
        [e],
        [ref('same-host-web', V4, 443, failed('REFUSED')), ref('same-host-other-imap', V4, 143, failed('TIMEOUT'))],
      ),
      'SERVER_PORT_FILTERED',
    );
    expect(fs[0]?.params.icmp).toBe(true);
    expect(renderEntry('SERVER_PORT_FILTERED', fs[0]?.params ?? {}, fs[0]?.subject ?? {}).explanation).toContain(
      'host unreachable',
    );
  });

  it('every port of the address silent: HOST_UNREACHABLE on each endpoint, listing all ports tried', () => {
    const e993 = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const e143 = ep('imap.example.com', 143, 'starttls', [dead('starttls', 'TIMEOUT')], 1);
    const fs = only(
      run(
        [e993, e143],
        [ref('same-host-web', V4, 443, failed('TIMEOUT')), ref('same-host-web', V4, 80, failed('TIMEOUT'))],
      ),
      'HOST_UNREACHABLE',
    );
    expect(fs.map((f) => f.endpoint)).toEqual([e993.id, e143.id]);
    expect(fs[0]?.params).toMatchObject({ addresses: [V4], triedPorts: ['80', '143', '443', '993'], icmp: false });
  });

  it('a host that is down is not blamed on the local network, even when discovery fetched web pages elsewhere', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const discovery = discoveryWith([
      { query: 'https://autoconfig.thunderbird.net/v1.1/example.com', status: 'found', httpStatus: 200 },
    ]);
    only(
      run(
        [e],
        [ref('same-host-web', V4, 443, failed('TIMEOUT')), ref('same-host-other-imap', V4, 143, failed('TIMEOUT'))],
        { discovery },
      ),
      'HOST_UNREACHABLE',
    );
  });

  it('no reference evidence (cut by the deadline): no verdict on the host', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    expect(run([e], [ref('same-host-web', V4, 443, failed('ABORTED'))])).toEqual([]);
  });

  it('IMAP silent on hosts of different names at different addresses whose web ports answer: LOCAL_NETWORK_BLOCKS_MAIL, once, no per-host blame', () => {
    const a = '192.0.2.20';
    const es = [
      ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]),
      ep('imap.example.com', 143, 'starttls', [dead('starttls', 'TIMEOUT')], 1),
      ep('mail.example.net', 993, 'tls', [dead('tls', 'TIMEOUT', a)], 2),
    ];
    const refs = [
      ref('same-host-web', V4, 443, ok),
      ref('same-host-web', V4, 80, failed('TIMEOUT')),
      ref('same-host-web', a, 443, ok, 'mail.example.net'),
      ref('same-host-other-imap', a, 143, failed('TIMEOUT'), 'mail.example.net'),
    ];
    const fs = only(run(es, refs), 'LOCAL_NETWORK_BLOCKS_MAIL');
    expect(fs).toHaveLength(1);
    expect(fs[0]?.endpoint).toBeUndefined();
    expect(fs[0]?.params).toMatchObject({
      imapPorts: ['143', '993'],
      hosts: 2,
      hostNames: ['imap.example.com', 'mail.example.net'],
      webAnswers: [`${V4}:443`, `${a}:443`],
      basis: 'hosts',
    });
    expect(renderEntry('LOCAL_NETWORK_BLOCKS_MAIL', fs[0]?.params ?? {}, {}).explanation).toContain(
      'different names and addresses',
    );
  });

  it('two hosts, but the second answers on no port at all: not about the network; the first is filtered, the second down', () => {
    const a = '192.0.2.20';
    const es = [
      ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]),
      ep('mail.example.net', 993, 'tls', [dead('tls', 'TIMEOUT', a)], 1),
    ];
    const refs = [
      ref('same-host-web', V4, 443, ok),
      ref('same-host-web', a, 443, failed('TIMEOUT'), 'mail.example.net'),
      ref('same-host-other-imap', a, 143, failed('TIMEOUT'), 'mail.example.net'),
    ];
    const fs = run(es, refs);
    expect(codes(fs).filter((c) => NETWORK_CODES.includes(c))).toEqual(['SERVER_PORT_FILTERED', 'HOST_UNREACHABLE']);
    expect(fs.find((f) => f.code === 'SERVER_PORT_FILTERED')?.params).toMatchObject({
      addresses: [V4],
      localAlternative: true,
    });
  });

  it('two names at one address (one machine, one firewall): SERVER_PORT_FILTERED, not the network', () => {
    const es = [
      ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]),
      ep('mail.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')], 1),
    ];
    const fs = only(
      run(es, [ref('same-host-web', V4, 443, ok), ref('same-host-other-imap', V4, 143, failed('TIMEOUT'))]),
      'SERVER_PORT_FILTERED',
    );
    expect(fs.every((f) => f.params.localAlternative === true)).toBe(true);
  });

  it('one name at two addresses (IPv4 and IPv6 of one operator): SERVER_PORT_FILTERED, not the network', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT'), dead('tls', 'TIMEOUT', V6, 6)]);
    const refs = [
      ref('same-host-web', V4, 443, ok),
      ref('same-host-web', V6, 443, ok),
      ref('same-host-other-imap', V4, 143, failed('TIMEOUT')),
      ref('same-host-other-imap', V6, 143, failed('TIMEOUT')),
    ];
    const fs = only(run([e], refs), 'SERVER_PORT_FILTERED');
    expect(fs[0]?.params).toMatchObject({ addresses: [V4, V6], localAlternative: true });
  });

  it('one server of an unknown operator: SERVER_PORT_FILTERED leads, and its text names your network and the test that decides', () => {
    const e993 = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const e143 = ep('imap.example.com', 143, 'starttls', [dead('starttls', 'TIMEOUT')], 1);
    const fs = only(
      run([e993, e143], [ref('same-host-web', V4, 443, ok), ref('same-host-web', V4, 80, failed('REFUSED'))]),
      'SERVER_PORT_FILTERED',
    );
    expect(fs.map((f) => f.endpoint)).toEqual([e993.id, e143.id]);
    expect(fs[0]?.params).toMatchObject({ addresses: [V4], answeredPorts: ['80', '443'], localAlternative: true });
    expect(fs[0]?.params.reference).toBeUndefined();
    const t = renderEntry('SERVER_PORT_FILTERED', fs[0]?.params ?? {}, fs[0]?.subject ?? {});
    expect(t.explanation).toContain('cannot tell its own filter from your network blocking mail');
    expect(t.fix[0]).toContain("phone's hotspot");
    expect(t.fix[0]).toContain('--reference');
  });

  it('993 filtered while 143 answers: mail passes this network, so the text does not raise it', () => {
    const fs = only(
      run(
        [
          ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]),
          ep('imap.example.com', 143, 'starttls', [live('starttls')], 1),
        ],
        [ref('same-host-web', V4, 443, ok)],
      ),
      'SERVER_PORT_FILTERED',
    );
    expect(fs[0]?.params.localAlternative).toBe(false);
    const t = renderEntry('SERVER_PORT_FILTERED', fs[0]?.params ?? {}, fs[0]?.subject ?? {});
    expect(t.explanation).not.toContain('your network blocking mail');
    expect(t.fix.join(' ')).not.toContain('--reference');
  });

  it('an IMAP port answering anywhere proves mail passes the local network: the silent server is filtered, not the network', () => {
    const other = '198.51.100.7';
    const es = [
      ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]),
      ep('imap.example.net', 993, 'tls', [live('tls', other)], 1),
    ];
    const fs = only(
      run(es, [ref('same-host-web', V4, 443, ok), ref('same-host-other-imap', V4, 143, failed('TIMEOUT'))]),
      'SERVER_PORT_FILTERED',
    );
    expect(fs[0]?.endpoint).toBe(es[0]?.id);
  });

  it('a refused port needs no reasoning: no network finding', () => {
    expect(run([ep('imap.example.com', 993, 'tls', [dead('tls', 'REFUSED')])])).toEqual([]);
  });

  it('healthy endpoints: no network finding', () => {
    expect(
      run([
        ep('imap.example.com', 993, 'tls', [live('tls')]),
        ep('imap.example.com', 143, 'starttls', [live('starttls')], 1),
      ]),
    ).toEqual([]);
  });
});

type SourceLite = { query: string; status: DiscoveryEvidence['sources'][number]['status']; httpStatus?: number };
function discoveryWith(sources: SourceLite[], resolverWorking: boolean | null = null): DiscoveryEvidence {
  return {
    domain: 'example.com',
    resolverWorking,
    // DNS sources carry their own DNS answer in facts.dnsStatus, as discovery records it.
    sources: sources.map((s): SourceResult => {
      const base = { servers: [], trust: 'trusted' as const, trustReason: 'dns' as const, ms: 5, ...s };
      if (s.query.startsWith('http')) return { source: 'autoconfig', ...base };
      return {
        source: 'srv-imaps',
        facts: { dnsStatus: (s.status === 'found' ? 'records' : s.status) as DnsStatus, dnsName: s.query },
        ...base,
      };
    }),
  };
}

describe('the firewall rule: evidence about your network, not one server', () => {
  const REF = '198.51.100.7';
  const webOk = [ref('same-host-web', V4, 443, ok), ref('same-host-other-imap', V4, 143, failed('TIMEOUT'))];

  it("a big provider's own IMAP server silent while its web port answers: LOCAL_NETWORK_BLOCKS_MAIL naming the provider", () => {
    const e = ep('imap.gmail.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const fs = only(
      run(
        [e],
        [
          ref('same-host-web', V4, 443, ok, 'imap.gmail.com'),
          ref('same-host-other-imap', V4, 143, failed('TIMEOUT'), 'imap.gmail.com'),
        ],
      ),
      'LOCAL_NETWORK_BLOCKS_MAIL',
    );
    expect(fs[0]?.params).toMatchObject({
      hosts: 1,
      hostNames: ['imap.gmail.com'],
      basis: 'provider',
      provider: 'Google (Gmail / Google Workspace)',
      providerHost: 'imap.gmail.com',
    });
    const t = renderEntry('LOCAL_NETWORK_BLOCKS_MAIL', fs[0]?.params ?? {}, {});
    expect(t.explanation).toContain('imap.gmail.com is the IMAP server of Google (Gmail / Google Workspace) itself');
    expect(t.fix.join(' ')).toContain('status page of Google');
  });

  it('not a provider host: a look-alike name, or the provider host on a port it does not publish', () => {
    for (const [host, port] of [
      ['imap.gmail.com.example.net', 993],
      ['mail.gmail.com', 993],
      ['imap.gmail.com', 143],
    ] as const) {
      const e = ep(host, port, port === 993 ? 'tls' : 'starttls', [dead(port === 993 ? 'tls' : 'starttls', 'TIMEOUT')]);
      const fs = only(run([e], [ref('same-host-web', V4, 443, ok, host)]), 'SERVER_PORT_FILTERED');
      expect(fs[0]?.params.localAlternative, `${host}:${port}`).toBe(true);
    }
  });

  it('--reference silent as well: LOCAL_NETWORK_BLOCKS_MAIL, naming the reference; the reference host is not counted as a server of the account', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const fs = only(
      run([e], [ref('user-reference', REF, 993, failed('TIMEOUT'), 'imap.example.net'), ...webOk]),
      'LOCAL_NETWORK_BLOCKS_MAIL',
    );
    expect(fs[0]?.params).toMatchObject({
      hosts: 1,
      hostNames: ['imap.example.com'],
      imapPorts: ['143', '993'],
      basis: 'reference',
      reference: 'imap.example.net:993',
      referenceAddress: `${REF}:993`,
    });
    expect(renderEntry('LOCAL_NETWORK_BLOCKS_MAIL', fs[0]?.params ?? {}, {}).explanation).toContain(
      'imap.example.net:993, got no answer on its IMAP port either',
    );
  });

  it('--reference answering: the network lets mail through, so the server filters; the text says so and drops the other explanation', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const fs = only(
      run([e], [ref('user-reference', REF, 993, ok, 'imap.example.net'), ...webOk]),
      'SERVER_PORT_FILTERED',
    );
    expect(fs[0]?.params).toMatchObject({
      addresses: [V4],
      answeredPorts: ['443'],
      localAlternative: false,
      reference: 'imap.example.net:993',
    });
    const t = renderEntry('SERVER_PORT_FILTERED', fs[0]?.params ?? {}, fs[0]?.subject ?? {});
    expect(t.explanation).toContain('the reference server imap.example.net:993 answered on its IMAP port');
    expect(t.fix.join(' ')).not.toContain('--reference');
  });

  it('--reference that is the silent server itself, or that was never reached (no address, no route): it decides nothing', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const same = ref('user-reference', V4, 993, failed('TIMEOUT'), 'imap.example.com');
    const unresolved: ReferenceProbe = {
      ...ref('user-reference', '', 993, failed('NXDOMAIN'), 'imap.example.net'),
      family: 4,
    };
    const noRoute = ref('user-reference', '2001:db8::7', 993, failed('NET_UNREACHABLE'), 'imap.example.net');
    for (const r of [same, unresolved, noRoute]) {
      const fs = only(run([e], [r, ...webOk]), 'SERVER_PORT_FILTERED');
      expect(fs[0]?.params, r.address).toMatchObject({ localAlternative: true });
    }
  });
});

describe('network/no-network: no network at all', () => {
  const unresolved = (): EndpointEvidence => ({
    ...ep('imap.example.com', 993, 'tls', []),
    resolve: {
      ms: 3,
      via: 'system',
      a: 'servfail',
      aaaa: 'servfail',
      addresses: [],
      error: { code: 'SERVFAIL', message: 'EAI_AGAIN' },
    },
  });

  it('DNS without an answer and no route even to the resolver: NO_NETWORK, naming both', () => {
    const fs = only(
      run([unresolved()], [ref('resolver', '192.0.2.53', 53, failed('NET_UNREACHABLE'), '192.0.2.53')]),
      'NO_NETWORK',
    );
    expect(fs[0]?.params).toMatchObject({ dns: ['imap.example.com: servfail'], tried: [], resolvers: ['192.0.2.53'] });
  });

  it('discovery DNS timing out and every connect failing: NO_NETWORK', () => {
    const discovery = discoveryWith([{ query: '_imaps._tcp.example.com', status: 'timeout' }], false);
    const e = {
      ...ep('imap.example.com', 993, 'tls', [dead('tls', 'NET_UNREACHABLE')]),
      resolve: {
        ms: 1,
        via: 'pinned',
        a: 'records' as const,
        aaaa: 'nodata' as const,
        addresses: [{ address: V4, family: 4 as const }],
      },
    };
    const fs = only(run([e], [], { discovery }), 'NO_NETWORK');
    expect(fs[0]?.params).toMatchObject({
      dns: ['_imaps._tcp.example.com: timeout'],
      tried: ['192.0.2.10:993'],
      resolvers: [],
    });
  });

  it('the guesses row of discovery ("found" without any DNS answer) does not hide NO_NETWORK', () => {
    const discovery = discoveryWith([{ query: '_imaps._tcp.example.com', status: 'timeout' }], false);
    discovery.sources.push({
      source: 'guess',
      query: 'example.com',
      status: 'found',
      ms: 0,
      servers: [],
      trust: 'trusted',
      trustReason: 'inside-domain',
    });
    const e = {
      ...ep('imap.example.com', 993, 'tls', [dead('tls', 'NET_UNREACHABLE')]),
      resolve: {
        ms: 1,
        via: 'pinned',
        a: 'records' as const,
        aaaa: 'nodata' as const,
        addresses: [{ address: V4, family: 4 as const }],
      },
    };
    expect(codes(run([e], [], { discovery }))).toContain('NO_NETWORK');
  });

  it('a resolver that is merely silent, with nothing else tried, may just be down: no NO_NETWORK', () => {
    expect(run([unresolved()], [ref('resolver', '192.0.2.53', 53, failed('TIMEOUT'), '192.0.2.53')])).toEqual([]);
  });

  it('the resolver answering over TCP: DNS is the problem, not the network', () => {
    expect(run([unresolved()], [ref('resolver', '192.0.2.53', 53, ok, '192.0.2.53')])).toEqual([]);
  });

  it('any DNS answer or any web fetch answered rules it out', () => {
    const refs = [ref('resolver', '192.0.2.53', 53, failed('NET_UNREACHABLE'), '192.0.2.53')];
    expect(codes(run([unresolved()], refs, { discovery: discoveryWith([], true) }))).not.toContain('NO_NETWORK');
    expect(
      codes(
        run([unresolved()], refs, {
          discovery: discoveryWith([
            { query: 'https://autoconfig.example.com/mail/config-v1.1.xml', status: 'http-error', httpStatus: 404 },
          ]),
        }),
      ),
    ).not.toContain('NO_NETWORK');
  });

  it('pinned addresses without DNS: nothing proves DNS fails, so no NO_NETWORK even when nothing answers', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const fs = run(
      [e],
      [ref('same-host-web', V4, 443, failed('TIMEOUT')), ref('same-host-other-imap', V4, 143, failed('TIMEOUT'))],
    );
    expect(codes(fs)).toEqual(['HOST_UNREACHABLE']);
  });
});

describe('network/ipv6: IPv6 against IPv4', () => {
  it('the AAAA address refuses IMAP while IPv4 connects: IPV6_SERVICE_MISSING on that endpoint', () => {
    const e = ep('imap.example.com', 993, 'tls', [live('tls'), dead('tls', 'REFUSED', V6, 6)]);
    const fs = only(run([e]), 'IPV6_SERVICE_MISSING');
    expect(fs[0]?.params).toMatchObject({ addresses: [V6], refused: true, answeredPorts: [] });
  });

  it('the AAAA address drops IMAP but answers on 443: IPV6_SERVICE_MISSING, not a filtered port or a broken path', () => {
    const e = ep('imap.example.com', 993, 'tls', [live('tls'), dead('tls', 'TIMEOUT', V6, 6)]);
    const fs = only(
      run([e], [ref('same-host-web', V6, 443, ok), ref('same-host-other-imap', V6, 143, failed('TIMEOUT'))]),
      'IPV6_SERVICE_MISSING',
    );
    expect(fs[0]?.params).toMatchObject({ refused: false, answeredPorts: ['443'] });
  });

  it('IPv6 silent everywhere while IPv4 works: IPV6_PATH_BROKEN once (a warning), the server not blamed', () => {
    const es = [
      ep('imap.example.com', 993, 'tls', [live('tls'), dead('tls', 'TIMEOUT', V6, 6)]),
      ep('imap.example.com', 143, 'starttls', [live('starttls'), dead('starttls', 'TIMEOUT', V6, 6)], 1),
    ];
    const fs = only(
      run(es, [ref('same-host-web', V6, 443, failed('TIMEOUT')), ref('same-host-web', V6, 80, failed('TIMEOUT'))]),
      'IPV6_PATH_BROKEN',
    );
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      severity: 'warning',
      params: { addresses: [V6], hosts: ['imap.example.com'], absent: false },
    });
    expect(renderEntry('IPV6_PATH_BROKEN', fs[0]?.params ?? {}, {}).explanation).toContain(
      "server's IPv6 being down would look the same",
    );
  });

  it('no IPv6 route on this computer: IPV6_PATH_BROKEN as information only', () => {
    const e = ep('imap.example.com', 993, 'tls', [live('tls'), dead('tls', 'NET_UNREACHABLE', V6, 6)]);
    const fs = only(run([e]), 'IPV6_PATH_BROKEN');
    expect(fs[0]).toMatchObject({ severity: 'info', params: { absent: true } });
  });

  it("IPv6 working on another server: a silent AAAA address is that server's problem", () => {
    const es = [
      ep('imap.example.com', 993, 'tls', [live('tls'), dead('tls', 'TIMEOUT', V6, 6)]),
      ep('imap.example.net', 993, 'tls', [live('tls', '2001:db8::99', 6)], 1),
    ];
    only(run(es, [ref('same-host-web', V6, 443, failed('TIMEOUT'))]), 'IPV6_SERVICE_MISSING');
  });

  it('IPv4 of the same endpoint failing too: no IPv6 verdict, the host answers nothing', () => {
    const e = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT'), dead('tls', 'TIMEOUT', V6, 6)]);
    const refs = [V4, V6].flatMap((a) => [
      ref('same-host-web', a, 443, failed('TIMEOUT')),
      ref('same-host-other-imap', a, 143, failed('TIMEOUT')),
    ]);
    const fs = only(run([e], refs), 'HOST_UNREACHABLE');
    expect(fs[0]?.params.addresses).toEqual([V4, V6]);
  });
});

describe('network/implicit-tls: implicit TLS', () => {
  const working143 = () => ep('imap.example.com', 143, 'starttls', [live('starttls')], 1);

  it('993 refused while 143 with STARTTLS works: IMPLICIT_TLS_MISSING on the 993 endpoint', () => {
    const e993 = ep('imap.example.com', 993, 'tls', [dead('tls', 'REFUSED')]);
    const fs = only(run([e993, working143()]), 'IMPLICIT_TLS_MISSING');
    expect(fs[0]).toMatchObject({
      endpoint: e993.id,
      stage: 'tcp',
      severity: 'warning',
      params: { starttlsPort: 143, how: 'refused' },
    });
  });

  it('993 answering without completing TLS: IMPLICIT_TLS_MISSING naming the handshake error', () => {
    const a = addressProbe('tls', {
      tls: {
        state: 'failed',
        error: { code: 'TLS_NOT_TLS', message: 'wrong version number', rawCode: 'ERR_SSL_WRONG_VERSION_NUMBER' },
        ms: 3,
      },
    });
    const fs = only(run([ep('imap.example.com', 993, 'tls', [a]), working143()]), 'IMPLICIT_TLS_MISSING');
    expect(fs[0]).toMatchObject({
      stage: 'tls',
      params: { how: 'tls-failed', detail: 'ERR_SSL_WRONG_VERSION_NUMBER' },
    });
  });

  it('not when STARTTLS fails too, when it is another host, when 993 works, or when 993 is dropped', () => {
    const refused = () => ep('imap.example.com', 993, 'tls', [dead('tls', 'REFUSED')]);
    const noStarttls = ep(
      'imap.example.com',
      143,
      'starttls',
      [
        addressProbe('starttls', {
          starttls: {
            state: 'ok',
            value: { advertised: false, response: { status: 'BAD', text: 'no', line: 'a BAD no' }, injectedBytes: 0 },
            ms: 1,
          },
        }),
      ],
      1,
    );
    expect(codes(run([refused(), noStarttls]))).toEqual([]);
    expect(codes(run([refused(), ep('mail.example.com', 143, 'starttls', [live('starttls')], 1)]))).toEqual([]);
    expect(codes(run([ep('imap.example.com', 993, 'tls', [live('tls')]), working143()]))).toEqual([]);
    const dropped = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    expect(codes(run([dropped, working143()], [ref('same-host-web', V4, 443, ok)]))).toEqual(['SERVER_PORT_FILTERED']);
  });
});

describe('in the whole checklist', () => {
  it('the network codes sit between transport and TLS and do not disturb the per-address TCP findings', () => {
    const e993 = ep('imap.example.com', 993, 'tls', [dead('tls', 'TIMEOUT')]);
    const fs = runChecks(
      context([e993], {
        network: {
          references: [ref('same-host-web', V4, 443, ok), ref('same-host-other-imap', V4, 143, ok)],
          clock: [],
        },
      }),
    );
    expect(codes(fs)).toEqual(expect.arrayContaining(['TCP_TIMEOUT', 'SERVER_PORT_FILTERED']));
    expect(codes(fs).indexOf('TCP_TIMEOUT')).toBeLessThan(codes(fs).indexOf('SERVER_PORT_FILTERED'));
  });
});
