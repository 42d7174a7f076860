/**
 * Reference probes, made only when something needs interpreting: an IMAP connect that timed out or
 * was reported unreachable gets the same address tried on the web ports and on the IMAP ports no
 * endpoint tried; DNS without any answer gets the resolver tried over TCP; the server the user
 * named with --reference is tried on its IMAP port. Connects only, all at once under one step
 * signal (one timeout at most), stopped early once the answers settle it.
 */
import { isLoopback } from '../util/ip.js';
import { isIP } from 'node:net';
import { parseServerSpec, systemServers } from '../dns/resolver.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type {
  EndpointEvidence,
  Family,
  NetworkEvidence,
  ProbeError,
  ProbeErrorCode,
  ReferenceProbe,
  ResolveEvidence,
  Security,
} from '../model/evidence.js';
import type { Reference } from '../options.js';
import { stepSignal } from '../util/deadline.js';
import { dnsAnswered, dnsLookupOf, lookupOf } from '../model/reading.js';
import { LIMITS } from '../limits.js';
import type { RunEvent } from '../events.js';
import { tcpConnector, type TcpConnect } from './tcp.js';
import type { Io } from '../io.js';

export interface NetworkContext {
  timeoutMs: number;
  run: AbortSignal;
  /** Web ports tried on the address of a dropped IMAP port (default [443, 80]). */
  referencePorts: number[];
  imapPorts: Record<Security, number>;
  discovery: DiscoveryEvidence | null;
  /** The --dns servers ('ip:port'); empty or absent: the resolv.conf servers. */
  dnsServers?: string[];
  /** Where the reference connects go (DoctorDeps.io). */
  io: Io;
  /** The connect to use (tests); default connectTcp over `io`. */
  connect?: TcpConnect;
  /** The --reference server, tried when an IMAP connect gets no answer. */
  reference?: UserReference;
}

/** A reference probe before it ran. */
export type PlannedReference = Omit<ReferenceProbe, 'outcome'>;

/** Connect failures worth a second look: a port dropped, or a router saying the host is gone. */
const INTERPRET = new Set<ProbeErrorCode>(['TIMEOUT', 'HOST_UNREACHABLE']);
/** Connect failures that are an answer from the host (a refusal). */
const ANSWER = new Set<ProbeErrorCode>(['REFUSED', 'RESET']);

/** The resolvers to try when DNS got no answer: --dns, else what the lookups named, else resolv.conf. */
function resolverTargets(
  endpoints: readonly EndpointEvidence[],
  dnsServers: readonly string[] | undefined,
): { address: string; port: number }[] {
  const named = endpoints.flatMap((e) => lookupOf(e)?.via ?? []).filter((v) => v.includes(':') || isIP(v) !== 0);
  const specs = dnsServers && dnsServers.length > 0 ? dnsServers : named.length > 0 ? named : systemServers();
  const out: { address: string; port: number }[] = [];
  for (const spec of specs) {
    try {
      const s = parseServerSpec(spec);
      if (!isLoopback(s.host) && !out.some((o) => o.address === s.host && o.port === s.port))
        out.push({ address: s.host, port: s.port });
    } catch {
      // not an address (e.g. 'system'): nothing to dial
    }
  }
  return out;
}

/** Did DNS fail without any answer anywhere in this run (so the resolver itself is in question)? */
function dnsWithoutAnswer(endpoints: readonly EndpointEvidence[], discovery: DiscoveryEvidence | null): boolean {
  const viaDns = endpoints.flatMap((e) => dnsLookupOf(e) ?? []);
  if (discovery?.resolverWorking === true) return false;
  if (viaDns.some((r) => dnsAnswered(r.a) || dnsAnswered(r.aaaa))) return false;
  return discovery?.resolverWorking === false || viaDns.length > 0;
}

type Failing = Map<string, { host: string; family: Family; forEndpoints: string[] }>;

