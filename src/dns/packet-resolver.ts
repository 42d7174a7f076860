/**
 * A stub resolver speaking DNS itself (dns-packet over node:dgram, node:net): UDP first, TCP when the
 * reply is truncated, every outcome classified into a DnsStatus with the server, transport and time.
 * A query never throws, takes at most timeoutMs × (retries+1) × servers.length, settles at once on
 * abort, and leaves no socket or timer behind when it settles.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { decode, type Answer, type DecodedPacket } from 'dns-packet';
import { LIMITS } from '../limits.js';
import type { DnsNote, DnsNoteWhy, DnsStatus, DnsWhy } from '../model/evidence.js';
import {
  abortedAnswer,
  emptyAnswer,
  formatServer,
  invalidNameReason,
  normalizeName,
  parseServerSpec,
  type DnsResult,
  type RecordType,
  type Resolver,
  type ServerAddress,
} from './resolver.js';
import { thrown } from '../errors/classify.js';
import { dnsAnswered } from '../model/reading.js';
import { buildQuery, type DnssecBits } from './query.js';
import { takeEarly } from './early.js';

/** One exchange with one server, reported to `onQuery` as it ends (for verbose output and tests). */
export interface QueryTrace {
  name: string;
  type: RecordType;
  server: string;
  via: 'udp' | 'tcp';
  /** 1-based try number on this server and transport. */
  attempt: number;
  edns: boolean;
  ms: number;
  outcome: 'reply' | 'truncated' | 'timeout' | 'unreachable' | 'error' | 'aborted';
  /** The reply's RCODE name (NOERROR, NXDOMAIN, …) when there was a reply. */
  rcode?: string;
  detail?: Said;
}

export interface PacketResolverOptions {
  /** 'ip[:port]' specs (see parseServerSpec) or parsed addresses; asked in order. */
  servers: (string | ServerAddress)[];
  /** Wait for one UDP try or one TCP exchange. Default 2000. */
  timeoutMs?: number;
  /** Extra UDP tries per server after the first one times out. Default 1. */
  retries?: number;
  /** Send an EDNS0 OPT record advertising 1232 bytes (RFC 6891). Default true. */
  edns?: boolean;
  /**
   * Set the DO bit (RFC 3225) in the OPT record. Default false: the AD bit in the query
   * (RFC 6840 §5.7) already asks a validating resolver for AD without pulling in RRSIGs.
   */
  dnssecOk?: boolean;
  /** Set the CD bit (RFC 4035 §3.2.2): a validating resolver then answers even what fails validation. Default false. */
  checkingDisabled?: boolean;
  onQuery?: (trace: QueryTrace) => void;
}

/** What went wrong in one exchange, as a note's code and values (words: DNS_NOTE in the catalogue). */
type Said = DnsNoteWhy & { message?: string };

type Failure =
  | { kind: 'timeout'; detail?: Said }
  | { kind: 'unreachable'; detail: Said }
  | { kind: 'error'; detail: Said }
  | { kind: 'aborted' };
type Exchange = { kind: 'reply'; packet: DecodedPacket } | Failure;

type Match = { ok: true; packet: DecodedPacket } | { ok: false; reason: Said };

/** The notes of an answer as its `why`. */
function notesWhy(...notes: DnsNote[]): DnsWhy {
  return { code: 'dns-notes', notes };
}

/** The notes an answer carries (none unless its why is dns-notes). */
function notesOf(r: DnsResult<unknown>): DnsNote[] {
  return r.why?.code === 'dns-notes' ? r.why.notes : [];
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  16: 'BADVERS',
};

function rcodeName(code: number): string {
  return RCODE_NAMES[code] ?? `RCODE_${code}`;
}

function socketFailure(err: unknown): Failure {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const detail: Said = { code: 'socket-error', message: code ?? thrown(err).message };
  return code !== undefined && UNREACHABLE_CODES.has(code)
    ? { kind: 'unreachable', detail }
    : { kind: 'error', detail };
}

/** The full RCODE: 4 header bits plus the 8 extended bits of the OPT record (RFC 6891 §6.1.3). */
function fullRcode(packet: DecodedPacket): number {
  const base = (packet.flags ?? 0) & 0xf;
  const opt = packet.additionals?.find((a) => a.type === 'OPT');
  return opt && opt.type === 'OPT' ? (opt.extendedRcode << 4) | base : base;
}

