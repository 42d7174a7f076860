/**
 * The reachability picture the network checks share: every TCP attempt of the run (endpoint
 * connects and reference probes) classified by what came back, what DNS and the discovery fetches
 * prove about the network, and which global explanation holds. Pure; computed once per context.
 *
 * The firewall rule: IMAP silent everywhere while a web port answers is only blamed on the user's
 * network when the evidence is about that network (`LocalBasis`): the --reference server is silent
 * too, or the silent host is a big provider's own IMAP server, or hosts at two different addresses
 * (of different names) are silent while their web ports answer. One server alone says nothing about
 * the network: its own firewall, or a ban of this address, looks the same (`mailSilent` without a basis).
 */
import type { DiscoveryEvidence, SourceResult } from '../../model/discovery.js';
import type { EndpointEvidence, Family, Outcome } from '../../model/evidence.js';
import { providerImapHost, type ProviderMatch } from '../../knowledge/providers.js';
import type { CheckContext } from '../types.js';
import { dnsAnswered, dnsLookupOf, dnsStep } from '../../model/reading.js';

/** What came back: a connection, a refusal (RST), nothing, a router's ICMP error, or no local route. */
export type Reply = 'open' | 'refused' | 'silent' | 'unreachable' | 'no-route';

export interface Attempt {
  address: string;
  family: Family;
  port: number;
  kind: 'imap' | 'web' | 'resolver';
  reply: Reply;
  host: string;
  /** Set for the endpoints' own connects. */
  endpoint?: string;
  /** The server the user named with --reference (not one of the account's). */
  reference?: true;
}

/** Why silent mail ports are the user's network's doing (see the file's comment). */
export type LocalBasis =
  | { basis: 'reference'; attempt: Attempt }
  | { basis: 'provider'; provider: ProviderMatch; attempt: Attempt }
  | { basis: 'hosts'; attempts: Attempt[] };

export interface Reach {
  attempts: Attempt[];
  /** The endpoints' own IMAP connects, per endpoint id. */
  own: Map<string, Attempt[]>;
  /** DNS lookups that got no answer (e.g. 'imap.example.com A: timeout'), when no lookup got one. */
  dnsFailures: string[];
  /** Discovery fetches that got an HTTP answer (URLs). */
  webFetches: string[];
  noNetwork: boolean;
  /** Every IMAP connect of the run (the --reference one included) unanswered while a web port answered. */
  mailSilent: boolean;
  /** mailSilent, and the evidence is about the user's network: LOCAL_NETWORK_BLOCKS_MAIL. */
  localBlocksMail: boolean;
  local?: LocalBasis;
  /** --reference connects that got an answer: this network lets mail through. */
  referenceAnswered: Attempt[];
  ipv6: {
    /** Failing IPv6 connects of endpoints whose IPv4 works, with no IPv6 answer anywhere in the run. */
    pathBroken: Attempt[];
    /** Failing IPv6 connects of endpoints whose IPv4 works, while IPv6 itself works. */
    serviceMissing: Attempt[];
  };
}

export function answered(r: Reply): boolean {
  return r === 'open' || r === 'refused';
}

/** A failure that says something about the path to an address (not about the local routing table). */
export function unanswered(r: Reply): boolean {
  return r === 'silent' || r === 'unreachable';
}

export function replyOf(o: Outcome<unknown>): Reply | undefined {
  if (o.state === 'ok') return 'open';
  if (o.state !== 'failed') return undefined;
  switch (o.error.code) {
    case 'REFUSED':
    case 'RESET':
      return 'refused';
    case 'TIMEOUT':
      return 'silent';
    case 'HOST_UNREACHABLE':
      return 'unreachable';
    case 'NET_UNREACHABLE':
    case 'ADDR_NOT_AVAILABLE':
      return 'no-route';
    default:
      return undefined;
  }
}

const SOURCE_HTTP_REACHED = new Set<SourceResult['status']>(['found', 'http-error', 'invalid', 'tls-error']);

const isUrl = (s: SourceResult) => /^https?:\/\//i.test(s.query);

function dnsPicture(
  endpoints: readonly EndpointEvidence[],
  d: DiscoveryEvidence | null,
): { answered: boolean; failures: string[] } {
  const sources = d?.sources ?? [];
  // What a source's own DNS step answered (the guess row and HTTP sources are not DNS answers).
  const dnsSources = sources.flatMap((s) => {
    const step = dnsStep(s);
    return step ? [{ query: s.query, ...step }] : [];
  });
  const viaDns = endpoints.flatMap((e) => {
    const r = dnsLookupOf(e);
    return r ? [{ host: e.candidate.host, r }] : [];
  });
  const answered =
    d?.resolverWorking === true ||
    viaDns.some(({ r }) => dnsAnswered(r.a) || dnsAnswered(r.aaaa)) ||
    dnsSources.some((s) => dnsAnswered(s.dnsStatus));
  const failures = [
    ...viaDns.filter(({ r }) => !dnsAnswered(r.a) && !dnsAnswered(r.aaaa)).map(({ host, r }) => `${host}: ${r.a}`),
    ...dnsSources.filter((s) => !dnsAnswered(s.dnsStatus)).map((s) => `${s.dnsName ?? s.query}: ${s.dnsStatus}`),
  ];
  if (failures.length === 0 && d?.resolverWorking === false) failures.push(`${d.domain}: no answer`);
  return { answered, failures: [...new Set(failures)] };
}

function webFetches(d: DiscoveryEvidence | null): string[] {
  return (d?.sources ?? [])
    .filter((s) => isUrl(s) && (s.httpStatus !== undefined || SOURCE_HTTP_REACHED.has(s.status)))
    .map((s) => s.query);
}

