/**
 * The pipeline: address → candidates → probe every endpoint in parallel → logins by policy →
 * checks → report. Prints nothing and touches no `process` state; all I/O comes in through
 * `deps`. An unexpected exception becomes an INTERNAL_ERROR finding and the report still builds.
 */
import { parseAddress, type EmailAddress } from './address.js';
import { cutStepText, cutSteps } from './model/reading.js';
import type { EventSink, RunEvent } from './events.js';
import type { DiscoveryEvidence } from './model/discovery.js';
import { internalError, internalFinding, type InternalWhere } from './errors/classify.js';
import {
  endpointId,
  type AddressProbe,
  type Candidate,
  type EndpointEvidence,
  type NetworkEvidence,
} from './model/evidence.js';
import type { Finding } from './model/finding.js';
import type { Report } from './model/report.js';
import { EVIDENCE_VERSION, type RunEvidence } from './model/run-evidence.js';
import { addressPolicy, DEFAULTS, referenceText, typedValues, type RunOptions } from './options.js';
import { decideLogin } from './policy.js';
import { tryLogin, type LoginParams } from './probes/auth.js';
import { probeEndpoint } from './probes/endpoint.js';
import { KeptConnections } from './probes/kept.js';
import { startStandards, type StandardsDeps } from './probes/standards.js';
import { HeadStart, probeNetwork, UserReference } from './probes/network.js';
import { resolveHost, type HostLookup } from './probes/resolve.js';
import { createTrustStore, type TrustStore } from './probes/trust.js';
import { guessCandidates } from './discovery/guesses.js';
import type { Discover } from './discovery/index.js';
import { EndpointStream } from './endpoint-stream.js';
import { userCandidates } from './discovery/user.js';
import { abortKind, startRunClock, type RunClock } from './util/deadline.js';
import { recordStageStarts, stampStarts, type StageStarts } from './util/stage-starts.js';
import type { Io } from './io.js';

/**
 * Everything the run reaches the world through: connections, TLS and the clock (`io`), name lookups
 * (`lookup`), and discovery and the standards probes with their resolver and HTTP fetcher built over
 * the same (`discover`, `standards`: `discoveryDeps(opts, emit, system, io)`).
 */
export interface DoctorDeps {
  /** A/AAAA lookups for endpoint hosts. */
  lookup: HostLookup;
  emit: EventSink;
  /** Connect, TLS and the clock every probe uses (the CLI passes NODE_IO; tests an in-memory one). */
  io: Io;
  version: string;
  /** Node.js version, for the report (the CLI passes process.versions.node). */
  node?: string;
  /** Discovery from the address alone; absent → guesses only. */
  discover?: Discover;
  /** Lets the CLI abort the run on Ctrl-C. */
  onClock?: (clock: RunClock) => void;
  /** Receives the gathered evidence before it is judged (--save-evidence, --include-evidence). */
  onEvidence?: (evidence: RunEvidence) => void;
  /** Called once at the start: lets the CLI's deadline backstop build a report of what is known so far. */
  onProgress?: (p: RunProgress) => void;
  /** DNSSEC questions (DANE) and issuer-metadata fetches; absent → neither is gathered. */
  standards?: StandardsDeps;
  /** Probes one endpoint; default probeEndpoint (a batch shares the pre-login probes per endpoint). */
  probe?: typeof probeEndpoint;
  /** The trust store (--ca-file); default one per run (a batch shares one: same CAs, built once). */
  trust?: TrustStore;
}

function optionsEcho(o: RunOptions): Report['input']['options'] {
  return {
    host: o.host ?? null,
    port: o.port ?? null,
    security: o.security ?? null,
    user: o.credentials?.user ?? o.user ?? null,
    login: o.credentials !== null,
    credentialSource: o.credentials?.from ?? null,
    caFiles: o.caFiles,
    timeoutMs: o.timeoutMs,
    deadlineMs: o.deadlineMs,
    dns: o.dnsServers,
    resolve: Object.entries(o.pinned).map(([h, a]) => `${h}=${a.join(',')}`),
    ...(o.reference ? { reference: referenceText(o.reference) } : {}),
    ispdb: o.ispdb ? o.ispdbUrl : false,
    sendAddress: o.sendAddress,
    guess: o.guess,
    maxEndpoints: o.maxEndpoints,
    trustHosts: o.trustHosts,
    oauthDiscover: o.oauthDiscover,
    transcript: o.transcript,
    redact: o.redact,
    noPrivate: o.noPrivate,
    sessions: o.sessions,
    ...(o.batch ? { batch: true } : {}),
  };
}