function toRecord(answer: Answer, type: RecordType): unknown {
  switch (answer.type) {
    case 'A':
    case 'AAAA':
      return answer.data;
    case 'CNAME':
    case 'NS':
      return normalizeName(answer.data);
    case 'SRV':
      return {
        priority: answer.data.priority ?? 0,
        weight: answer.data.weight ?? 0,
        port: answer.data.port,
        target: normalizeName(answer.data.target),
      };
    case 'MX':
      return { preference: answer.data.preference ?? 0, exchange: normalizeName(answer.data.exchange) };
    case 'TXT': {
      const parts = Array.isArray(answer.data) ? answer.data : [answer.data];
      return parts.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');
    }
    case 'TLSA':
      return {
        usage: answer.data.usage,
        selector: answer.data.selector,
        matchingType: answer.data.matchingType,
        data: answer.data.certificate.toString('hex'),
      };
    case 'SOA':
      return {
        mname: normalizeName(answer.data.mname),
        rname: normalizeName(answer.data.rname),
        serial: answer.data.serial ?? 0,
        refresh: answer.data.refresh ?? 0,
        retry: answer.data.retry ?? 0,
        expire: answer.data.expire ?? 0,
        minimum: answer.data.minimum ?? 0,
      };
    default:
      throw new Error(`unexpected ${answer.type} record for a ${type} question`);
  }
}

type RecordAnswer = Exclude<Answer, { type: 'OPT' }>;

/**
 * The CNAME chain that starts at `name` inside one answer section, followed until a name that holds
 * `type` records: the targets in order, the name reached, and whether the chain loops.
 */
function followCnames(
  answers: RecordAnswer[],
  name: string,
  type: RecordType,
): { chain: string[]; current: string; loop: boolean } {
  const chain: string[] = [];
  let current = name;
  let loop = false;
  if (type !== 'CNAME') {
    const seen = new Set([name]);
    while (!answers.some((a) => a.type === type && normalizeName(a.name) === current)) {
      const alias = answers.find((a) => a.type === 'CNAME' && normalizeName(a.name) === current);
      if (!alias || alias.type !== 'CNAME') break;
      const target = normalizeName(alias.data);
      if (seen.has(target)) {
        loop = true;
        break;
      }
      seen.add(target);
      chain.push(target);
      current = target;
    }
  }
  return { chain, current, loop };
}

/**
 * Classify a reply (RFC 1035 §4.1.1 RCODE). NOERROR answers follow the CNAME chain that starts at
 * the asked name inside the same answer section (RFC 1034 §3.6.2); NXDOMAIN after a CNAME is about
 * the last target (RFC 6604 §2).
 */
export function classifyReply<T>(
  packet: DecodedPacket,
  name: string,
  type: RecordType,
  base: { server: string; via: 'udp' | 'tcp'; ms: number },
): DnsResult<T> {
  const answers = (packet.answers ?? []).filter((a): a is RecordAnswer => a.type !== 'OPT');
  const { chain, current, loop } = followCnames(answers, name, type);
  const names = [name, ...chain];
  const chainWhy = chain.length > 0 ? notesWhy({ code: 'cname-chain', chain: names }) : undefined;
  const head = { name, type, ...base };
  const withChain = (r: DnsResult<T>): DnsResult<T> => {
    r.ad = packet.flag_ad;
    if (chain.length > 0) r.cnames = chain;
    return r;
  };
  const rcode = fullRcode(packet);
  if (loop) return withChain(emptyAnswer<T>(head, 'error', undefined, notesWhy({ code: 'cname-loop', chain: names })));
  switch (rcode) {
    case 0: {
      let records: T[];
      try {
        // At most LIMITS.dnsRecords: an answer of thousands of records is not worth more.
        records = answers
          .filter((a) => a.type === type && normalizeName(a.name) === current)
          .slice(0, LIMITS.dnsRecords)
          .map((a) => toRecord(a, type) as T);
      } catch (err) {
        const note: DnsNote = { code: 'undecodable-answer', message: (err as Error).message };
        return emptyAnswer<T>(head, 'error', undefined, notesWhy(note));
      }
      if (records.length === 0) {
        const why = chainWhy && notesWhy({ code: 'cname-chain-no-data', chain: names, type });
        return withChain(emptyAnswer<T>(head, 'nodata', undefined, why));
      }
      const result: DnsResult<T> = { ...head, status: 'records', records, ad: packet.flag_ad };
      if (chainWhy) result.why = chainWhy;
      if (type === 'SRV') addTargetAddresses(result as DnsResult<unknown>, packet);
      return withChain(result);
    }
    case 3:
      return withChain(emptyAnswer<T>(head, 'nxdomain', undefined, chainWhy));
    case 2:
      return withChain(emptyAnswer<T>(head, 'servfail'));
    case 5:
      return withChain(emptyAnswer<T>(head, 'refused'));
    default:
      return withChain(emptyAnswer<T>(head, 'error', undefined, notesWhy({ code: 'rcode', rcode: rcodeName(rcode) })));
  }
}