function collect(ctx: CheckContext): { attempts: Attempt[]; own: Map<string, Attempt[]> } {
  const attempts: Attempt[] = [];
  const own = new Map<string, Attempt[]>();
  for (const e of ctx.endpoints) {
    const mine: Attempt[] = [];
    for (const a of e.addresses) {
      const reply = replyOf(a.tcp);
      if (reply)
        mine.push({
          address: a.address,
          family: a.family,
          port: e.candidate.port,
          kind: 'imap',
          reply,
          host: e.candidate.host,
          endpoint: e.id,
        });
    }
    own.set(e.id, mine);
    attempts.push(...mine);
  }
  for (const r of ctx.network.references) {
    const reply = replyOf(r.outcome);
    const kind = r.purpose === 'same-host-web' ? 'web' : r.purpose === 'resolver' ? 'resolver' : 'imap';
    if (reply)
      attempts.push({
        address: r.address,
        family: r.family,
        port: r.port,
        kind,
        reply,
        host: r.host,
        ...(r.purpose === 'user-reference' ? { reference: true as const } : {}),
      });
  }
  return { attempts, own };
}

/**
 * IPv6 against IPv4, per endpoint whose IPv4 connects: a failing IPv6 address is the server's
 * (refused, or IPv6 answers elsewhere in the run) or the path's (no IPv6 answer anywhere).
 */
function ipv6Picture(attempts: Attempt[], own: Map<string, Attempt[]>): Reach['ipv6'] {
  const v6Answers = attempts.filter((a) => a.family === 6 && answered(a.reply));
  const pathBroken: Attempt[] = [];
  const serviceMissing: Attempt[] = [];
  for (const mine of own.values()) {
    if (!mine.some((a) => a.family === 4 && a.reply === 'open')) continue;
    for (const a of mine) {
      if (a.family !== 6 || a.reply === 'open') continue;
      if (a.reply === 'refused') serviceMissing.push(a);
      else if (v6Answers.length === 0) pathBroken.push(a);
      else if (a.reply !== 'no-route') serviceMissing.push(a);
    }
  }
  return { pathBroken, serviceMissing };
}

/**
 * What makes silent IMAP ports (all of them, with a web port answering) the user's network's doing,
 * strongest first: the --reference server silent as well (at an address of its own), a silent
 * provider's own IMAP server, or two hosts of different names at different addresses whose web
 * ports answer. Undefined: one server of an unknown operator, which may be filtering itself.
 */
export function localBasis(attempts: readonly Attempt[]): LocalBasis | undefined {
  const own = attempts.filter((a) => a.kind === 'imap' && !a.reference && unanswered(a.reply));
  const ownAddresses = new Set(own.map((a) => a.address));
  const ref = attempts.find((a) => a.reference && unanswered(a.reply) && !ownAddresses.has(a.address));
  if (ref) return { basis: 'reference', attempt: ref };
  for (const a of own) {
    const provider = a.reply === 'silent' ? providerImapHost(a.host, a.port) : undefined;
    if (provider) return { basis: 'provider', provider, attempt: a };
  }
  const webOpen = new Set(attempts.filter((a) => a.kind === 'web' && a.reply === 'open').map((a) => a.address));
  const fronted = own.filter((a) => webOpen.has(a.address));
  const twoHosts = fronted.some((a) => fronted.some((b) => b.host !== a.host && b.address !== a.address));
  return twoHosts ? { basis: 'hosts', attempts: fronted } : undefined;
}

const cache = new WeakMap<CheckContext, Reach>();

export function reachOf(ctx: CheckContext): Reach {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const { attempts, own } = collect(ctx);
  const dns = dnsPicture(ctx.endpoints, ctx.discovery);
  const web = webFetches(ctx.discovery);
  const anyAnswer = attempts.some((a) => answered(a.reply));
  // Something besides a silent resolver must have failed: a resolver that is merely down looks the same.
  const tcpEvidence = attempts.some(
    (a) => a.kind !== 'resolver' || a.reply === 'no-route' || a.reply === 'unreachable',
  );
  const noNetwork = dns.failures.length > 0 && !dns.answered && web.length === 0 && !anyAnswer && tcpEvidence;
  const imap = attempts.filter((a) => a.kind === 'imap' && a.reply !== 'no-route');
  const mailSilent =
    !noNetwork &&
    imap.length > 0 &&
    imap.every((a) => unanswered(a.reply)) &&
    imap.some((a) => a.reply === 'silent') &&
    attempts.some((a) => a.kind === 'web' && a.reply === 'open');
  const local = mailSilent ? localBasis(attempts) : undefined;
  const reach: Reach = {
    attempts,
    own,
    dnsFailures: dns.answered ? [] : dns.failures,
    webFetches: web,
    noNetwork,
    mailSilent,
    localBlocksMail: local !== undefined,
    ...(local ? { local } : {}),
    referenceAnswered: attempts.filter((a) => a.reference && answered(a.reply)),
    ipv6: ipv6Picture(attempts, own),
  };
  cache.set(ctx, reach);
  return reach;
}

/** Ports as text, ascending and unique (params hold strings). */
export function portList(attempts: readonly Attempt[]): string[] {
  return [...new Set(attempts.map((a) => a.port))].sort((x, y) => x - y).map(String);
}

/** 'address:port', IPv6 in brackets. */
export function target(a: Attempt): string {
  return a.family === 6 ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export function addressList(attempts: readonly Attempt[]): string[] {
  return [...new Set(attempts.map((a) => a.address))];
}
