/**
 * The raw pre-auth conversation with one address of one endpoint, stage by stage:
 * tcp → [tls] → greeting → capability → [starttls → tls → capability]. Every stage is bounded;
 * a failed stage marks the later ones skipped. To name a wrong security setting it tries the
 * other mode on the same port, and to name an outdated server it retries TLS with legacy
 * settings — both only to gather evidence, never to log in.
 */
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type {
  AddressProbe,
  Family,
  Greeting,
  Outcome,
  ProbeError,
  Security,
  Stage,
  StarttlsResult,
  TlsInfo,
  TranscriptLine,
} from '../model/evidence.js';
import type { EventSink } from '../events.js';
import { since, stepSignal } from '../util/deadline.js';
import { internalError } from '../errors/classify.js';
import type { AddressPolicy } from '../util/ip.js';
import type { HostLookup } from './resolve.js';
import { connectTcp } from './tcp.js';
import type { Io } from '../io.js';
import { DEFAULTS } from '../options.js';
import { handshake, leafDer } from './tls.js';
import { checkAia } from './aia.js';
import type { TrustStore } from './trust.js';
import { Wire, WireError } from './wire.js';
import { capabilitiesFrom, cleanLine, hasCap, parseGreeting } from './imap-parse.js';
import { starttlsAccepted } from '../model/reading.js';
import { replayFor, type KeptConnection } from './kept.js';

/** What every probe of a run shares: trust, limits, where connections may go, the run signal, the transcript switch, events. */
export interface ProbeRunContext {
  /** Connect, TLS and the clock (DoctorDeps.io). */
  io: Io;
  trust: TrustStore;
  /** --no-private (a host the user named is exempt); the AIA fetch obeys it too. */
  policy: AddressPolicy;
  /** A/AAAA lookups: endpoint hosts and the AIA issuer's host. */
  lookup: HostLookup;
  timeoutMs: number;
  run: AbortSignal;
  maxLineBytes: number;
  transcript: boolean;
  emit: EventSink;
  /** When the run may log in: takes the connection of a conversation that ended fit for a login (kept.ts), instead of hanging up. */
  keep?: (k: KeptConnection) => void;
}

export interface SessionParams extends ProbeRunContext {
  endpoint: string;
  host: string;
  port: number;
  security: Security;
  address: string;
  family: Family;
}

const skip = (blockedBy: Stage): Outcome<never> => ({ state: 'skipped', blockedBy });
const fail = (error: ProbeError, ms: number): Outcome<never> => ({ state: 'failed', error, ms });

function errOf(e: unknown): ProbeError {
  if (e instanceof WireError) return e.probe;
  return internalError(e);
}

/** One address's conversation while it runs: the evidence so far, the stage under way, the open socket. */
interface Session {
  p: SessionParams;
  res: AddressProbe;
  t0: number;
  transcript: TranscriptLine[] | undefined;
  /** The stage started last: where a doctor bug is reported if one happens. */
  current: Stage;
  socket: Duplex | null;
  wire: Wire | null;
  step(): AbortSignal;
  stage(s: Stage, state: 'start' | 'ok' | 'failed' | 'skipped'): void;
  newWire(sock: Duplex, layer: 'plain' | 'tls'): Wire;
}

const ORDER: Array<[Stage, keyof AddressProbe]> = [
  ['tcp', 'tcp'],
  ['tls', 'tls'],
  ['greeting', 'greeting'],
  ['capability', 'capability'],
  ['starttls', 'starttls'],
  ['starttls-tls', 'starttlsTls'],
  ['capability-after-tls', 'capabilityAfterTls'],
];