/** The ports tried per address, and the addresses whose IMAP connect got no answer (or an ICMP error). */
function connectPicture(endpoints: readonly EndpointEvidence[]): { tried: Map<string, Set<number>>; failing: Failing } {
  const tried = new Map<string, Set<number>>();
  const failing: Failing = new Map();
  for (const e of endpoints) {
    for (const a of e.addresses) {
      if (a.tcp.state === 'skipped') continue;
      const ports = tried.get(a.address) ?? new Set<number>();
      ports.add(e.candidate.port);
      tried.set(a.address, ports);
      if (a.tcp.state !== 'failed' || !INTERPRET.has(a.tcp.error.code)) continue;
      const f = failing.get(a.address) ?? { host: e.candidate.host, family: a.family, forEndpoints: [] };
      if (!f.forEndpoints.includes(e.id)) f.forEndpoints.push(e.id);
      failing.set(a.address, f);
    }
  }
  return { tried, failing };
}

/** Which reference connects this evidence calls for (pure; the probe runs them). */
export function planReferences(
  endpoints: readonly EndpointEvidence[],
  ctx: Pick<NetworkContext, 'referencePorts' | 'imapPorts' | 'discovery' | 'dnsServers'>,
): PlannedReference[] {
  const { tried, failing } = connectPicture(endpoints);
  const web = [...new Set(ctx.referencePorts)];
  const imap = [...new Set(Object.values(ctx.imapPorts))].filter((p) => !web.includes(p));
  const plan: PlannedReference[] = [];
  for (const [address, f] of failing) {
    const done = tried.get(address) ?? new Set<number>();
    for (const port of web)
      if (!done.has(port))
        plan.push({
          purpose: 'same-host-web',
          forEndpoints: f.forEndpoints,
          host: f.host,
          address,
          family: f.family,
          port,
        });
    for (const port of imap)
      if (!done.has(port))
        plan.push({
          purpose: 'same-host-other-imap',
          forEndpoints: f.forEndpoints,
          host: f.host,
          address,
          family: f.family,
          port,
        });
  }
  if (dnsWithoutAnswer(endpoints, ctx.discovery)) {
    for (const r of resolverTargets(endpoints, ctx.dnsServers)) {
      plan.push({
        purpose: 'resolver',
        forEndpoints: [],
        host: r.address,
        address: r.address,
        family: isIP(r.address) === 6 ? 6 : 4,
        port: r.port,
      });
    }
  }
  return plan.slice(0, LIMITS.referenceProbes);
}

/** The reason references still running are stopped once the evidence already answers every question. */
class NotNeeded extends Error {
  override name = 'NotNeeded';
  constructor() {
    super('not needed: the other references already answered');
  }
}

/**
 * Knows when waiting longer cannot change a verdict: every failing address answered on some port
 * (so none is "down"), and either an IMAP port answered somewhere or every IMAP reference is in
 * (so "your network blocks mail" is settled). Runs with resolver probes always go to the end.
 */
function earlyStop(
  endpoints: readonly EndpointEvidence[],
  plan: readonly PlannedReference[],
): (p: PlannedReference, ok: boolean, code?: ProbeErrorCode) => boolean {
  if (plan.some((p) => p.purpose === 'resolver')) return () => false;
  const silent = new Set(plan.map((p) => p.address));
  let imapPending = plan.filter((p) => p.purpose === 'same-host-other-imap').length;
  let imapAnswered = endpoints.some((e) =>
    e.addresses.some((a) => a.tcp.state === 'ok' || (a.tcp.state === 'failed' && ANSWER.has(a.tcp.error.code))),
  );
  return (p, ok, code) => {
    const answered = ok || (code !== undefined && ANSWER.has(code));
    if (answered) silent.delete(p.address);
    if (p.purpose === 'same-host-other-imap') {
      imapPending--;
      if (answered) imapAnswered = true;
    }
    return silent.size === 0 && (imapAnswered || imapPending === 0);
  };
}

/**
 * The IMAP server the user named with --reference: looked up and connected to (TCP only, nothing
 * sent) at most once per run, started early by a hanging connect (HeadStart) or when the network
 * probe needs it, stopped when no IMAP port went unanswered after all. At most one address per
 * family is tried. A name that resolves to nothing is recorded with an empty address and the DNS error.
 */
export class UserReference {
  private result: Promise<ReferenceProbe[]> | undefined;
  private readonly stop = new AbortController();

  constructor(
    readonly target: Reference,
    private readonly ctx: {
      resolve: (signal: () => AbortSignal) => Promise<ResolveEvidence>;
      timeoutMs: number;
      run: AbortSignal;
      io: Io;
      connect?: TcpConnect;
    },
  ) {}

