/**
 * The raw pre-auth conversation with one address of one endpoint, stage by stage:
 * tcp → [tls] → greeting → capability → [starttls → tls → capability]. Every stage is bounded;
 * a failed stage marks the later ones skipped. To name a wrong security setting it tries the
 * other mode on the same port, and to name an outdated server it retries TLS with legacy
 * settings — both only to gather evidence, never to log in.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { AddressProbe, Family, Greeting, Outcome, ProbeError, Security, Stage, StarttlsResult, TlsInfo, TranscriptLine } from '../model/evidence.js';
import type { EventSink } from '../events.js';
import { stepSignal } from '../util/deadline.js';
import { connectTcp } from './tcp.js';
import { handshake, leafDer } from './tls.js';
import { checkAia } from './aia.js';
import type { TrustStore } from './trust.js';
import { Wire, WireError } from './wire.js';
import { capabilitiesFrom, cleanLine, hasCap, parseGreeting } from './imap-parse.js';

/** What every probe of a run shares: trust, limits, the run signal, the transcript switch, events. */
export interface ProbeRunContext {
  trust: TrustStore;
  timeoutMs: number;
  run: AbortSignal;
  maxLineBytes: number;
  transcript: boolean;
  emit: EventSink;
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
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

export async function probeAddress(p: SessionParams): Promise<AddressProbe> {
  const t0 = performance.now();
  const transcript: TranscriptLine[] | undefined = p.transcript ? [] : undefined;
  const step = () => stepSignal(p.run, p.timeoutMs);
  const stage = (s: Stage, state: 'start' | 'ok' | 'failed' | 'skipped') => p.emit({ kind: 'stage', endpoint: p.endpoint, address: p.address, stage: s, state });
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

  stage('tcp', 'start');
  const tcp = await connectTcp(p.address, p.port, p.family, step());
  if (!tcp.ok) {
    res.tcp = fail(tcp.error, tcp.ms);
    stage('tcp', 'failed');
    return res;
  }
  res.tcp = { state: 'ok', value: tcp.localAddress ? { localAddress: tcp.localAddress } : {}, ms: tcp.ms };
  stage('tcp', 'ok');
  transcript?.push({ t: Math.round(performance.now() - t0), dir: 'i', layer: 'plain', text: `connected to ${p.address}:${p.port}` });

  let socket: Socket = tcp.socket;
  let wire: Wire | null = null;
  try {
    const newWire = (sock: Socket, layer: 'plain' | 'tls') => new Wire(sock, { maxLineBytes: p.maxLineBytes, layer, t0, ...(transcript ? { transcript } : {}) });
    if (p.security === 'tls') {
      const t = await tlsStage(p, res, socket, 'tls');
      if (!t) return res;
      socket = t;
    }
    wire = newWire(socket, p.security === 'tls' ? 'tls' : 'plain');

    // Greeting (RFC 9051 §7.1): the server speaks first.
    stage('greeting', 'start');
    const g0 = performance.now();
    let greeting: Greeting;
    try {
      greeting = parseGreeting(await wire.readGreeting(step()));
    } catch (e) {
      const err = errOf(e);
      res.greeting = fail(err, Math.round(performance.now() - g0));
      res.capability = skip('greeting');
      stage('greeting', 'failed');
      if (p.security !== 'tls' && err.code === 'TIMEOUT') {
        // This connection is done: close it before the next, so a late flood on it cannot pile up.
        wire.detach();
        socket.destroy();
        wire = null;
        res.modeCheck = await tryOtherMode(p, 'tls');
      }
      return res;
    }
    res.greeting = { state: 'ok', value: greeting, ms: Math.round(performance.now() - g0) };
    stage('greeting', 'ok');
    if (greeting.kind === 'tls' && p.security !== 'tls') {
      res.capability = skip('greeting');
      res.modeCheck = await tryOtherMode(p, 'tls');
      return res;
    }
    if (greeting.kind !== 'ok' && greeting.kind !== 'preauth') {
      res.capability = skip('greeting');
      return res;
    }

    // CAPABILITY on the first layer.
    const caps = await capabilityStage(p, 'capability', wire, 'a1', step());
    res.capability = caps;
    if (caps.state !== 'ok' && greeting.capabilities) {
      res.capability = { state: 'ok', value: greeting.capabilities, ms: 0 };
    }
    if (p.security !== 'starttls' || greeting.kind === 'preauth') {
      if (p.security === 'starttls') {
        res.starttls = skip('greeting');
        res.starttlsTls = skip('greeting');
        res.capabilityAfterTls = skip('greeting');
      }
      return res;
    }

    // STARTTLS (RFC 9051 §6.2.1, RFC 2595 §3.1): tried even when not advertised, to tell
    // "not offered" from "offered but not advertised".
    const advertised = hasCap(res.capability.state === 'ok' ? res.capability.value : undefined, 'STARTTLS');
    stage('starttls', 'start');
    const s0 = performance.now();
    let st: StarttlsResult;
    try {
      const r = await wire.command('a2', 'STARTTLS', step());
      const leftover = r.tagged.status === 'OK' ? wire.detach() : Buffer.alloc(0);
      st = {
        advertised,
        response: r.tagged,
        injectedBytes: leftover.length,
        ...(leftover.length > 0 ? { injectedSample: cleanLine(leftover.subarray(0, 800).toString('utf8').replace(/[\r\n]+/g, ' ').trim(), 200) } : {}),
      };
    } catch (e) {
      res.starttls = fail(errOf(e), Math.round(performance.now() - s0));
      res.starttlsTls = skip('starttls');
      res.capabilityAfterTls = skip('starttls');
      stage('starttls', 'failed');
      return res;
    }
    res.starttls = { state: 'ok', value: st, ms: Math.round(performance.now() - s0) };
    stage('starttls', st.response.status === 'OK' ? 'ok' : 'failed');
    if (st.response.status !== 'OK') {
      res.starttlsTls = skip('starttls');
      res.capabilityAfterTls = skip('starttls');
      return res;
    }
    wire = null;
    const t = await tlsStage(p, res, socket, 'starttls-tls');
    if (!t) return res;
    socket = t;
    wire = newWire(socket, 'tls');
    const after = await capabilityStage(p, 'capability-after-tls', wire, 'a3', step());
    res.capabilityAfterTls = after;
    return res;
  } finally {
    if (wire && !socket.destroyed) {
      try {
        wire.write('a9 LOGOUT');
      } catch {
        // the connection is going away anyway
      }
    }
    socket.end();
    setTimeout(() => socket.destroy(), 200).unref();
  }
}

/**
 * One TLS handshake stage (implicit, or after STARTTLS): records the outcome, and on failure marks
 * the stages that depend on it skipped and gathers what explains the failure. Returns the TLS
 * socket, or null when the session cannot go on.
 */
async function tlsStage(p: SessionParams, res: AddressProbe, socket: Socket, which: 'tls' | 'starttls-tls'): Promise<TLSSocket | null> {
  p.emit({ kind: 'stage', endpoint: p.endpoint, address: p.address, stage: which, state: 'start' });
  const t = await handshake(socket, { host: p.host, trust: p.trust, signal: stepSignal(p.run, p.timeoutMs) });
  if (!t.ok) {
    if (which === 'tls') {
      res.tls = fail(t.error, t.ms);
      res.greeting = skip('tls');
      res.capability = skip('tls');
    } else {
      res.starttlsTls = fail(t.error, t.ms);
      res.capabilityAfterTls = skip('starttls-tls');
    }
    p.emit({ kind: 'stage', endpoint: p.endpoint, address: p.address, stage: which, state: 'failed' });
    await explainTlsFailure(p, res, t.error);
    return null;
  }
  const value = { state: 'ok' as const, value: await withAia(t.socket, t.info, p), ms: t.ms };
  if (which === 'tls') res.tls = value;
  else res.starttlsTls = value;
  p.emit({ kind: 'stage', endpoint: p.endpoint, address: p.address, stage: which, state: 'ok' });
  return t.socket;
}

/** CAPABILITY as a stage of its own: announced like every stage (progress, timeline), then run. */
async function capabilityStage(p: SessionParams, which: 'capability' | 'capability-after-tls', wire: Wire, tag: string, signal: AbortSignal): Promise<Outcome<string[]>> {
  p.emit({ kind: 'stage', endpoint: p.endpoint, address: p.address, stage: which, state: 'start' });
  const r = await command(wire, tag, 'CAPABILITY', signal);
  p.emit({ kind: 'stage', endpoint: p.endpoint, address: p.address, stage: which, state: r.state === 'ok' ? 'ok' : 'failed' });
  return r;
}

async function command(wire: Wire, tag: string, cmd: string, signal: AbortSignal): Promise<Outcome<string[]>> {
  const c0 = performance.now();
  try {
    const r = await wire.command(tag, cmd, signal);
    const ms = Math.round(performance.now() - c0);
    if (r.tagged.status !== 'OK') return fail({ code: r.tagged.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: r.tagged.line }, ms);
    const caps = capabilitiesFrom(r.untagged, r.tagged);
    if (!caps) return fail({ code: 'PROTOCOL_ERROR', message: 'no CAPABILITY data in the reply' }, ms);
    return { state: 'ok', value: caps, ms };
  } catch (e) {
    return fail(errOf(e), Math.round(performance.now() - c0));
  }
}

async function withAia(s: TLSSocket, info: TlsInfo, p: SessionParams): Promise<TlsInfo> {
  const leaf = info.chain[0];
  if (info.chainVerified || info.chain.length !== 1 || !leaf?.aiaIssuerUrl || leaf.selfIssued) return info;
  if (info.verifyError !== 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' && info.verifyError !== 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY') return info;
  const der = leafDer(s);
  if (!der) return info;
  return { ...info, aia: await checkAia(der, leaf.aiaIssuerUrl, p.trust, stepSignal(p.run, p.timeoutMs)) };
}

/** After a failed handshake: plaintext on this port? Or a server stuck on old TLS / weak crypto? */
async function explainTlsFailure(p: SessionParams, res: AddressProbe, err: ProbeError): Promise<void> {
  if (err.code === 'TLS_NOT_TLS' && p.security === 'tls') {
    res.modeCheck = await tryOtherMode(p, 'plaintext');
    return;
  }
  if (['RESET', 'CLOSED', 'TLS_PROTOCOL_VERSION', 'TLS_HANDSHAKE_FAILURE', 'TLS_WEAK_PARAMS', 'TLS_ERROR'].includes(err.code)) {
    res.legacyTls = await legacyHandshake(p);
  }
}

/** Connect again and reach the point where TLS starts (implicit, or after STARTTLS). */
async function reachTls(p: SessionParams, signal: () => AbortSignal): Promise<{ socket: Socket } | { error: ProbeError }> {
  const tcp = await connectTcp(p.address, p.port, p.family, signal());
  if (!tcp.ok) return { error: tcp.error };
  if (p.security !== 'starttls') return { socket: tcp.socket };
  const w = new Wire(tcp.socket, { maxLineBytes: p.maxLineBytes, layer: 'plain', t0: performance.now() });
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
  const t0 = performance.now();
  const signal = () => stepSignal(p.run, p.timeoutMs);
  const r = await reachTls(p, signal);
  if ('error' in r) return fail(r.error, Math.round(performance.now() - t0));
  const t = await handshake(r.socket, { host: p.host, trust: p.trust, legacy: true, signal: signal() });
  if (!t.ok) return fail(t.error, t.ms);
  t.socket.destroy();
  return { state: 'ok', value: t.info, ms: t.ms };
}

/** The same port in the other mode: plaintext greeting after a failed TLS, or TLS after silence. */
async function tryOtherMode(p: SessionParams, tried: 'plaintext' | 'tls'): Promise<{ tried: 'plaintext' | 'tls'; outcome: Outcome<{ greeting?: Greeting; tlsProtocol?: string }> }> {
  const t0 = performance.now();
  const signal = () => stepSignal(p.run, p.timeoutMs);
  const ms = () => Math.round(performance.now() - t0);
  const tcp = await connectTcp(p.address, p.port, p.family, signal());
  if (!tcp.ok) return { tried, outcome: fail(tcp.error, ms()) };
  let socket: Socket = tcp.socket;
  try {
    let tlsProtocol: string | undefined;
    if (tried === 'tls') {
      const t = await handshake(socket, { host: p.host, trust: p.trust, signal: signal() });
      if (!t.ok) return { tried, outcome: fail(t.error, ms()) };
      socket = t.socket;
      tlsProtocol = t.info.protocol;
    }
    const w = new Wire(socket, { maxLineBytes: p.maxLineBytes, layer: tried === 'tls' ? 'tls' : 'plain', t0 });
    try {
      const greeting = parseGreeting(await w.readGreeting(signal()));
      return { tried, outcome: { state: 'ok', value: { greeting, ...(tlsProtocol ? { tlsProtocol } : {}) }, ms: ms() } };
    } catch (e) {
      // TLS worked but no greeting followed: still evidence that the port speaks TLS.
      if (tlsProtocol) return { tried, outcome: { state: 'ok', value: { tlsProtocol }, ms: ms() } };
      return { tried, outcome: fail(errOf(e), ms()) };
    }
  } finally {
    socket.destroy();
  }
}
