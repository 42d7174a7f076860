/**
 * Discovery from the address alone: every source at once (SRV, autoconfig ×4, ISPDB, MX → provider
 * and its ISPDB entry, MX → autoconfig and ISPDB of the MX's domains, Autodiscover ×3, PACC and its
 * obsolete form), each bounded by one step timeout (a chained second step,
 * such as MX → ISPDB, by one more), every outcome kept as a SourceResult, then the ranked,
 * trust-graded candidates. A domain whose every lookup is dropped costs one step timeout here.
 * Returns evidence only; checks/discovery judges it.
 */
import { setMaxListeners } from 'node:events';
import type { EmailAddress } from '../address.js';
import type { RunEvent } from '../events.js';
import { dnssecNetwork, type ResolverPlan } from '../dns/dnssec.js';
import type { StandardsDeps } from '../probes/standards.js';
import { createPacketResolver } from '../dns/packet-resolver.js';
import { adTrustworthy, systemServers, withoutAd, type Resolver } from '../dns/resolver.js';
import { lookupHost, type LookupAll } from '../dns/system-resolver.js';
import { isSourceOf, type DiscoveryEvidence, type SourceResult } from '../model/discovery.js';
import type { Candidate, DnsAnswer, DnsStatus, Family } from '../model/evidence.js';
import { dnsAnswered, dnsStep } from '../model/reading.js';
import { addressPolicy, allowedPorts, DEFAULTS, type RunOptions } from '../options.js';
import type { HostLookup } from '../probes/resolve.js';
import { createTrustStore } from '../probes/trust.js';
import { stepSignal } from '../util/deadline.js';
import { AUTOCONFIG_VARIANTS, autoconfigSource, ispdbSource } from './autoconfig.js';
import { autodiscoverSource, autodiscoverSrvSource } from './autodiscover.js';
import { buildCandidates } from './candidates.js';
import { createFetcher, type Fetcher } from './http.js';
import { mxSource, type MxOutcome } from './mx.js';
import { MX_DERIVED_SOURCES, mxDerivedSource } from './mx-autoconfig.js';
import { paccObsoleteSource, paccSource } from './pacc.js';
import { notRun, type SourceContext } from './source-kit.js';
import { srvSource } from './srv.js';
import { internalError } from '../errors/classify.js';

export type Discover = (address: EmailAddress, opts: RunOptions, signal: AbortSignal) => Promise<{ evidence: DiscoveryEvidence; candidates: Candidate[] }>;

export interface DiscovererDeps {
  /** SRV, MX and the resolver check go here (the --dns servers, or the system's). */
  resolver: Resolver;
  /** A/AAAA of the hosts fetched over HTTP(S); default: the OS resolver, as mail apps do. */
  lookup?: HostLookup;
  /** Replaces the HTTP(S) client (tests); default: node:https with the run's --ca-file trust. */
  fetcher?: Fetcher;
  emit?: (e: RunEvent) => void;
}

/** The doctor's HostLookup over a Resolver: A/AAAA through the same servers as discovery (--dns runs). */
export function hostLookupFor(resolver: Resolver): HostLookup {
  return (name: string, family: Family, signal: AbortSignal): Promise<DnsAnswer<string>> => resolver.query<string>(name, family === 4 ? 'A' : 'AAAA', signal);
}

/** One answer per (name, family) for the whole discovery run: the http and https fetches of a host share it. */
function memoLookup(lookup: HostLookup): HostLookup {
  const seen = new Map<string, Promise<DnsAnswer<string>>>();
  return (name, family, signal) => {
    const key = `${name.toLowerCase()}/${family}`;
    let p = seen.get(key);
    if (!p) {
      p = lookup(name, family, signal);
      seen.set(key, p);
    }
    return p;
  };
}

/**
 * The resolver and host lookup of a run: the --dns servers for everything when given (hermetic),
 * else the system's servers for SRV/MX and the OS resolver for host addresses. One DNS try fits
 * in a step timeout.
 */
export function discoveryNetwork(opts: Pick<RunOptions, 'dnsServers' | 'timeoutMs'>, system?: LookupAll): { resolver: Resolver; lookup: HostLookup } {
  const plan = resolverPlan(opts);
  const packet = createPacketResolver({ servers: plan.servers, timeoutMs: plan.tryMs, retries: plan.retries });
  const resolver = adTrustworthy(plan.servers, plan.userNamed) ? packet : withoutAd(packet);
  const lookup: HostLookup = opts.dnsServers.length > 0 ? hostLookupFor(resolver) : (name, family, signal) => lookupHost(name, family, opts.timeoutMs, signal, system);
  return { resolver, lookup };
}