/** The run's clocks, and deps whose events also record when each stage began (for the timeline). */
function beginRun(given: DoctorDeps): { started: Date; t0: number; starts: StageStarts; deps: DoctorDeps } {
  const mono = () => given.io.clock.mono();
  const t0 = mono();
  const starts = recordStageStarts(t0, mono);
  return {
    started: given.io.clock.now(),
    t0,
    starts,
    deps: { ...given, emit: (e) => (starts.observe(e), given.emit(e)) },
  };
}

/** Everything a run has gathered so far: the report is built from it at the end, or early by the backstop. */
interface RunState {
  opts: RunOptions;
  deps: DoctorDeps;
  address: EmailAddress;
  user: string;
  startedAt: Date;
  t0: number;
  clock: RunClock;
  extra: Finding[];
  discovery: DiscoveryEvidence | null;
  candidates: Candidate[];
  /** Endpoints by rank; filled as each finishes, so a partial report has what is done. */
  endpoints: EndpointEvidence[];
  network: NetworkEvidence;
  deadlineHit: string[];
  interrupted: string[] | null;
}

/** What the CLI's backstop needs: a report of what is known right now (the run itself goes on). */
export interface RunProgress {
  /** The evidence gathered so far and its report, with INTERNAL_ERROR saying the run stopped `where`. */
  partial(where: InternalWhere): { evidence: RunEvidence; report: Report };
}

export async function runDoctor(opts: RunOptions, given: DoctorDeps): Promise<Report> {
  // The judging half (checks, report) loads while the first packets are out and is awaited at the end;
  // a run that reports progress (the CLI's backstop) needs it from the start (the CLI has it loaded already).
  const judging = import('./report/judge.js');
  judging.catch(() => undefined); // a failure surfaces where it is awaited, not as an unhandled rejection
  const checks = given.onProgress ? await judging : null;
  const { started, t0, starts, deps } = beginRun(given);
  const address = parseAddress(opts.address);
  const clock = startRunClock(opts.deadlineMs);
  deps.onClock?.(clock);
  const state: RunState = {
    opts,
    deps,
    address,
    user: opts.credentials?.user ?? opts.user ?? address.address,
    startedAt: started,
    t0,
    clock,
    extra: [],
    discovery: null,
    candidates: [],
    endpoints: [],
    network: { references: [], clock: [] },
    deadlineHit: [],
    interrupted: null,
  };
  if (checks) {
    deps.onProgress?.({
      partial: (where) => {
        const evidence = evidenceOf(state, [internalFinding(where, 'the run did not end within its deadline')]);
        return { evidence, report: checks.judgeEvidence(evidence) };
      },
    });
  }
  try {
    await gather(state);
  } catch (err) {
    state.extra.push(internalFinding({ step: 'run' }, err));
  } finally {
    clock.dispose();
  }
  deps.emit({ kind: 'phase', phase: 'checks' });
  stampStarts(starts, state.endpoints, state.discovery);
  const evidence = evidenceOf(state);
  deps.onEvidence?.(evidence);
  // As of the run's start, as a re-judging of this evidence would (show --rejudge).
  return (await judging).judgeEvidence(evidence);
}

/**
 * Discovery, probes, reference probes and logins, each phase's crash kept as INTERNAL_ERROR with its stage.
 * Streaming: each endpoint is probed the moment a source names it (src/endpoint-stream.ts); the ranking,
 * the trust of each candidate and so every login decision wait for the final candidate list.
 */