export async function probeAddress(p: SessionParams): Promise<AddressProbe> {
  const transcript: TranscriptLine[] | undefined = p.transcript ? [] : undefined;
  const res: AddressProbe = {
    address: p.address,
    family: p.family,
    tcp: skip('resolve'),
    greeting: skip('tcp'),
    capability: skip('tcp'),
    ...(transcript ? { transcript } : {}),
  };
  if (p.security === 'tls') res.tls = skip('tcp');
  if (p.security === 'starttls') {
    res.starttls = skip('tcp');
    res.starttlsTls = skip('tcp');
    res.capabilityAfterTls = skip('tcp');
  }
  const mono = () => p.io.clock.mono();
  const t0 = mono();
  const s: Session = {
    p,
    res,
    t0,
    transcript,
    current: 'tcp',
    socket: null,
    wire: null,
    step: () => stepSignal(p.run, p.timeoutMs),
    stage: (st, state) => {
      if (state === 'start') s.current = st;
      p.emit({ kind: 'stage', endpoint: p.endpoint, host: p.host, address: p.address, stage: st, state });
    },
    newWire: (sock, layer) =>
      new Wire(sock, { maxLineBytes: p.maxLineBytes, layer, t0, mono, ...(transcript ? { transcript } : {}) }),
  };
  let crashed = false;
  try {
    await converse(s);
  } catch (err) {
    crashed = true;
    crashedAt(res, s.current, err);
  } finally {
    if (crashed || !keepForLogin(s)) hangUp(s);
  }
  return res;
}

/**
 * A doctor bug during a stage: that stage failed with INTERNAL (reported once as INTERNAL_ERROR,
 * read by no other check) and what would have followed is skipped. Finished stages keep their evidence.
 */
function crashedAt(res: AddressProbe, current: Stage, err: unknown): void {
  const from = ORDER.findIndex(([st]) => st === current);
  const present = ORDER.slice(Math.max(0, from)).filter(([, key]) => res[key] !== undefined);
  const target = present.find(([, key]) => (res[key] as Outcome<unknown>).state === 'skipped') ?? present[0];
  if (!target) return;
  const at = ORDER.indexOf(target);
  (res as unknown as Record<string, Outcome<unknown>>)[target[1]] = fail(internalError(err), 0);
  for (const [, key] of ORDER.slice(at + 1))
    if (res[key] !== undefined) (res as unknown as Record<string, Outcome<unknown>>)[key] = skip(target[0]);
}

/** Hands the open connection to the login (kept.ts) when the run may log in and the evidence allows it; the probe's reader lets go of it. */
function keepForLogin(s: Session): boolean {
  const replay =
    s.p.keep && !s.p.run.aborted && s.wire?.layer === 'tls' && s.wire.pending === 0 && s.socket && !s.socket.destroyed
      ? replayFor(s.res, s.p.security)
      : undefined;
  if (!replay || !s.wire || !s.p.keep) return false;
  s.wire.detach();
  const socket = s.socket as TLSSocket;
  socket.pause();
  s.p.keep({ socket, replay, endpoint: s.p.endpoint, address: s.p.address });
  return true;
}

/** LOGOUT when a conversation is still open, then close the socket (destroyed shortly after). */
function hangUp(s: Session): void {
  const socket = s.socket;
  if (!socket) return;
  if (s.wire && !socket.destroyed) {
    try {
      s.wire.write('a9 LOGOUT');
    } catch {
      // the connection is going away anyway
    }
  }
  socket.end();
  setTimeout(() => socket.destroy(), DEFAULTS.hangUpGraceMs).unref();
}

