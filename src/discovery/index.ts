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
import { runDnsCache, type DnsCache } from '../dns/cache.js';
import { createPacketResolver } from '../dns/packet-resolver.js';
import { RUN_DNSSEC } from '../dns/query.js';
import { raceLookup } from '../dns/race.js';
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
import { buildCandidates, type CandidateOptions } from './candidates.js';
import { createFetcher, type Fetcher } from './http.js';
import type { Io } from '../io.js';
import { mxSource, type MxOutcome } from './mx.js';
import { MX_DERIVED_SOURCES, mxDerivedSource } from './mx-autoconfig.js';
import { paccObsoleteSource, paccSource } from './pacc.js';
import { notRun, type SourceContext } from './source-kit.js';
import { srvSource } from './srv.js';
import { internalError } from '../errors/classify.js';

/**
 * Discovery of one address. `onCandidates`, when given, hears the candidates known so far each time a
 * source answers (unranked, without the guesses unless --guess; steering refusals already applied), so
 * probing can start before the slowest source; the promise holds the final, ranked list.
 */
export type Discover = (
  address: EmailAddress,
  opts: RunOptions,
  signal: AbortSignal,
  onCandidates?: (candidates: Candidate[]) => void,
) => Promise<{ evidence: DiscoveryEvidence; candidates: Candidate[] }>;

export interface DiscovererDeps {
  /** SRV, MX and the resolver check go here (the --dns servers, or the system's). */
  resolver: Resolver;
  /** A/AAAA of the hosts fetched over HTTP(S); default: the OS resolver, as mail apps do. */
  lookup?: HostLookup;
  /** Replaces the HTTP(S) client (tests); default: node:https with the run's --ca-file trust. */
  fetcher?: Fetcher;
  /** Where the default fetcher's connections go (DoctorDeps.io); default Node's own. */
  io?: Io;
  emit?: (e: RunEvent) => void;
}

/** The doctor's HostLookup over a Resolver: A/AAAA through the same servers as discovery (--dns runs). */
export function hostLookupFor(resolver: Resolver): HostLookup {
  return (name: string, family: Family, signal: AbortSignal): Promise<DnsAnswer<string>> =>
    resolver.query<string>(name, family === 4 ? 'A' : 'AAAA', signal);
}

/**
 * The resolver and host lookup of a run, on one DNS cache (discovery and probes ask each name once,
 * lookups in flight merged): the --dns servers for everything when given (hermetic), else the
 * system's servers for SRV/MX and, for host addresses, getaddrinfo raced with the same servers
 * (src/dns/race.ts). One DNS try is at most one retransmit interval; the tries fill a step timeout.
 */
export function discoveryNetwork(
  opts: Pick<RunOptions, 'dnsServers' | 'timeoutMs'>,
  system?: LookupAll,
  cache: DnsCache = runDnsCache(opts.timeoutMs),
): { resolver: Resolver; lookup: HostLookup } {
  const plan = resolverPlan(opts);
  const packet = createPacketResolver({
    servers: plan.servers,
    timeoutMs: plan.tryMs,
    retries: plan.retries,
    dnssecOk: RUN_DNSSEC.ok,
  });
  const resolver = cache.resolver(adTrustworthy(plan.servers, plan.userNamed) ? packet : withoutAd(packet));
  const own = hostLookupFor(resolver);
  const lookup: HostLookup =
    opts.dnsServers.length > 0
      ? own
      : cache.lookup(
          raceLookup((name, family, signal) => lookupHost(name, family, opts.timeoutMs, signal, system), own),
        );
  return { resolver, lookup };
}

/**
 * The --dns servers (or the system's), each with its tries within one step, so a dead first server
 * leaves time for the next; a try waits at most DEFAULTS.dnsRetransmitMs, so a lost answer costs that much.
 */
export function resolverPlan(opts: Pick<RunOptions, 'dnsServers' | 'timeoutMs'>): ResolverPlan {
  const userNamed = opts.dnsServers.length > 0;
  const servers = userNamed ? opts.dnsServers : systemServers();
  const perServer = Math.max(DEFAULTS.dnsTryFloorMs, Math.floor(opts.timeoutMs / Math.max(1, servers.length)));
  const tryMs = Math.min(
    DEFAULTS.dnsRetransmitMs,
    Math.max(DEFAULTS.dnsTryFloorMs, Math.floor(perServer / (DEFAULTS.dnsRetries + 1))),
  );
  return { servers, userNamed, tryMs, retries: Math.max(DEFAULTS.dnsRetries, Math.floor(perServer / tryMs) - 1) };
}

/**
 * Everything the doctor needs for discovery, in one call: `runDoctor(opts, { ...discoveryDeps(opts, emit), … })`.
 * `system` does the getaddrinfo lookups (the CLI's lookup helper); default in-process.
 */
export function discoveryDeps(
  opts: RunOptions,
  emit?: (e: RunEvent) => void,
  system?: LookupAll,
  io?: Io,
): { lookup: HostLookup; discover: Discover; standards: StandardsDeps } {
  const { resolver, lookup } = discoveryNetwork(opts, system);
  const fetch = createFetcher({
    lookup,
    trust: createTrustStore(opts.caPem),
    maxBytes: DEFAULTS.maxBodyBytes,
    maxRedirects: DEFAULTS.maxRedirects,
    policy: addressPolicy(opts),
    ...(io ? { io } : {}),
  });
  return {
    lookup,
    discover: createDiscoverer({ resolver, lookup, ...(emit ? { emit } : {}), ...(io ? { io } : {}) }),
    standards: { dnssec: dnssecNetwork(resolverPlan(opts), resolver), fetch },
  };
}