async function gather(s: RunState): Promise<void> {
  const { opts, deps, clock } = s;
  const trust = deps.trust ?? createTrustStore(opts.caPem);
  const standards = startStandards(deps.standards, opts, clock.signal);
  const policy = addressPolicy(opts);
  const { netCtx, head } = networkContext(s, policy);
  const emit = (e: RunEvent) => {
    head.observe(e);
    deps.emit(e);
  };
  // With credentials, each probed connection fit for a login stays open for it (one connection per address).
  const kept = opts.credentials ? new KeptConnections() : undefined;
  const ctx = {
    io: deps.io,
    lookup: deps.lookup,
    pinned: opts.pinned,
    policy,
    trust,
    timeoutMs: opts.timeoutMs,
    run: clock.signal,
    maxLineBytes: DEFAULTS.maxLineBytes,
    transcript: opts.transcript,
    emit,
    ...(kept ? { keep: kept.offer } : {}),
  };
  const stream = endpointStream(s, ctx, standards);
  const offer = (candidates: Candidate[]) => {
    // Kept as the run's candidates until the final list replaces them (a crash in discovery keeps these).
    s.candidates = candidates;
    stream.offer(candidates);
  };
  try {
    s.candidates = await candidatesFor(s.address, opts, deps, clock.signal, offer, (d) => (s.discovery = d));
  } catch (err) {
    s.extra.push(internalFinding({ step: 'discovery' }, err));
  }
  deps.emit({ kind: 'phase', phase: 'probing' });
  try {
    await afterDiscovery(s, stream.settle(s.candidates), { netCtx, head, ctx, standards, trust, kept });
  } finally {
    kept?.closeAll();
  }
  const cut = cutStepTexts(s.endpoints);
  if (clock.signal.aborted && abortKind(clock.signal) === 'interrupted') s.interrupted = cut;
  else s.deadlineHit.push(...cut);
}

type ProbeContext = Parameters<typeof probeEndpoint>[2];

/** The reference probes' context, and their head start: web-port references begin early beside connects that hang, so a firewall costs ~one timeout. */
function networkContext(s: RunState, policy: ReturnType<typeof addressPolicy>) {
  const { opts, deps, clock } = s;
  const target = opts.reference;
  const reference =
    target &&
    new UserReference(target, {
      resolve: (step) => resolveHost(target.host, deps.lookup, opts.pinned, step, policy),
      timeoutMs: opts.timeoutMs,
      run: clock.signal,
      io: deps.io,
    });
  const netCtx = {
    io: deps.io,
    timeoutMs: opts.timeoutMs,
    run: clock.signal,
    referencePorts: opts.referencePorts,
    imapPorts: opts.imapPorts,
    discovery: s.discovery,
    dnsServers: opts.dnsServers,
    reference,
  };
  const head = new HeadStart({
    ...netCtx,
    startAfterMs: Math.min(DEFAULTS.headStartMaxMs, Math.round(opts.timeoutMs / DEFAULTS.headStartDivisor)),
  });
  return { netCtx, head };
}

/** Probes each endpoint once, the moment a source names it (its DANE lookups start with it); a crash is kept as such. */
function endpointStream(s: RunState, ctx: ProbeContext, standards: ReturnType<typeof startStandards>): EndpointStream {
  return new EndpointStream(
    async (c, i) => {
      standards.add([c]);
      const e = await (s.deps.probe ?? probeEndpoint)(c, i, ctx).catch((err: unknown) => crashedEndpoint(c, i, err));
      s.endpoints.push(e);
      return e;
    },
    s.opts.maxEndpoints,
    DEFAULTS.concurrency,
  );
}

/** What the phases after discovery share. */
interface PhaseEnv {
  netCtx: ReturnType<typeof networkContext>['netCtx'];
  head: HeadStart;
  ctx: ProbeContext;
  standards: ReturnType<typeof startStandards>;
  trust: TrustStore;
  kept: KeptConnections | undefined;
}

/** With the final ranking: reference probes once every probe ended, each login as soon as its turn comes, DANE and issuer metadata beside them. */
async function afterDiscovery(
  s: RunState,
  ranked: ReadonlyArray<Promise<EndpointEvidence>>,
  env: PhaseEnv,
): Promise<void> {
  const { opts, deps, clock } = s;
  const all = Promise.all(ranked).then((e) => (s.endpoints = e));
  const internal = (where: InternalWhere, err: unknown) => s.extra.push(internalFinding(where, err));
  const network = all
    .then((e) => probeNetwork(e, { ...env.netCtx, discovery: s.discovery }, env.head))
    .then(
      (n) => void (s.network = n),
      (err: unknown) => internal({ step: 'network' }, err),
    );
  all.then(
    () => deps.emit({ kind: 'phase', phase: 'login' }),
    () => undefined,
  );
  const loginDeps = { ...deps, started: s.startedAt, kept: env.kept };
  // Each login starts once its own probe and every better-ranked one have ended; --oauth-discover picks among all first.
  const logins = opts.oauthDiscover
    ? all.then(async (e) => {
        await env.standards
          .oauthProbe(e, { ...env.ctx, emit: deps.emit, user: s.user })
          .catch((err: unknown) => internal({ step: 'oauth-discover' }, err));
        await runLogins(ranked, opts, s.user, env.trust, clock, loginDeps, internal);
      })
    : runLogins(ranked, opts, s.user, env.trust, clock, loginDeps, internal);
  // DANE lookups ran beside the probes; issuer metadata is fetched beside the logins.
  const finishing = all
    .then((e) => env.standards.finish(e, s.discovery))
    .catch((err: unknown) => internal({ step: 'standards' }, err));
  await Promise.all([network, logins, finishing]);
}