/** The A/AAAA records of the additional section owned by one of the SRV answer's targets (anything else is ignored). */
function addTargetAddresses(result: DnsResult<unknown>, packet: DecodedPacket): void {
  const targets = new Set((result.records as Array<{ target: string }>).map((r) => r.target));
  const found = new Map<string, { name: string; type: 'A' | 'AAAA'; records: string[] }>();
  for (const a of packet.additionals ?? []) {
    if ((a.type !== 'A' && a.type !== 'AAAA') || !targets.has(normalizeName(a.name))) continue;
    const name = normalizeName(a.name);
    const entry = found.get(`${name}/${a.type}`) ?? { name, type: a.type, records: [] };
    if (entry.records.length < LIMITS.dnsRecords) entry.records.push(a.data);
    found.set(`${name}/${a.type}`, entry);
  }
  if (found.size > 0) result.targetAddresses = [...found.values()];
}

/** Checks a datagram/TCP message against the question asked (RFC 5452 §9.1: id and question must match). */
export function matcher(ids: Set<number>, name: string, type: RecordType): (buf: Buffer) => Match {
  return (buf) => {
    let packet: DecodedPacket;
    try {
      packet = decode(buf);
    } catch (err) {
      return { ok: false, reason: { code: 'malformed-reply', message: (err as Error).message } };
    }
    if (!packet.flag_qr || packet.id === undefined || !ids.has(packet.id)) {
      return { ok: false, reason: { code: 'unexpected-id', ...(packet.id !== undefined ? { id: packet.id } : {}) } };
    }
    const q = packet.questions?.[0];
    // FORMERR/REFUSED replies may legitimately carry no question section; anything else must echo ours.
    if (!q) {
      return fullRcode(packet) === 0 ? { ok: false, reason: { code: 'no-question' } } : { ok: true, packet };
    }
    if (normalizeName(q.name) !== name || q.type !== type) {
      return { ok: false, reason: { code: 'other-question', qname: q.name, qtype: q.type } };
    }
    return { ok: true, packet };
  };
}

interface Ask {
  server: ServerAddress;
  label: string;
  name: string;
  type: RecordType;
  edns: boolean;
  signal: AbortSignal | undefined;
  trace: (t: Omit<QueryTrace, 'name' | 'type' | 'server' | 'edns'>) => void;
}

/**
 * Up to `tries` UDP tries on one connected socket (so ICMP port unreachable surfaces as
 * ECONNREFUSED). Each try gets a fresh id; a late reply to an earlier try is still accepted.
 */
function udpExchange(ask: Ask, tries: number, tryMs: number, deadline: number, dnssec: DnssecBits): Promise<Exchange> {
  return new Promise((resolve) => {
    if (ask.signal?.aborted) {
      resolve({ kind: 'aborted' });
      return;
    }
    const ids = new Set<number>();
    const match = matcher(ids, ask.name, ask.type);
    const socket = dgram.createSocket(net.isIPv6(ask.server.host) ? 'udp6' : 'udp4');
    const run: UdpRun = {
      ask,
      tries,
      tryMs,
      deadline,
      dnssec,
      ids,
      socket,
      resolve,
      onAbort: () => udpAbort(run),
      timer: undefined,
      attempt: 0,
      tryStart: performance.now(),
      settled: false,
      rejected: undefined,
    };

    ask.signal?.addEventListener('abort', run.onAbort, { once: true });
    socket.on('error', (err) => udpFail(run, err));
    socket.on('message', (msg: Buffer) => udpMessage(run, match(msg)));
    socket.connect(ask.server.port, ask.server.host, (err?: unknown) => {
      if (!run.settled) err ? udpFail(run, err) : udpSend(run); // a failed connect (no route) calls back with its error
    });
  });
}

