/**
 * Reference probes, made only when something needs interpreting: an IMAP connect that timed out or
 * was reported unreachable gets the same address tried on the web ports and on the IMAP ports no
 * endpoint tried; DNS without any answer gets the resolver tried over TCP. Connects only, all at
 * once under one step signal (one timeout at most), stopped early once the answers settle it.
 */
import { isIP } from 'node:net';
import type { EmailAddress } from '../address.js';
import { parseServerSpec, systemServers } from '../dns/resolver.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type { DnsStatus, EndpointEvidence, Family, NetworkEvidence, ProbeErrorCode, ReferenceProbe, Security } from '../model/evidence.js';
import { stepSignal } from '../util/deadline.js';
import type { HostLookup } from './resolve.js';
import { connectTcp } from './tcp.js';

export interface NetworkContext {
  timeoutMs: number;
  run: AbortSignal;
  /** Web ports tried on the address of a dropped IMAP port (default [443, 80]). */
  referencePorts: number[];
  imapPorts: Record<Security, number>;
  discovery: DiscoveryEvidence | null;
  /** The --dns servers ('ip:port'); empty or absent: the resolv.conf servers. */
  dnsServers?: string[];
  /** The connect to use (tests); default connectTcp. */
  connect?: typeof connectTcp;
}

/** A reference probe before it ran. */
export type PlannedReference = Omit<ReferenceProbe, 'outcome'>;

/** Connect failures worth a second look: a port dropped, or a router saying the host is gone. */
const INTERPRET = new Set<ProbeErrorCode>(['TIMEOUT', 'HOST_UNREACHABLE']);
/** Lookups that got no answer from the resolver at all. */
const NO_ANSWER = new Set<DnsStatus>(['timeout', 'unreachable', 'servfail', 'error']);
const DEFINITE = new Set<DnsStatus>(['records', 'nodata', 'nxdomain', 'refused']);
/** Connect failures that are an answer from the host (a refusal). */
const ANSWER = new Set<ProbeErrorCode>(['REFUSED', 'RESET']);
/** Enough for 8 endpoints × 2 addresses × 4 ports; a bound, not a goal. */
const MAX_REFERENCES = 64;

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/** The resolvers to try when DNS got no answer: --dns, else what the lookups named, else resolv.conf. */
function resolverTargets(endpoints: readonly EndpointEvidence[], dnsServers: readonly string[] | undefined): { address: string; port: number }[] {
  const named = endpoints.map((e) => e.resolve.via).filter((v) => v.includes(':') || isIP(v) !== 0);
  const specs = dnsServers && dnsServers.length > 0 ? dnsServers : named.length > 0 ? named : systemServers();
  const out: { address: string; port: number }[] = [];
  for (const spec of specs) {
    try {
      const s = parseServerSpec(spec);
      if (!isLoopback(s.host) && !out.some((o) => o.address === s.host && o.port === s.port)) out.push({ address: s.host, port: s.port });
    } catch {
      // not an address (e.g. 'system'): nothing to dial
    }
  }
  return out;
}

/** Did DNS fail without any answer anywhere in this run (so the resolver itself is in question)? */
function dnsWithoutAnswer(endpoints: readonly EndpointEvidence[], discovery: DiscoveryEvidence | null): boolean {
  const viaDns = endpoints.filter((e) => e.resolve.via !== 'literal' && e.resolve.via !== 'pinned' && e.resolve.via !== 'none');
  if (discovery?.resolverWorking === true) return false;
  if (viaDns.some((e) => DEFINITE.has(e.resolve.a) || DEFINITE.has(e.resolve.aaaa))) return false;
  return discovery?.resolverWorking === false || viaDns.some((e) => NO_ANSWER.has(e.resolve.a) && NO_ANSWER.has(e.resolve.aaaa));
}

/** Which reference connects this evidence calls for (pure; the probe runs them). */
export function planReferences(endpoints: readonly EndpointEvidence[], ctx: Pick<NetworkContext, 'referencePorts' | 'imapPorts' | 'discovery' | 'dnsServers'>): PlannedReference[] {
  const tried = new Map<string, Set<number>>();
  const failing = new Map<string, { host: string; family: Family; forEndpoints: string[] }>();
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
  const web = [...new Set(ctx.referencePorts)];
  const imap = [...new Set(Object.values(ctx.imapPorts))].filter((p) => !web.includes(p));
  const plan: PlannedReference[] = [];
  for (const [address, f] of failing) {
    const done = tried.get(address) ?? new Set<number>();
    for (const port of web) if (!done.has(port)) plan.push({ purpose: 'same-host-web', forEndpoints: f.forEndpoints, host: f.host, address, family: f.family, port });
    for (const port of imap) if (!done.has(port)) plan.push({ purpose: 'same-host-other-imap', forEndpoints: f.forEndpoints, host: f.host, address, family: f.family, port });
  }
  if (dnsWithoutAnswer(endpoints, ctx.discovery)) {
    for (const r of resolverTargets(endpoints, ctx.dnsServers)) {
      plan.push({ purpose: 'resolver', forEndpoints: [], host: r.address, address: r.address, family: isIP(r.address) === 6 ? 6 : 4, port: r.port });
    }
  }
  return plan.slice(0, MAX_REFERENCES);
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
function earlyStop(endpoints: readonly EndpointEvidence[], plan: readonly PlannedReference[]): (p: PlannedReference, ok: boolean, code?: ProbeErrorCode) => boolean {
  if (plan.some((p) => p.purpose === 'resolver')) return () => false;
  const silent = new Set(plan.map((p) => p.address));
  let imapPending = plan.filter((p) => p.purpose === 'same-host-other-imap').length;
  let imapAnswered = endpoints.some((e) => e.addresses.some((a) => a.tcp.state === 'ok' || (a.tcp.state === 'failed' && ANSWER.has(a.tcp.error.code))));
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

export async function probeNetwork(endpoints: readonly EndpointEvidence[], ctx: NetworkContext): Promise<NetworkEvidence> {
  const plan = planReferences(endpoints, ctx);
  if (plan.length === 0) return { references: [], clock: [] };
  const connect = ctx.connect ?? connectTcp;
  const enough = new AbortController();
  // One signal for all: every reference is bounded by the same single step timeout.
  const signal = AbortSignal.any([stepSignal(ctx.run, ctx.timeoutMs), enough.signal]);
  const record = earlyStop(endpoints, plan);
  const references = await Promise.all(
    plan.map(async (p): Promise<ReferenceProbe> => {
      const r = await connect(p.address, p.port, p.family, signal);
      if (r.ok) r.socket.destroy();
      if (record(p, r.ok, r.ok ? undefined : r.error.code)) enough.abort(new NotNeeded());
      if (r.ok) return { ...p, outcome: { state: 'ok', value: {}, ms: r.ms } };
      const error = signal.reason instanceof NotNeeded && (r.error.code === 'TIMEOUT' || r.error.code === 'ABORTED') ? { code: 'ABORTED' as const, message: signal.reason.message } : r.error;
      return { ...p, outcome: { state: 'failed', error, ms: r.ms } };
    }),
  );
  return { references, clock: [] };
}