  /** Starts the look-up and the connects (once); rejects only on a bug. */
  probe(): Promise<ReferenceProbe[]> {
    this.result ??= this.go();
    return this.result;
  }

  /** Not needed after all: whatever still runs is stopped (and its result never recorded). */
  cancel(): void {
    this.stop.abort(new NotNeeded());
  }

  private async go(): Promise<ReferenceProbe[]> {
    const onRun = () => this.stop.abort(this.ctx.run.reason);
    if (this.ctx.run.aborted) onRun();
    else this.ctx.run.addEventListener('abort', onRun, { once: true });
    const step = () => stepSignal(this.stop.signal, this.ctx.timeoutMs);
    const { host, port } = this.target;
    const base = { purpose: 'user-reference' as const, forEndpoints: [], host, port };
    try {
      const r = await this.ctx.resolve(step);
      const picked = [4, 6].flatMap((f) => r.addresses.filter((a) => a.family === f).slice(0, 1));
      if (picked.length === 0)
        return [
          {
            ...base,
            address: '',
            family: 4,
            outcome: {
              state: 'failed',
              error: r.error ?? { code: 'DNS_ERROR', why: { code: 'no-address' } },
              ms: r.ms,
            },
          },
        ];
      const connect = this.ctx.connect ?? tcpConnector(this.ctx.io);
      return await Promise.all(
        picked.map(async ({ address, family }): Promise<ReferenceProbe> => {
          const c = await connect(address, port, family, step());
          if (c.ok) c.socket.destroy();
          return {
            ...base,
            address,
            family,
            outcome: c.ok ? { state: 'ok', value: {}, ms: c.ms } : { state: 'failed', error: c.error, ms: c.ms },
          };
        }),
      );
    } finally {
      this.ctx.run.removeEventListener('abort', onRun);
    }
  }
}

/**
 * Reference probes started before they are known to be needed: when an IMAP connect has had no
 * answer for `startAfterMs`, the same address is tried on the web ports at once, until that connect's
 * own timeout, so a run whose ports are all dropped costs about one connect timeout instead of two. Connects that answer in time never trigger anything. Fed by the stage events.
 */
export class HeadStart {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly started = new Map<string, { result: Promise<ReferenceProbe>; stop: AbortController }>();

  constructor(private readonly ctx: NetworkContext & { startAfterMs: number }) {}

  observe(e: RunEvent): void {
    if (e.kind !== 'stage' || e.stage !== 'tcp' || !e.address) return;
    const key = `${e.endpoint}|${e.address}`;
    if (e.state !== 'start') {
      clearTimeout(this.timers.get(key));
      this.timers.delete(key);
      return;
    }
    const address = e.address;
    const connectStart = performance.now();
    // Ends when the connect that triggered it times out, not one head start later: no timeout waits for another.
    const t = setTimeout(
      () => this.start(address, e.host, e.endpoint, this.ctx.timeoutMs - (performance.now() - connectStart)),
      this.ctx.startAfterMs,
    );
    t.unref();
    this.timers.set(key, t);
  }

  private start(address: string, host: string, endpoint: string, budgetMs: number): void {
    // Its failure is the network probe's to report (it awaits the same promise); here it is only started.
    this.ctx.reference?.probe().catch(() => undefined);
    const connect = this.ctx.connect ?? tcpConnector(this.ctx.io);
    const family: Family = isIP(address) === 6 ? 6 : 4;
    for (const port of new Set(this.ctx.referencePorts)) {
      const k = `${address}|${port}`;
      if (this.started.has(k)) continue;
      const stop = new AbortController();
      const onRun = () => stop.abort(this.ctx.run.reason);
      this.ctx.run.addEventListener('abort', onRun, { once: true });
      const result = connect(
        address,
        port,
        family,
        stepSignal(stop.signal, Math.max(budgetMs, this.ctx.timeoutMs / 2)),
      ).then((r): ReferenceProbe => {
        this.ctx.run.removeEventListener('abort', onRun);
        if (r.ok) r.socket.destroy();
        const base = { purpose: 'same-host-web' as const, forEndpoints: [endpoint], host, address, family, port };
        return r.ok
          ? { ...base, outcome: { state: 'ok', value: {}, ms: r.ms } }
          : { ...base, outcome: { state: 'failed', error: r.error, ms: r.ms } };
      });
      this.started.set(k, { result, stop });
    }
  }

