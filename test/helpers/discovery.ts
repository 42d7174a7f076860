/**
 * Hand-built discovery evidence for unit tests: a SourceResult with plausible defaults, servers in a
 * short form, and a DiscoveryEvidence around them. No I/O.
 */
import type {
  DiscoveryEvidence,
  ServerSetting,
  SourceFactsMap,
  SourceId,
  SourceResult,
  SourceResultBase,
} from '../../src/model/discovery.js';
import type { DnsAnswer, Family, Security } from '../../src/model/evidence.js';
import type { HostLookup } from '../../src/probes/resolve.js';

/** 'imap imap.example.com:993/tls' → a ServerSetting. */
export function server(spec: string, username?: string): ServerSetting {
  const m = /^(\w+) (.+):(\d+)\/(\w+)$/.exec(spec);
  if (!m) throw new Error(`bad server spec ${spec}`);
  const protocol = m[1] as ServerSetting['protocol'];
  return {
    protocol,
    type: protocol,
    host: m[2] as string,
    port: Number(m[3]),
    security: m[4] as Security | 'unknown',
    ...(username ? { username } : {}),
  };
}

const QUERY: Partial<Record<SourceId, string>> = {
  'srv-imaps': '_imaps._tcp.example.com SRV',
  'srv-imap': '_imap._tcp.example.com SRV',
  autoconfig: 'https://autoconfig.example.com/mail/config-v1.1.xml',
  'autoconfig-wellknown': 'https://example.com/.well-known/autoconfig/mail/config-v1.1.xml',
  'autoconfig-http': 'http://autoconfig.example.com/mail/config-v1.1.xml',
  'autoconfig-wellknown-http': 'http://example.com/.well-known/autoconfig/mail/config-v1.1.xml',
  ispdb: 'https://autoconfig.thunderbird.net/v1.1/example.com',
  'mx-ispdb': 'https://autoconfig.thunderbird.net/v1.1/hoster.net',
  mx: 'example.com MX',
  autodiscover: 'https://autodiscover.example.com/autodiscover/autodiscover.xml',
};

/** Overrides for a hand-built source: any field, and facts of any source (the test says which id it builds). */
export type SourceOver = Partial<SourceResultBase> & { facts?: SourceFactsMap[SourceId] };

export function source<S extends SourceId>(
  id: S,
  over: SourceOver = {},
  servers: string[] = [],
): Extract<SourceResult, { source: S }> {
  const trust: Pick<SourceResultBase, 'trust' | 'trustReason'> = id.endsWith('-http')
    ? { trust: 'unverified', trustReason: 'http' }
    : { trust: 'trusted', trustReason: 'https-domain' };
  return {
    source: id,
    query: QUERY[id] ?? id,
    status: servers.length > 0 ? 'found' : 'not-found',
    ms: 5,
    servers: servers.map((s) => server(s)),
    ...trust,
    ...over,
  } as Extract<SourceResult, { source: S }>;
}

export function discovery(sources: SourceResult[], over: Partial<DiscoveryEvidence> = {}): DiscoveryEvidence {
  return { domain: 'example.com', sources, resolverWorking: true, ...over };
}

/** A HostLookup from a fixed table (name → addresses of both families). */
export function lookupTable(t: Record<string, string[]>): HostLookup {
  return async (name: string, family: Family): Promise<DnsAnswer<string>> => {
    const records = (t[name] ?? []).filter((a) => (a.includes(':') ? 6 : 4) === family);
    return {
      name,
      type: family === 4 ? 'A' : 'AAAA',
      status: records.length > 0 ? 'records' : 'nodata',
      records,
      ad: false,
      server: 'test',
      ms: 0,
      via: 'udp',
    };
  };
}