/** The state of one udpExchange, shared by its handlers below. */
interface UdpRun {
  ask: Ask;
  tries: number;
  tryMs: number;
  deadline: number;
  dnssec: DnssecBits;
  ids: Set<number>;
  socket: dgram.Socket;
  resolve: (ex: Exchange) => void;
  onAbort: () => void;
  timer: NodeJS.Timeout | undefined;
  attempt: number;
  tryStart: number;
  settled: boolean;
  rejected: Said | undefined;
  /** Stops the replies of an adopted early query (udpAdopt). */
  release?: () => void;
}

function udpFinish(run: UdpRun, ex: Exchange): void {
  if (run.settled) return;
  run.settled = true;
  clearTimeout(run.timer);
  run.release?.();
  run.ask.signal?.removeEventListener('abort', run.onAbort);
  run.socket.removeAllListeners('message');
  run.socket.removeAllListeners('error');
  run.socket.on('error', () => undefined);
  run.socket.close(() => run.resolve(ex));
}

function udpAbort(run: UdpRun): void {
  run.ask.trace({ via: 'udp', attempt: run.attempt, ms: performance.now() - run.tryStart, outcome: 'aborted' });
  udpFinish(run, { kind: 'aborted' });
}

function udpSend(run: UdpRun): void {
  run.attempt += 1;
  if (run.attempt === 1 && udpAdopt(run)) return;
  run.tryStart = performance.now();
  let id = randomInt(0, 0x10000);
  while (run.ids.has(id)) id = randomInt(0, 0x10000);
  run.ids.add(id);
  let payload: Buffer;
  try {
    payload = buildQuery(run.ask, id, run.dnssec);
  } catch (err) {
    udpFinish(run, { kind: 'error', detail: { code: 'cannot-encode', message: (err as Error).message } });
    return;
  }
  run.socket.send(payload, (err) => {
    if (err) udpFail(run, err);
  });
  const wait = Math.max(0, Math.min(run.tryMs, run.deadline - performance.now()));
  run.timer = setTimeout(() => udpTimeout(run), wait);
}

/**
 * The first try, when the launcher already sent this very query to this server (dns/early.ts): its id
 * and send time are the try's, its replies arrive as if on this socket, its wait counts from its send.
 */
function udpAdopt(run: UdpRun): boolean {
  const early = takeEarly(run.ask.label, () => buildQuery(run.ask, 0, run.dnssec));
  if (!early) return false;
  run.ids.add(early.id);
  run.tryStart = early.sentAt;
  const now = performance.now();
  // Its time may be up while the process was busy loading: a reply already waiting on the socket is read
  // (the poll phase comes between timers and setImmediate) before the try counts as lost.
  const timedOut = (): void => void setImmediate(() => run.settled || udpTimeout(run));
  run.timer = setTimeout(timedOut, Math.max(0, Math.min(run.tryMs - (now - early.sentAt), run.deadline - now)));
  run.release = early.adopt({
    message: (msg) => run.socket.emit('message', msg),
    error: (err) => run.socket.emit('error', err),
  });
  return true;
}

function udpTimeout(run: UdpRun): void {
  run.ask.trace({
    via: 'udp',
    attempt: run.attempt,
    ms: performance.now() - run.tryStart,
    outcome: 'timeout',
    detail: run.rejected,
  });
  if (run.attempt < run.tries && run.deadline - performance.now() > 0) udpSend(run);
  else udpFinish(run, run.rejected ? { kind: 'error', detail: run.rejected } : { kind: 'timeout' });
}

function udpFail(run: UdpRun, err: unknown): void {
  const f = socketFailure(err);
  run.ask.trace({
    via: 'udp',
    attempt: run.attempt,
    ms: performance.now() - run.tryStart,
    outcome: f.kind === 'unreachable' ? 'unreachable' : 'error',
    detail: 'detail' in f ? f.detail : undefined,
  });
  udpFinish(run, f);
}

function udpMessage(run: UdpRun, m: Match): void {
  if (!m.ok) {
    run.rejected = m.reason;
    return;
  }
  run.ask.trace({
    via: 'udp',
    attempt: run.attempt,
    ms: performance.now() - run.tryStart,
    outcome: m.packet.flag_tc ? 'truncated' : 'reply',
    rcode: rcodeName(fullRcode(m.packet)),
  });
  udpFinish(run, { kind: 'reply', packet: m.packet });
}