export function createDiscoverer(deps: DiscovererDeps): Discover {
  return async (address, opts, signal, onCandidates) => {
    const emit = deps.emit ?? (() => undefined);
    // The whole phase: first steps run at once (one step timeout), chained second steps get one more.
    const phase = stepSignal(signal, 2 * opts.timeoutMs + DEFAULTS.discoveryPhaseSlackMs);
    setMaxListeners(0, phase);
    const ctx = sourceContext(address, opts, deps, phase);
    const candidateOptions = {
      domain: ctx.domain,
      trustHosts: opts.trustHosts,
      guess: opts.guess,
      ports: opts.imapPorts,
      allowedPorts: allowedPorts(opts),
    };
    const track = sourceTracker(emit, candidateOptions, onCandidates);
    const root = deps.resolver.query('.', 'NS', ctx.step());
    const mx = mxSource(ctx);
    const sources = await Promise.all([
      track('srv-imaps', srvSource(ctx, 'imaps')),
      track('srv-imap', srvSource(ctx, 'imap')),
      track('srv-submissions', srvSource(ctx, 'submissions')),
      track('srv-submission', srvSource(ctx, 'submission')),
      ...AUTOCONFIG_VARIANTS.map((v) => track(v, autoconfigSource(ctx, v))),
      track('ispdb', ispdbSource(ctx, 'ispdb', ctx.domain)),
      track(
        'mx',
        mx.then((m) => m.result),
      ),
      track(
        'mx-ispdb',
        mx.then((m) => mxIspdbSource(ctx, m)),
      ),
      track('autodiscover', autodiscoverSource(ctx, 'autodiscover')),
      track('autodiscover-domain', autodiscoverSource(ctx, 'autodiscover-domain')),
      track('autodiscover-srv', autodiscoverSrvSource(ctx)),
      ...newerSources(ctx, mx).map(([id, work]) => track(id, work)),
    ]);
    const m = await mx.catch(() => undefined);
    const rootAnswer = await root;
    const mxResult = sources.find((s) => isSourceOf(s, ['mx']));
    if (mxResult?.facts) mxResult.facts.resolverCheck = { status: rootAnswer.status, ms: Math.round(rootAnswer.ms) };

    const list = buildCandidates(sources, candidateOptions);
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

/** Runs one source's work as `name`: start and done events, a throw kept as a crashed source, the partial candidates after each answer. */
function sourceTracker(
  emit: (e: RunEvent) => void,
  candidateOptions: CandidateOptions,
  onCandidates?: (candidates: Candidate[]) => void,
): (name: string, work: Promise<SourceResult>) => Promise<SourceResult> {
  const answered: SourceResult[] = [];
  return async (name, work) => {
    emit({ kind: 'source', source: name, state: 'start' });
    const r = await work.catch((err: unknown): SourceResult => crashed(name, err));
    emit({ kind: 'source', source: name, state: 'done', status: r.status });
    answered.push(r);
    try {
      onCandidates?.(buildCandidates(answered, { ...candidateOptions, partial: true }).candidates);
    } catch {
      // Only an early start is lost: the final list is built (and probed) all the same, a bug there surfaces.
    }
    return r;
  };
}

/** The ISPDB entry of the MX's provider domain (MXBASEDOMAIN), when it differs from the address's. */
function mxIspdbSource(ctx: SourceContext, m: MxOutcome): Promise<SourceResult> {
  if (m.providerDomain) return ispdbSource(ctx, 'mx-ispdb', m.providerDomain);
  return Promise.resolve(
    notRun('mx-ispdb', m.hosts[0] ?? ctx.domain, 'skipped', m.hosts.length > 0 ? 'mx-inside-domain' : 'no-mx-host'),
  );
}

/** PACC, its obsolete form, and the autoconfig-06 lookups derived from the MX. */
function newerSources(
  ctx: SourceContext,
  mx: Promise<MxOutcome>,
): Array<[SourceResult['source'], Promise<SourceResult>]> {
  return [
    ['pacc', paccSource(ctx)],
    ['pacc-obsolete', paccObsoleteSource(ctx)],
    ...MX_DERIVED_SOURCES.map((id): [SourceResult['source'], Promise<SourceResult>] => [
      id,
      mx.then((m) => mxDerivedSource(ctx, id, m)),
    ]),
  ];
}

/** What every source of one discovery run shares: the address, DNS, HTTP(S), bounds and one step signal each. */
function sourceContext(
  address: EmailAddress,
  opts: RunOptions,
  deps: DiscovererDeps,
  phase: AbortSignal,
): SourceContext {
  // The run's lookup is cached already (discoveryDeps); this cache makes any other one ask each name once too.
  const lookup = runDnsCache(opts.timeoutMs).lookup(
    deps.lookup ?? ((name, family, s) => lookupHost(name, family, opts.timeoutMs, s)),
  );
  const fetch =
    deps.fetcher ??
    createFetcher({
      lookup,
      trust: createTrustStore(opts.caPem),
      maxBytes: DEFAULTS.maxBodyBytes,
      maxRedirects: DEFAULTS.maxRedirects,
      policy: addressPolicy(opts),
      ...(deps.io ? { io: deps.io } : {}),
    });
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
    facts: {
      reason: list.guessed
        ? asked
          ? 'guess-asked'
          : 'nothing-usable-published'
        : list.popOnly
          ? 'pop3-only'
          : 'settings-published',
    },
  };
}

/** A source that threw (a doctor bug): kept as evidence rather than losing the run. */
function crashed(source: string, err: unknown): SourceResult {
  const facts = { reason: 'internal-error' as const };
  return {
    ...notRun(source as SourceResult['source'], source, 'skipped', 'internal-error'),
    facts,
    error: internalError(err),
  };
}

export { buildCandidates, securityForUnknown } from './candidates.js';
