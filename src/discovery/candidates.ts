/**
 * Every source's IMAP servers → ranked, trust-graded candidates, merged by (host, port, security) with
 * all their sources; ranks: published (HTTPS/DNS) > MX-derived > plain HTTP > guessed. Trusted when the
 * channel vouches (HTTPS from the domain, ISPDB, DNSSEC, known provider) or the host is inside the
 * address's registrable domain; else unverified (RFC 6186 §6) and no password without --trust-host.
 */
import { isIP } from 'node:net';
import {
  isSourceOf,
  type RefusedTarget,
  type ServerSetting,
  type SourceId,
  type SourceResult,
} from '../model/discovery.js';
import type { Candidate, Provenance, Security, SourceRef, Trust } from '../model/evidence.js';
import { insideDomain } from './domain.js';
import { guessCandidates } from './guesses.js';
import type { ChannelTrust } from './source-kit.js';

/**
 * How a published socket type we do not understand (e.g. "TLS") is probed: implicit TLS on 993,
 * STARTTLS elsewhere. The source is reported as AUTOCONFIG_INVALID either way.
 */
export function securityForUnknown(port: number): Security {
  return port === 993 ? 'tls' : 'starttls';
}

/** Sources in the order their candidates are preferred within a rank class (Thunderbird's order first). */
const SOURCE_ORDER: SourceId[] = [
  'pacc',
  'autoconfig',
  'autoconfig-wellknown',
  'ispdb',
  'srv-imaps',
  'srv-imap',
  'autodiscover',
  'autodiscover-domain',
  'autodiscover-srv',
  'mx-autoconfig',
  'mx-autoconfig-base',
  'mx-ispdb-full',
  'mx-ispdb',
  'mx',
  'autoconfig-http',
  'autoconfig-wellknown-http',
  'guess',
];

const CLASS_OF: Record<number, Provenance> = { 1: 'published', 2: 'mx', 3: 'insecure', 4: 'guess' };

const IMAP_SRV = ['srv-imaps', 'srv-imap'] as const;

function isSrv(source: SourceId): boolean {
  return source === 'srv-imaps' || source === 'srv-imap';
}

/** The channel's own trust: SRV is plain DNS unless DNSSEC-authenticated; other sources say it themselves. */
export function channelTrust(s: SourceResult): ChannelTrust {
  if (isSrv(s.source))
    return s.authenticated
      ? { trust: 'trusted', trustReason: 'dnssec' }
      : { trust: 'unverified', trustReason: 'srv-outside-domain' };
  return { trust: s.trust, trustReason: s.trustReason };
}

/** Rank class of a source's answer: 1 published (HTTPS/DNS), 2 MX-derived, 3 plain HTTP, 4 guessed. */
export function rankClass(s: SourceResult): number {
  if (s.source === 'guess') return 4;
  if (s.source === 'mx' || s.source.startsWith('mx-')) return 2;
  if (s.trustReason === 'http' || s.trustReason === 'redirect-to-http') return 3;
  return 1;
}

/** The IMAP servers a source proposes, with security decided for the unknown socket types. */
export function imapServers(s: SourceResult): Array<ServerSetting & { security: Security }> {
  if (s.status !== 'found') return [];
  return s.servers
    .filter((x) => x.protocol === 'imap')
    .map((x) => ({ ...x, security: x.security === 'unknown' ? securityForUnknown(x.port) : x.security }));
}

/** SRV _imaps and _imap as one list: RFC 8314 §5.1 — priority decides, implicit TLS first at equal priority. */
function srvOrdered(
  sources: readonly SourceResult[],
): Array<{ s: SourceResult; x: ServerSetting & { security: Security }; priority: number }> {
  const out: Array<{ s: SourceResult; x: ServerSetting & { security: Security }; priority: number }> = [];
  for (const s of sources) {
    if (!isSourceOf(s, IMAP_SRV)) continue;
    for (const x of imapServers(s)) out.push({ s, x, priority: x.priority ?? 0 });
  }
  return out.sort(
    (a, b) => a.priority - b.priority || (a.x.security === 'tls' ? 0 : 1) - (b.x.security === 'tls' ? 0 : 1),
  );
}

export interface CandidateOptions {
  domain: string;
  trustHosts: readonly string[];
  /** --guess: add the guesses even when something was published. */
  guess: boolean;
  ports: Record<Security, number>;
  /** Ports an unverified source may name (the IMAP ports and the one the user named); default the IMAP ports. */
  allowedPorts?: ReadonlySet<number>;
  /** Some sources have not answered yet: no guesses unless --guess (whether anything is published is not known). */
  partial?: boolean;
}

export interface CandidateList {
  candidates: Candidate[];
  /** Servers unverified sources named that are not probed: IP literals and unusual ports. */
  refused: Array<{ source: SourceResult; target: RefusedTarget }>;
  /** The guesses were added (nothing published, or --guess). */
  guessed: boolean;
  /** Published settings name POP3 and no source names IMAP: guesses are skipped unless --guess. */
  popOnly: boolean;
}

interface Entry {
  c: Candidate;
  cls: number;
  order: number;
}

function refFor(s: SourceResult, x: ServerSetting, domain: string): SourceRef {
  const channel = channelTrust(s);
  const inside = insideDomain(x.host, domain);
  const trust: Trust = channel.trust === 'trusted' || inside ? 'trusted' : 'unverified';
  const trustReason =
    channel.trust === 'trusted' ? channel.trustReason : inside ? 'inside-domain' : channel.trustReason;
  return { source: s.source, ref: s.query, trust, trustReason, ...(x.username ? { username: x.username } : {}) };
}