/** tcp → [tls] → greeting → capability → [starttls → tls → capability]; every stage bounded, a failure ends it. */
async function converse(s: Session): Promise<void> {
  const { p, res } = s;
  s.stage('tcp', 'start');
  const tcp = await connectTcp(p.io, p.address, p.port, p.family, s.step());
  if (!tcp.ok) {
    res.tcp = fail(tcp.error, tcp.ms);
    s.stage('tcp', 'failed');
    return;
  }
  res.tcp = { state: 'ok', value: tcp.localAddress ? { localAddress: tcp.localAddress } : {}, ms: tcp.ms };
  s.stage('tcp', 'ok');
  s.transcript?.push({
    t: since(s.t0, p.io.clock.mono),
    dir: 'i',
    layer: 'plain',
    text: `connected to ${p.address}:${p.port}`,
  });
  s.socket = tcp.socket;
  if (p.security === 'tls') {
    const t = await tlsStage(s, s.socket, 'tls');
    if (!t) return;
    s.socket = t;
  }
  s.wire = s.newWire(s.socket, p.security === 'tls' ? 'tls' : 'plain');
  const greeting = await greetingStage(s, s.wire);
  if (!greeting) return;
  // CAPABILITY on the first layer; a greeting's [CAPABILITY …] stands in when the command fails.
  res.capability = await capabilityStage(s, 'capability', s.wire, 'a1');
  if (res.capability.state !== 'ok' && greeting.capabilities)
    res.capability = { state: 'ok', value: greeting.capabilities, ms: 0 };
  if (p.security !== 'starttls') return;
  if (greeting.kind === 'preauth') {
    res.starttls = skip('greeting');
    res.starttlsTls = skip('greeting');
    res.capabilityAfterTls = skip('greeting');
    return;
  }
  await starttlsStage(s, s.wire);
}

/** The greeting (RFC 9051 §7.1): the server speaks first. Undefined when the conversation cannot go on. */
async function greetingStage(s: Session, wire: Wire): Promise<Greeting | undefined> {
  const { p, res } = s;
  s.stage('greeting', 'start');
  const g0 = p.io.clock.mono();
  let greeting: Greeting;
  try {
    greeting = parseGreeting(await wire.readGreeting(s.step()));
  } catch (e) {
    const err = errOf(e);
    if (err.code === 'INTERNAL') throw e;
    res.greeting = fail(err, since(g0, p.io.clock.mono));
    res.capability = skip('greeting');
    s.stage('greeting', 'failed');
    if (p.security !== 'tls' && err.code === 'TIMEOUT') {
      // This connection is done: close it before the next, so a late flood on it cannot pile up.
      wire.detach();
      s.socket?.destroy();
      s.wire = null;
      res.modeCheck = await tryOtherMode(p, 'tls');
    }
    return undefined;
  }
  res.greeting = { state: 'ok', value: greeting, ms: since(g0, p.io.clock.mono) };
  s.stage('greeting', 'ok');
  if (greeting.kind === 'tls' && p.security !== 'tls') {
    res.capability = skip('greeting');
    res.modeCheck = await tryOtherMode(p, 'tls');
    return undefined;
  }
  if (greeting.kind !== 'ok' && greeting.kind !== 'preauth') {
    res.capability = skip('greeting');
    return undefined;
  }
  return greeting;
}

/**
 * STARTTLS (RFC 9051 §6.2.1, RFC 2595 §3.1), tried even when not advertised to tell "not offered" from
 * "offered but not advertised"; bytes after its OK are injection evidence. Then TLS and CAPABILITY again.
 */
async function starttlsStage(s: Session, wire: Wire): Promise<void> {
  const { res } = s;
  const mono = () => s.p.io.clock.mono();
  const advertised = hasCap(res.capability.state === 'ok' ? res.capability.value : undefined, 'STARTTLS');
  s.stage('starttls', 'start');
  const s0 = mono();
  let st: StarttlsResult;
  try {
    const r = await wire.command('a2', 'STARTTLS', s.step());
    const leftover = r.tagged.status === 'OK' ? wire.detach() : Buffer.alloc(0);
    st = {
      advertised,
      response: r.tagged,
      injectedBytes: leftover.length,
      ...(leftover.length > 0
        ? {
            injectedSample: cleanLine(
              leftover
                .subarray(0, 800)
                .toString('utf8')
                .replace(/[\r\n]+/g, ' ')
                .trim(),
              200,
            ),
          }
        : {}),
    };
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    res.starttls = fail(e.probe, since(s0, mono));
    res.starttlsTls = skip('starttls');
    res.capabilityAfterTls = skip('starttls');
    s.stage('starttls', 'failed');
    return;
  }
  res.starttls = { state: 'ok', value: st, ms: since(s0, mono) };
  const accepted = starttlsAccepted(res);
  s.stage('starttls', accepted ? 'ok' : 'failed');
  if (!accepted) {
    res.starttlsTls = skip('starttls');
    res.capabilityAfterTls = skip('starttls');
    return;
  }
  s.wire = null;
  const t = await tlsStage(s, s.socket as Duplex, 'starttls-tls');
  if (!t) return;
  s.socket = t;
  s.wire = s.newWire(t, 'tls');
  res.capabilityAfterTls = await capabilityStage(s, 'capability-after-tls', s.wire, 'a3');
}