/** One exchange over TCP: each message is preceded by its length as 2 octets (RFC 1035 §4.2.2, RFC 7766). */
function tcpExchange(ask: Ask, timeoutMs: number, dnssec: DnssecBits): Promise<Exchange> {
  return new Promise((resolve) => {
    const start = performance.now();
    const id = randomInt(0, 0x10000);
    const match = matcher(new Set([id]), ask.name, ask.type);
    let payload: Buffer;
    try {
      payload = buildQuery(ask, id, dnssec);
    } catch (err) {
      resolve({ kind: 'error', detail: { code: 'cannot-encode', message: (err as Error).message } });
      return;
    }
    if (ask.signal?.aborted) {
      resolve({ kind: 'aborted' });
      return;
    }
    const socket = net.connect({ host: ask.server.host, port: ask.server.port });
    let received = Buffer.alloc(0);
    let settled = false;
    let closed = false;
    let pending: Exchange | undefined;

    const finish = (ex: Exchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ask.signal?.removeEventListener('abort', onAbort);
      tcpReport(ask, start, ex);
      if (closed) resolve(ex);
      else {
        pending = ex;
        socket.destroy();
      }
    };
    const onAbort = (): void => finish({ kind: 'aborted' });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), Math.max(0, timeoutMs));

    ask.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('close', () => {
      closed = true;
      if (pending) resolve(pending);
      else finish({ kind: 'error', detail: { code: 'tcp-closed-early' } });
    });
    socket.on('error', (err) => finish(socketFailure(err)));
    socket.on('connect', () => socket.write(framed(payload)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const message = unframed(received);
      if (message === undefined) return;
      const m = match(message);
      finish(m.ok ? { kind: 'reply', packet: m.packet } : { kind: 'error', detail: m.reason });
    });
  });
}

function tcpReport(ask: Ask, start: number, ex: Exchange): void {
  const ms = performance.now() - start;
  if (ex.kind === 'reply') {
    ask.trace({ via: 'tcp', attempt: 1, ms, outcome: 'reply', rcode: rcodeName(fullRcode(ex.packet)) });
  } else {
    ask.trace({ via: 'tcp', attempt: 1, ms, outcome: ex.kind, detail: 'detail' in ex ? ex.detail : undefined });
  }
}

/** A message as sent over TCP: preceded by its length as 2 octets. */
function framed(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(payload.length, 0);
  return Buffer.concat([prefix, payload]);
}

/** The first message received over TCP (without its length), or undefined while it is incomplete. */
function unframed(received: Buffer): Buffer | undefined {
  if (received.length < 2) return undefined;
  const length = received.readUInt16BE(0);
  if (received.length < 2 + length) return undefined;
  return received.subarray(2, 2 + length);
}

const FAILURE_RANK: Record<DnsStatus, number> = {
  records: 9,
  nodata: 9,
  nxdomain: 9,
  servfail: 5,
  refused: 4,
  error: 3,
  timeout: 2,
  unreachable: 1,
};

/** An Ask whose trace reports to onQuery, when there is one. */
function tracedAsk(base: Omit<Ask, 'trace'>, onQuery: PacketResolverOptions['onQuery']): Ask {
  const ask: Ask = {
    ...base,
    trace: (t) => {
      if (!onQuery) return;
      try {
        onQuery({ name: ask.name, type: ask.type, server: ask.label, edns: ask.edns, ...t });
      } catch {
        // A broken observer must not turn a DNS answer into an exception.
      }
    },
  };
  return ask;
}

/** What one query shares with the servers it asks. */
interface QueryRun {
  name: string;
  type: RecordType;
  signal: AbortSignal | undefined;
  deadline: number;
  tries: number;
  timeoutMs: number;
  dnssec: DnssecBits;
  /** What each server did, for the final answer's why. */
  notes: DnsNote[];
  /** Milliseconds since the query started, to 0.1 ms. */
  elapsed: () => number;
}

/** UDP first, TCP when the UDP reply is truncated (and time is left). */
async function exchange(ask: Ask, q: QueryRun): Promise<{ via: 'udp' | 'tcp'; ex: Exchange }> {
  let via: 'udp' | 'tcp' = 'udp';
  let ex = await udpExchange(ask, q.tries, q.timeoutMs, q.deadline, q.dnssec);
  if (ex.kind === 'reply' && ex.packet.flag_tc) {
    via = 'tcp';
    const remaining = q.deadline - performance.now();
    ex =
      remaining > 0
        ? await tcpExchange(ask, Math.min(q.timeoutMs, remaining), q.dnssec)
        : { kind: 'timeout', detail: { code: 'no-time-for-tcp', ms: q.timeoutMs } };
  }
  return { via, ex };
}