  /** A reference already under way for this address and port, if any. */
  take(address: string, port: number): Promise<ReferenceProbe> | undefined {
    return this.started.get(`${address}|${port}`)?.result;
  }

  /** Stop every head start still running (the evidence already answers every question). */
  stopAll(reason: unknown): void {
    for (const v of this.started.values()) v.stop.abort(reason);
  }

  /** No more head starts; the ones the plan does not need are stopped (their host answered after all). */
  settle(plan: readonly PlannedReference[]): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const keep = new Set(plan.map((p) => `${p.address}|${p.port}`));
    for (const [k, v] of this.started) if (!keep.has(k)) v.stop.abort(new NotNeeded());
  }
}

export async function probeNetwork(
  endpoints: readonly EndpointEvidence[],
  ctx: NetworkContext,
  head?: HeadStart,
): Promise<NetworkEvidence> {
  const plan = planReferences(endpoints, ctx);
  head?.settle(plan);
  // Both at once: the --reference connects run alongside the plan's (and were perhaps started earlier).
  const [user, references] = await Promise.all([
    userReferences(endpoints, ctx.reference),
    plan.length === 0 ? [] : runPlan(endpoints, plan, ctx, head),
  ]);
  return { references: [...user, ...references], clock: [] };
}

/** The --reference connects, when an IMAP connect got no answer (for the endpoints it failed on); else stopped. */
async function userReferences(
  endpoints: readonly EndpointEvidence[],
  reference: UserReference | undefined,
): Promise<ReferenceProbe[]> {
  if (!reference) return [];
  const forEndpoints = [...new Set([...connectPicture(endpoints).failing.values()].flatMap((f) => f.forEndpoints))];
  if (forEndpoints.length === 0) {
    reference.cancel();
    return [];
  }
  return (await reference.probe()).map((r) => ({ ...r, forEndpoints }));
}

async function runPlan(
  endpoints: readonly EndpointEvidence[],
  plan: PlannedReference[],
  ctx: NetworkContext,
  head?: HeadStart,
): Promise<ReferenceProbe[]> {
  const connect = ctx.connect ?? tcpConnector(ctx.io);
  // Stopped early once the evidence answers every question, or with the run. Plain listeners on
  // purpose: AbortSignal.any holds its sources weakly in Node 20 (see util/deadline.ts).
  const enough = new AbortController();
  const onRun = () => enough.abort(ctx.run.reason);
  if (ctx.run.aborted) onRun();
  else ctx.run.addEventListener('abort', onRun, { once: true });
  // One signal for all that start now: they are bounded by the same single step timeout.
  const signal = stepSignal(enough.signal, ctx.timeoutMs);
  const record = earlyStop(endpoints, plan);
  enough.signal.addEventListener('abort', () => head?.stopAll(enough.signal.reason), { once: true });
  const notNeeded = (error: ProbeError): ProbeError =>
    enough.signal.reason instanceof NotNeeded && (error.code === 'TIMEOUT' || error.code === 'ABORTED')
      ? { code: 'ABORTED', why: { code: 'not-needed' } }
      : error;
  try {
    return await Promise.all(
      plan.map(async (p): Promise<ReferenceProbe> => {
        const early = head?.take(p.address, p.port);
        if (early) {
          const r = await early;
          // Judged before recording: its own timeout is evidence, a stop it caused itself is not.
          const outcome =
            r.outcome.state === 'failed' ? { ...r.outcome, error: notNeeded(r.outcome.error) } : r.outcome;
          if (record(p, r.outcome.state === 'ok', r.outcome.state === 'failed' ? r.outcome.error.code : undefined))
            enough.abort(new NotNeeded());
          return { ...p, outcome };
        }
        const r = await connect(p.address, p.port, p.family, signal);
        if (r.ok) {
          r.socket.destroy();
          if (record(p, true)) enough.abort(new NotNeeded());
          return { ...p, outcome: { state: 'ok', value: {}, ms: r.ms } };
        }
        const error = notNeeded(r.error);
        if (record(p, false, r.error.code)) enough.abort(new NotNeeded());
        return { ...p, outcome: { state: 'failed', error, ms: r.ms } };
      }),
    );
  } finally {
    ctx.run.removeEventListener('abort', onRun);
  }
}