/**
 * A probe that crashed outside its own stages (a doctor bug): nothing was learnt, so the evidence says
 * exactly that (INTERNAL, reported once as INTERNAL_ERROR) and no check reads a failure into it.
 */
function crashedEndpoint(c: Candidate, rank: number, err: unknown): EndpointEvidence {
  const id = endpointId(c);
  return {
    id,
    rank,
    candidate: c,
    resolve: { crashed: 'probe', ms: 0, addresses: [], error: internalError(err) },
    addresses: [],
    login: { state: 'withheld', reason: 'internal-error' },
  };
}

/** What the deadline (or Ctrl-C) cut short, for the report. */
function cutStepTexts(endpoints: readonly EndpointEvidence[]): string[] {
  return endpoints.flatMap((e) => cutSteps(e).map(cutStepText));
}

/** The evidence gathered so far, with what the checks need to judge it; `more` adds findings (the backstop's). */
function evidenceOf(s: RunState, more: Finding[] = []): RunEvidence {
  const { opts, deps } = s;
  return {
    evidenceVersion: EVIDENCE_VERSION,
    tool: { name: 'imap-doctor', version: deps.version, node: deps.node ?? 'unknown' },
    address: s.address.address,
    user: s.user,
    startedAt: s.startedAt.toISOString(),
    durationMs: Math.round(deps.io.clock.mono() - s.t0),
    options: optionsEcho(opts),
    judging: {
      expiryWarningDays: opts.expiryWarningDays,
      timeoutMs: opts.timeoutMs,
      deadlineMs: opts.deadlineMs,
      credentials: opts.credentials ? (opts.credentials.oauthToken ? 'oauth' : 'password') : null,
      ...(opts.noLoginReason ? { noLoginReason: opts.noLoginReason } : {}),
      transcript: opts.transcript,
      deadlineHit: s.deadlineHit,
      interrupted: s.interrupted,
    },
    discovery: s.discovery,
    network: s.network,
    candidates: s.candidates,
    endpoints: s.endpoints.filter((e): e is EndpointEvidence => e !== undefined),
    runErrors: [...s.extra, ...more],
  };
}

/** The run's candidates, final and ranked; each one is also offered for probing as soon as it is known. */
async function candidatesFor(
  address: EmailAddress,
  opts: RunOptions,
  deps: DoctorDeps,
  signal: AbortSignal,
  offer: (c: Candidate[]) => void,
  setDiscovery: (d: DiscoveryEvidence) => void,
): Promise<Candidate[]> {
  if (opts.host) return userCandidates(opts.host, opts.port, opts.security, opts.imapPorts);
  if (deps.discover && opts.discovery) {
    deps.emit({ kind: 'phase', phase: 'discovery' });
    const d = await deps.discover(address, opts, signal, offer);
    setDiscovery(d.evidence);
    return d.candidates;
  }
  return guessCandidates(address.domain, opts.imapPorts);
}

/** What the login probe of one endpoint needs: where, who, the secret, the trust store and the bounds. */
function loginParams(
  e: EndpointEvidence,
  a: AddressProbe,
  opts: RunOptions,
  user: string,
  trust: TrustStore,
  run: AbortSignal,
  version: string,
  afterLogin?: LoginParams['afterLogin'],
): LoginParams {
  const creds = opts.credentials;
  return {
    host: e.candidate.host,
    port: e.candidate.port,
    security: e.candidate.security === 'tls' ? 'tls' : 'starttls',
    address: a.address,
    family: a.family,
    user,
    ...(creds?.password ? { password: creds.password } : {}),
    ...(creds?.oauthToken ? { oauthToken: creds.oauthToken } : {}),
    trust,
    timeoutMs: opts.timeoutMs,
    run,
    transcript: opts.transcript,
    clientVersion: version,
    protect: typedValues(opts),
    ...(afterLogin ? { afterLogin } : {}),
  };
}