/**
 * Why a server from this source must not be dialled, if it must not: a source that cannot be verified
 * may name host names only, on the IMAP ports or one the user named; a host the user trusts is exempt.
 */
export function steeringRefusal(
  s: SourceResult,
  x: { host: string; port: number },
  o: Pick<CandidateOptions, 'ports' | 'allowedPorts'>,
  trustHosts: ReadonlySet<string>,
): RefusedTarget | undefined {
  if (channelTrust(s).trust !== 'unverified' || trustHosts.has(x.host.toLowerCase())) return undefined;
  const target = `${x.host.includes(':') ? `[${x.host}]` : x.host}:${x.port}`;
  if (isIP(x.host) !== 0) return { target, reason: 'ip-literal' };
  const allowed = o.allowedPorts ?? new Set(Object.values(o.ports));
  return allowed.has(x.port) ? undefined : { target, reason: 'port' };
}

/** The guesses as candidates (a published one gains the guess as a source); returns the next order number. */
function addGuesses(
  entries: Map<string, Entry>,
  o: CandidateOptions,
  trustHosts: ReadonlySet<string>,
  order: number,
): number {
  const guessSource: SourceResult = {
    source: 'guess',
    query: o.domain,
    status: 'found',
    ms: 0,
    servers: [],
    trust: 'trusted',
    trustReason: 'inside-domain',
  };
  let next = order;
  for (const g of guessCandidates(o.domain, o.ports)) {
    const e = entries.get(`${g.host}:${g.port}/${g.security}`);
    if (e && !e.c.sources.some((r) => r.source === 'guess')) e.c.sources.push(...g.sources);
    if (!e)
      entries.set(`${g.host}:${g.port}/${g.security}`, {
        cls: rankClass(guessSource),
        order: next++,
        c: { ...g, userTrusted: trustHosts.has(g.host) },
      });
  }
  return next;
}

/** Merge, rank and grade every source's IMAP servers; add the guesses when nothing (usable) was published. */
export function buildCandidates(sources: readonly SourceResult[], o: CandidateOptions): CandidateList {
  const trustHosts = new Set(o.trustHosts.map((h) => h.toLowerCase()));
  const entries = new Map<string, Entry>();
  const refused: CandidateList['refused'] = [];
  let order = 0;
  const add = (s: SourceResult, x: ServerSetting & { security: Security }) => {
    const no = steeringRefusal(s, x, o, trustHosts);
    if (no) {
      refused.push({ source: s, target: no });
      return;
    }
    const key = `${x.host}:${x.port}/${x.security}`;
    const ref = refFor(s, x, o.domain);
    const cls = rankClass(s);
    const e = entries.get(key);
    if (e) {
      if (!e.c.sources.some((r) => r.source === ref.source)) e.c.sources.push(ref);
      if (ref.trust === 'trusted') e.c.trust = 'trusted';
      if (cls < e.cls) {
        e.cls = cls;
        e.c.provenance = CLASS_OF[cls] as Provenance;
      }
      if (!e.c.username && x.username) e.c.username = x.username;
      return;
    }
    entries.set(key, {
      cls,
      order: order++,
      c: {
        host: x.host,
        port: x.port,
        security: x.security,
        provenance: CLASS_OF[cls] as Provenance,
        trust: ref.trust,
        userTrusted: trustHosts.has(x.host),
        portGuessed: false,
        sources: [ref],
        ...(x.username ? { username: x.username } : {}),
      },
    });
  };
  const bySource = (id: SourceId) => sources.filter((s) => s.source === id);
  for (const id of SOURCE_ORDER) {
    if (isSrv(id)) {
      if (id === 'srv-imaps') for (const { s, x } of srvOrdered(sources)) add(s, x);
      continue;
    }
    for (const s of bySource(id)) for (const x of imapServers(s)) add(s, x);
  }
  const anyImap = entries.size > 0;
  const popOnly = !anyImap && sources.some((s) => s.status === 'found' && s.servers.some((x) => x.protocol === 'pop3'));
  const guessed = o.guess || (!o.partial && !anyImap && !popOnly);
  if (guessed) order = addGuesses(entries, o, trustHosts, order);
  const ranked = [...entries.values()].sort(
    (a, b) =>
      a.cls - b.cls || (a.c.security === 'plain' ? 1 : 0) - (b.c.security === 'plain' ? 1 : 0) || a.order - b.order,
  );
  return { candidates: ranked.map((e) => e.c), refused, guessed, popOnly };
}

/**
 * The IMAP server each publishing source would make a mail app use first (SRV _imaps and _imap
 * counted as one source, ordered as above); the provider knowledge and the guesses are not sources
 * that publish anything, so they are left out.
 */
export function firstChoices(
  sources: readonly SourceResult[],
): Array<{ source: SourceId; ref: string; host: string; port: number; security: Security }> {
  const out: Array<{ source: SourceId; ref: string; host: string; port: number; security: Security }> = [];
  const srv = srvOrdered(sources)[0];
  for (const id of SOURCE_ORDER) {
    if (id === 'mx' || id === 'guess' || id === 'srv-imap') continue;
    if (id === 'srv-imaps') {
      if (srv)
        out.push({
          source: srv.s.source,
          ref: srv.s.query,
          host: srv.x.host,
          port: srv.x.port,
          security: srv.x.security,
        });
      continue;
    }
    for (const s of sources.filter((y) => y.source === id)) {
      const x = imapServers(s)[0];
      if (x) out.push({ source: s.source, ref: s.query, host: x.host, port: x.port, security: x.security });
    }
  }
  return out;
}