/**
 * Asks one server (again without EDNS when it does not seem to know it): the answer the query returns
 * (an answer or an abort), or a failure to weigh against the other servers'.
 */
async function askServer<T>(ask: Ask, q: QueryRun): Promise<{ final: DnsResult<T> } | { failed: DnsResult<T> }> {
  const { name, type, notes } = q;
  const label = ask.label;
  for (;;) {
    const { via, ex } = await exchange(ask, q);
    const base = { name, type, server: label, via, ms: q.elapsed() };
    if (ex.kind === 'aborted') return { final: abortedAnswer<T>(base, q.signal) };
    if (ex.kind !== 'reply') {
      const said: Said = ex.detail ?? { code: 'no-reply', tries: via === 'tcp' ? 1 : q.tries, ms: q.timeoutMs };
      notes.push({ server: label, ...(via === 'tcp' ? { tcp: true as const } : {}), ...said });
      return { failed: emptyAnswer<T>(base, ex.kind) };
    }
    const rcode = fullRcode(ex.packet);
    // RFC 6891 §7: a server that answers FORMERR/NOTIMP/BADVERS to EDNS may not know it; ask again without.
    if (ask.edns && (rcode === 1 || rcode === 4 || rcode === 16)) {
      notes.push({ server: label, code: 'edns-retried', rcode: rcodeName(rcode) });
      ask.edns = false;
      continue;
    }
    const r = classifyReply<T>(ex.packet, name, type, { server: label, via, ms: q.elapsed() });
    const own = notesOf(r);
    if (dnsAnswered(r.status)) {
      if (notes.length > 0) r.why = notesWhy(...notes, ...own);
      return { final: r };
    }
    notes.push(
      ...(own.length > 0 ? own : [{ code: 'status' as const, status: r.status }]).map((n) => ({ server: label, ...n })),
    );
    return { failed: r };
  }
}

export function createPacketResolver(options: PacketResolverOptions): Resolver {
  const servers = options.servers.map((s) => (typeof s === 'string' ? parseServerSpec(s) : { ...s }));
  const labels = servers.map(formatServer);
  const timeoutMs = Math.max(1, options.timeoutMs ?? 2000);
  const tries = Math.max(0, Math.floor(options.retries ?? 1)) + 1;
  const useEdns = options.edns ?? true;
  const dnssec: DnssecBits = { ok: options.dnssecOk ?? false, cd: options.checkingDisabled ?? false };
  const onQuery = options.onQuery;

  async function query<T = unknown>(rawName: string, type: RecordType, signal?: AbortSignal): Promise<DnsResult<T>> {
    const start = performance.now();
    const name = normalizeName(rawName);
    const elapsed = (): number => Math.round((performance.now() - start) * 10) / 10;
    const invalid = invalidNameReason(name);
    if (invalid)
      return emptyAnswer<T>(
        { name, type, server: labels[0] ?? '', via: 'udp', ms: 0 },
        'error',
        undefined,
        notesWhy(invalid),
      );
    if (servers.length === 0)
      return emptyAnswer<T>({ name, type, server: '', via: 'udp', ms: 0 }, 'error', undefined, {
        code: 'dns-no-servers',
      });

    if (signal?.aborted) return abortedAnswer<T>({ name, type, server: labels[0] ?? '', via: 'udp', ms: 0 }, signal);
    const deadline = start + timeoutMs * tries * servers.length;
    const notes: DnsNote[] = [];
    let best: DnsResult<T> | undefined;
    const consider = (r: DnsResult<T>): void => {
      if (!best || FAILURE_RANK[r.status] > FAILURE_RANK[best.status]) best = r;
    };
    const run: QueryRun = { name, type, signal, deadline, tries, timeoutMs, dnssec, notes, elapsed };

    for (const [i, server] of servers.entries()) {
      const label = labels[i] ?? formatServer(server);
      if (deadline - performance.now() <= 0) {
        notes.push({ server: label, code: 'not-asked' });
        continue;
      }
      const ask = tracedAsk({ server, label, name, type, edns: useEdns, signal }, onQuery);
      const outcome = await askServer<T>(ask, run);
      if ('final' in outcome) return outcome.final;
      consider(outcome.failed);
    }
    const final = best ?? emptyAnswer<T>({ name, type, server: labels[0] ?? '', via: 'udp', ms: 0 }, 'timeout');
    final.ms = elapsed();
    if (notes.length > 0) final.why = notesWhy(...notes);
    return final;
  }

  return { query, servers: [...labels] };
}