/** What the logins need beyond the run's deps: the run's start (the sync probe's clock) and the probes' kept connections. */
type LoginDeps = DoctorDeps & { started: Date; kept: KeptConnections | undefined };

/** One login attempt on an endpoint the policy allows, unless the run is over; a crash is kept as INTERNAL_ERROR. */
type Attempt = (
  e: EndpointEvidence,
  a: AddressProbe,
  first?: boolean,
) => Promise<'ok' | 'rejected' | 'crashed' | 'failed'>;

function loginAttempt(
  opts: RunOptions,
  user: string,
  trust: TrustStore,
  clock: RunClock,
  deps: LoginDeps,
  internal: (where: InternalWhere, err: unknown) => void,
): Attempt {
  return async (e, a, first = false) => {
    if (clock.signal.aborted) {
      e.login = { state: 'withheld', reason: abortKind(clock.signal) === 'interrupted' ? 'interrupted' : 'deadline' };
      return 'failed';
    }
    deps.emit({ kind: 'stage', endpoint: e.id, host: e.candidate.host, stage: 'login', state: 'start' });
    try {
      // The probe's verified connection to this address, when it was kept for the login.
      const kept = deps.kept?.take(e.id, a.address);
      const at = await tryLogin({
        ...loginParams(
          e,
          a,
          opts,
          user,
          trust,
          clock.signal,
          deps.version,
          first ? { now: deps.started, sessions: opts.sessions } : undefined,
        ),
        ...(kept ? { kept } : {}),
      });
      e.login = { state: 'attempted', attempt: at };
      deps.emit({
        kind: 'stage',
        endpoint: e.id,
        host: e.candidate.host,
        stage: 'login',
        state: at.ok ? 'ok' : 'failed',
      });
      return at.ok ? 'ok' : at.credentialsRejected ? 'rejected' : 'failed';
    } catch (err) {
      internal({ step: 'login', endpoint: e.id }, err);
      e.login = { state: 'withheld', reason: 'internal-error' };
      return 'crashed';
    }
  };
}

/**
 * One attempt per endpoint, best-ranked first, each as soon as its own probe has ended (the endpoints
 * come in final rank order); once a login works the others run concurrently, and after a definite
 * credential rejection no other endpoint gets the password. The login that works first (in rank
 * order) also runs the read-only sync probe and --sessions.
 */
async function runLogins(
  pending: ReadonlyArray<Promise<EndpointEvidence>>,
  opts: RunOptions,
  user: string,
  trust: TrustStore,
  clock: RunClock,
  deps: LoginDeps,
  internal: (where: InternalWhere, err: unknown) => void,
): Promise<void> {
  const creds = opts.credentials;
  if (!creds) {
    for (const e of await Promise.all(pending))
      if (!e.oauthProbe)
        e.login = { state: 'withheld', reason: opts.noLoginReason === 'disabled' ? 'disabled' : 'no-credentials' };
    return;
  }
  const kind = creds.oauthToken ? 'oauth' : 'password';
  const attempt = loginAttempt(opts, user, trust, clock, deps, internal);
  /** The policy's word on one endpoint: the address to log in on, or the reason it is withheld (set). */
  const allowed = (e: EndpointEvidence): AddressProbe | undefined => {
    if (e.oauthProbe) return undefined;
    const d = decideLogin(e, kind);
    if (!d.go) e.login = { state: 'withheld', reason: d.reason };
    return d.go ? d.address : undefined;
  };
  // Until one works, in rank order: a rejection or a crash (which may have been a refusal) stops the password.
  let i = 0;
  let stop: 'earlier-credential-failure' | 'earlier-login-error' | undefined;
  for (; i < pending.length && !stop; i++) {
    const e = await (pending[i] as Promise<EndpointEvidence>);
    const a = allowed(e);
    if (!a) continue;
    const r = await attempt(e, a, true);
    if (r === 'ok') {
      i++;
      break;
    }
    if (r === 'rejected') stop = 'earlier-credential-failure';
    if (r === 'crashed') stop = 'earlier-login-error';
  }
  await Promise.all(
    pending.slice(i).map(async (p) => {
      const e = await p;
      const a = allowed(e);
      if (!a) return;
      if (stop) e.login = { state: 'withheld', reason: stop };
      else await attempt(e, a);
    }),
  );
}