/** The --dns servers (or the system's), each with its tries within one step, so a dead first server leaves time for the next. */
export function resolverPlan(opts: Pick<RunOptions, 'dnsServers' | 'timeoutMs'>): ResolverPlan {
  const tries = DEFAULTS.dnsRetries + 1;
  const userNamed = opts.dnsServers.length > 0;
  const servers = userNamed ? opts.dnsServers : systemServers();
  return { servers, userNamed, tryMs: Math.max(100, Math.floor(opts.timeoutMs / (tries * Math.max(1, servers.length)))), retries: DEFAULTS.dnsRetries };
}

/**
 * Everything the doctor needs for discovery, in one call: `runDoctor(opts, { ...discoveryDeps(opts, emit), … })`.
 * `system` does the getaddrinfo lookups (the CLI's lookup helper); default in-process.
 */
export function discoveryDeps(opts: RunOptions, emit?: (e: RunEvent) => void, system?: LookupAll): { lookup: HostLookup; discover: Discover; standards: StandardsDeps } {
  const { resolver, lookup } = discoveryNetwork(opts, system);
  const fetch = createFetcher({ lookup, trust: createTrustStore(opts.caPem), maxBytes: DEFAULTS.maxBodyBytes, maxRedirects: DEFAULTS.maxRedirects, policy: addressPolicy(opts) });
  return {
    lookup,
    discover: createDiscoverer({ resolver, lookup, ...(emit ? { emit } : {}) }),
    standards: { dnssec: dnssecNetwork(resolverPlan(opts)), fetch },
  };
}

/** Margin over two step timeouts before the discovery phase itself gives up. */
const PHASE_SLACK_MS = 250;

export function createDiscoverer(deps: DiscovererDeps): Discover {
  return async (address, opts, signal) => {
    const emit = deps.emit ?? (() => undefined);
    // The whole phase: first steps run at once (one step timeout), chained second steps get one more.
    const phase = stepSignal(signal, 2 * opts.timeoutMs + PHASE_SLACK_MS);
    setMaxListeners(0, phase);
    const ctx = sourceContext(address, opts, deps, phase);
    const track = async (name: string, work: Promise<SourceResult>): Promise<SourceResult> => {
      emit({ kind: 'source', source: name, state: 'start' });
      const r = await work.catch((err: unknown): SourceResult => crashed(name, err));
      emit({ kind: 'source', source: name, state: 'done', status: r.status });
      return r;
    };
    const root = deps.resolver.query('.', 'NS', ctx.step());
    const mx = mxSource(ctx);
    const sources = await Promise.all([
      track('srv-imaps', srvSource(ctx, 'imaps')),
      track('srv-imap', srvSource(ctx, 'imap')),
      track('srv-submissions', srvSource(ctx, 'submissions')),
      track('srv-submission', srvSource(ctx, 'submission')),
      ...AUTOCONFIG_VARIANTS.map((v) => track(v, autoconfigSource(ctx, v))),
      track('ispdb', ispdbSource(ctx, 'ispdb', ctx.domain)),
      track('mx', mx.then((m) => m.result)),
      track('mx-ispdb', mx.then((m) => mxIspdbSource(ctx, m))),
      track('autodiscover', autodiscoverSource(ctx, 'autodiscover')),
      track('autodiscover-domain', autodiscoverSource(ctx, 'autodiscover-domain')),
      track('autodiscover-srv', autodiscoverSrvSource(ctx)),
      ...newerSources(ctx, mx).map(([id, work]) => track(id, work)),
    ]);
    const m = await mx.catch(() => undefined);
    const rootAnswer = await root;
    const mxResult = sources.find((s) => isSourceOf(s, ['mx']));
    if (mxResult?.facts) mxResult.facts.resolverCheck = `. NS → ${rootAnswer.status} (${Math.round(rootAnswer.ms)} ms)`;

    const list = buildCandidates(sources, { domain: ctx.domain, trustHosts: opts.trustHosts, guess: opts.guess, ports: opts.imapPorts, allowedPorts: allowedPorts(opts) });
    for (const r of list.refused) r.source.refused = [...(r.source.refused ?? []), r.target];
    sources.push(guessSource(ctx.domain, list, opts.guess));
    const evidence: DiscoveryEvidence = {
      domain: ctx.domain,
      sources,
      ...(m?.provider ? { provider: m.provider } : {}),
      resolverWorking: resolverWorking(sources, rootAnswer.status),
    };
    return { evidence, candidates: list.candidates };
  };
}