/**
 * One TLS handshake stage (implicit, or after STARTTLS): records the outcome, and on failure marks
 * the stages that depend on it skipped and gathers what explains the failure. Returns the TLS
 * socket, or null when the session cannot go on.
 */
async function tlsStage(s: Session, socket: Duplex, which: 'tls' | 'starttls-tls'): Promise<TLSSocket | null> {
  const { p, res } = s;
  s.stage(which, 'start');
  const t = await handshake(socket, { host: p.host, trust: p.trust, signal: stepSignal(p.run, p.timeoutMs), io: p.io });
  if (!t.ok) {
    if (which === 'tls') {
      res.tls = fail(t.error, t.ms);
      res.greeting = skip('tls');
      res.capability = skip('tls');
    } else {
      res.starttlsTls = fail(t.error, t.ms);
      res.capabilityAfterTls = skip('starttls-tls');
    }
    s.stage(which, 'failed');
    await explainTlsFailure(p, res, t.error);
    return null;
  }
  const value = { state: 'ok' as const, value: await withAia(t.socket, t.info, p), ms: t.ms };
  if (which === 'tls') res.tls = value;
  else res.starttlsTls = value;
  s.stage(which, 'ok');
  return t.socket;
}

/** CAPABILITY as a stage of its own: announced like every stage (progress, timeline), then run. */
async function capabilityStage(
  s: Session,
  which: 'capability' | 'capability-after-tls',
  wire: Wire,
  tag: string,
): Promise<Outcome<string[]>> {
  s.stage(which, 'start');
  const r = await command(wire, tag, 'CAPABILITY', s.step(), () => s.p.io.clock.mono());
  s.stage(which, r.state === 'ok' ? 'ok' : 'failed');
  return r;
}

async function command(
  wire: Wire,
  tag: string,
  cmd: string,
  signal: AbortSignal,
  mono: () => number,
): Promise<Outcome<string[]>> {
  const c0 = mono();
  try {
    const r = await wire.command(tag, cmd, signal);
    const ms = since(c0, mono);
    if (r.tagged.status !== 'OK')
      return fail({ code: r.tagged.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: r.tagged.line }, ms);
    const caps = capabilitiesFrom(r.untagged, r.tagged);
    if (!caps) return fail({ code: 'PROTOCOL_ERROR', why: { code: 'no-capability-data' } }, ms);
    return { state: 'ok', value: caps, ms };
  } catch (e) {
    return fail(errOf(e), since(c0, mono));
  }
}

async function withAia(s: TLSSocket, info: TlsInfo, p: SessionParams): Promise<TlsInfo> {
  const leaf = info.chain[0];
  if (info.chainVerified || info.chain.length !== 1 || !leaf?.aiaIssuerUrl || leaf.selfIssued) return info;
  if (
    info.verifyError !== 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' &&
    info.verifyError !== 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'
  )
    return info;
  const der = leafDer(s);
  if (!der) return info;
  return {
    ...info,
    aia: await checkAia(der, leaf.aiaIssuerUrl, p.trust, stepSignal(p.run, p.timeoutMs), p.policy, p.lookup, p.io),
  };
}

/** After a failed handshake: plaintext on this port? Or a server stuck on old TLS / weak crypto? */
async function explainTlsFailure(p: SessionParams, res: AddressProbe, err: ProbeError): Promise<void> {
  if (err.code === 'TLS_NOT_TLS' && p.security === 'tls') {
    res.modeCheck = await tryOtherMode(p, 'plaintext');
    return;
  }
  if (
    ['RESET', 'CLOSED', 'TLS_PROTOCOL_VERSION', 'TLS_HANDSHAKE_FAILURE', 'TLS_WEAK_PARAMS', 'TLS_ERROR'].includes(
      err.code,
    )
  ) {
    res.legacyTls = await legacyHandshake(p);
  }
}

/** Connect again and reach the point where TLS starts (implicit, or after STARTTLS). */
export async function reachTls(
  p: SessionParams,
  signal: () => AbortSignal,
): Promise<{ socket: Duplex } | { error: ProbeError }> {
  const tcp = await connectTcp(p.io, p.address, p.port, p.family, signal());
  if (!tcp.ok) return { error: tcp.error };
  if (p.security !== 'starttls') return { socket: tcp.socket };
  const w = new Wire(tcp.socket, {
    maxLineBytes: p.maxLineBytes,
    layer: 'plain',
    t0: p.io.clock.mono(),
    mono: () => p.io.clock.mono(),
  });
  try {
    await w.readGreeting(signal());
    const r = await w.command('b1', 'STARTTLS', signal());
    w.detach();
    if (r.tagged.status !== 'OK') {
      tcp.socket.destroy();
      return { error: { code: 'COMMAND_NO', message: r.tagged.line } };
    }
    return { socket: tcp.socket };
  } catch (e) {
    tcp.socket.destroy();
    return { error: errOf(e) };
  }
}

async function legacyHandshake(p: SessionParams): Promise<Outcome<TlsInfo>> {
  const t0 = p.io.clock.mono();
  const signal = () => stepSignal(p.run, p.timeoutMs);
  const r = await reachTls(p, signal);
  if ('error' in r) return fail(r.error, since(t0, p.io.clock.mono));
  const t = await handshake(r.socket, { host: p.host, trust: p.trust, legacy: true, signal: signal(), io: p.io });
  if (!t.ok) return fail(t.error, t.ms);
  t.socket.destroy();
  return { state: 'ok', value: t.info, ms: t.ms };
}

/** The same port in the other mode: plaintext greeting after a failed TLS, or TLS after silence. */
async function tryOtherMode(
  p: SessionParams,
  tried: 'plaintext' | 'tls',
): Promise<{ tried: 'plaintext' | 'tls'; outcome: Outcome<{ greeting?: Greeting; tlsProtocol?: string }> }> {
  const t0 = p.io.clock.mono();
  const signal = () => stepSignal(p.run, p.timeoutMs);
  const ms = () => since(t0, p.io.clock.mono);
  const tcp = await connectTcp(p.io, p.address, p.port, p.family, signal());
  if (!tcp.ok) return { tried, outcome: fail(tcp.error, ms()) };
  let socket: Duplex = tcp.socket;
  try {
    let tlsProtocol: string | undefined;
    if (tried === 'tls') {
      const t = await handshake(socket, { host: p.host, trust: p.trust, signal: signal(), io: p.io });
      if (!t.ok) return { tried, outcome: fail(t.error, ms()) };
      socket = t.socket;
      tlsProtocol = t.info.protocol;
    }
    const w = new Wire(socket, {
      maxLineBytes: p.maxLineBytes,
      layer: tried === 'tls' ? 'tls' : 'plain',
      t0,
      mono: () => p.io.clock.mono(),
    });
    try {
      const greeting = parseGreeting(await w.readGreeting(signal()));
      return {
        tried,
        outcome: { state: 'ok', value: { greeting, ...(tlsProtocol ? { tlsProtocol } : {}) }, ms: ms() },
      };
    } catch (e) {
      // TLS worked but no greeting followed: still evidence that the port speaks TLS.
      if (tlsProtocol) return { tried, outcome: { state: 'ok', value: { tlsProtocol }, ms: ms() } };
      return { tried, outcome: fail(errOf(e), ms()) };
    }
  } finally {
    socket.destroy();
  }
}