/** The ISPDB entry of the MX's provider domain (MXBASEDOMAIN), when it differs from the address's. */
function mxIspdbSource(ctx: SourceContext, m: MxOutcome): Promise<SourceResult> {
  if (m.providerDomain) return ispdbSource(ctx, 'mx-ispdb', m.providerDomain);
  return Promise.resolve(notRun('mx-ispdb', m.hosts[0] ?? ctx.domain, 'skipped', m.hosts.length > 0 ? 'mx-inside-domain' : 'no-mx-host'));
}

/** PACC, its obsolete form, and the autoconfig-06 lookups derived from the MX. */
function newerSources(ctx: SourceContext, mx: Promise<MxOutcome>): Array<[SourceResult['source'], Promise<SourceResult>]> {
  return [
    ['pacc', paccSource(ctx)],
    ['pacc-obsolete', paccObsoleteSource(ctx)],
    ...MX_DERIVED_SOURCES.map((id): [SourceResult['source'], Promise<SourceResult>] => [id, mx.then((m) => mxDerivedSource(ctx, id, m))]),
  ];
}

/** What every source of one discovery run shares: the address, DNS, HTTP(S), bounds and one step signal each. */
function sourceContext(address: EmailAddress, opts: RunOptions, deps: DiscovererDeps, phase: AbortSignal): SourceContext {
  const lookup = memoLookup(deps.lookup ?? ((name, family, s) => lookupHost(name, family, opts.timeoutMs, s)));
  const fetch =
    deps.fetcher ?? createFetcher({ lookup, trust: createTrustStore(opts.caPem), maxBytes: DEFAULTS.maxBodyBytes, maxRedirects: DEFAULTS.maxRedirects, policy: addressPolicy(opts) });
  return {
    address,
    domain: address.domain,
    who: { address: address.address, localPart: address.localPart, domain: address.domain },
    resolver: deps.resolver,
    lookup,
    fetch,
    timeoutMs: opts.timeoutMs,
    maxBytes: DEFAULTS.maxBodyBytes,
    sendAddress: opts.sendAddress,
    ispdbUrl: opts.ispdb ? opts.ispdbUrl : null,
    trustHosts: new Set(opts.trustHosts.map((h) => h.toLowerCase())),
    step: () => {
      // One step's signal is shared by its DNS queries, TCP/TLS and redirects: more than 10 listeners is normal.
      const s = stepSignal(phase, opts.timeoutMs);
      setMaxListeners(0, s);
      return s;
    },
  };
}

/** Does the resolver work? Yes when the root or any source's DNS step was answered; no when all were asked and none answered; null when none asked. */
function resolverWorking(sources: readonly SourceResult[], root: DnsStatus): boolean | null {
  const statuses = sources.flatMap((s) => dnsStep(s)?.dnsStatus ?? []);
  if (dnsAnswered(root) || statuses.some(dnsAnswered)) return true;
  return statuses.length > 0 ? false : null;
}

/** The guesses as a source of their own, saying why they were (not) made. */
function guessSource(domain: string, list: ReturnType<typeof buildCandidates>, asked: boolean): SourceResult {
  const guesses = list.candidates.filter((c) => c.sources.some((s) => s.source === 'guess'));
  return {
    source: 'guess',
    query: domain,
    status: list.guessed ? 'found' : 'skipped',
    ms: 0,
    servers: guesses.map((c) => ({ protocol: 'imap', type: 'imap', host: c.host, port: c.port, security: c.security })),
    trust: 'trusted',
    trustReason: 'inside-domain',
    facts: { reason: list.guessed ? (asked ? 'guess-asked' : 'nothing-usable-published') : list.popOnly ? 'pop3-only' : 'settings-published' },
  };
}

/** A source that threw (a doctor bug): kept as evidence rather than losing the run. */
function crashed(source: string, err: unknown): SourceResult {
  const facts = { reason: 'internal-error' as const };
  return { ...notRun(source as SourceResult['source'], source, 'skipped', 'internal-error'), facts, error: internalError(err) };
}

export { buildCandidates, securityForUnknown } from './candidates.js';
