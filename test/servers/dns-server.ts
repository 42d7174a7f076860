/**
 * A loopback DNS server for tests: UDP and TCP on one port, a zone from a plain object, NXDOMAIN for
 * unknown names, NODATA for known names without the type, AA set. Knobs (global or per name, changeable
 * at runtime) make it slow, silent, failing, truncating or spoofed; every query is logged.
 * Only for tests: it trusts its input sizes and answers anyone who can reach the bound address.
 */
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import net from 'node:net';
import {
  AUTHENTIC_DATA,
  AUTHORITATIVE_ANSWER,
  RECURSION_AVAILABLE,
  RECURSION_DESIRED,
  TRUNCATED_RESPONSE,
  decode,
  encode,
  type Answer,
  type DecodedPacket,
  type Packet,
} from 'dns-packet';
import type { MxRecord, SrvRecord } from '../../src/model/evidence.js';
import type { SoaRecord } from '../../src/dns/resolver.js';

// dns-packet's encode ignores a `rcode` field: the code has to go into the header flags.
const { toRcode } = createRequire(import.meta.url)('dns-packet/rcodes') as { toRcode(name: string): number };

export interface ZoneEntry {
  A?: string[];
  AAAA?: string[];
  SRV?: SrvRecord[];
  MX?: MxRecord[];
  /** One TXT record per string; strings over 255 bytes are split into character-strings. */
  TXT?: string[];
  CNAME?: string;
  NS?: string[];
  SOA?: SoaRecord;
}
export type Zone = Record<string, ZoneEntry>;

export type RcodeName = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

export interface Knobs {
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (UDP and TCP). */
  drop?: boolean;
  /** Answer with this RCODE and no records. */
  rcode?: RcodeName;
  /** Over UDP, answer with TC set and no records, so the client must ask again over TCP. */
  truncate?: boolean;
  /** Set the AD bit in answers. */
  ad?: boolean;
  /** Before the real answer, send one with another id and a bogus A record (192.0.2.66). */
  spoofFirst?: boolean;
  /** Behave like a pre-EDNS server: FORMERR to any query carrying an OPT record (RFC 6891 §7). */
  noEdns?: boolean;
  /** Accept TCP connections but never answer on them. */
  tcpDrop?: boolean;
  /** Hostile: answer only with a wrong message id (never the right one). */
  wrongId?: boolean;
  /** Hostile: the answer records are owned by this other name (the question section is echoed as asked). */
  answerOwner?: string;
  /** Hostile: answer with a name whose compression pointer points at itself. */
  compressionLoop?: boolean;
  /** Lose this many UDP queries per (name, type) before answering: a datagram lost on the way. */
  dropFirst?: number;
  /** SRV answers carry the A/AAAA records of their targets in the additional section (RFC 2782). */
  additional?: boolean;
}

export interface LoggedQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
  id: number;
  edns: boolean;
  /** The EDNS UDP payload size the client advertised. */
  udpSize?: number;
  /** AD bit in the query (RFC 6840 §5.7). */
  ad: boolean;
  /** DO bit in the OPT record (RFC 3225). */
  do: boolean;
}

export interface DnsTestServer {
  readonly host: string;
  readonly port: number;
  /** 'host:port' as a resolver's `servers` entry. */
  readonly address: string;
  /** The zone served; edit it freely between queries. */
  zone: Zone;
  readonly queries: LoggedQuery[];
  /** Merge knobs, for one name (any case, trailing dot or not) or globally when `name` is omitted. */
  set(knobs: Knobs, name?: string): void;
  /** Drop every knob and forget the query log. */
  reset(): void;
  /** The client's source port of a logged UDP query (to tell queries from one socket apart). */
  portOf(query: LoggedQuery): number | undefined;
  /** Queries logged for `name` (and `type` when given). */
  count(name: string, type?: string): number;
  close(): Promise<void>;
}

export interface DnsServerOptions {
  zone?: Zone;
  /** Any local address (127.0.0.x, ::1, a test namespace's veth). Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port shared by UDP and TCP. */
  port?: number;
  knobs?: Knobs;
  /** false: UDP only, so DNS over TCP on the port is refused by the kernel (truncation with TCP refused). */
  tcp?: boolean;
  /** Called at each query's arrival, after it is logged (the bench times a child's first packet with it). */
  onQuery?: (query: LoggedQuery) => void;
}

/** A reply whose only answer is a name pointing at itself (RFC 1035 §4.1.4 compression, made to loop). */
function loopingReply(query: DecodedPacket, raw: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id ?? 0, 0);
  header.writeUInt16BE(0x8180, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(1, 6);
  let end = 12;
  while (end < raw.length && raw[end] !== 0) end += (raw[end] as number) + 1;
  const question = raw.subarray(12, end + 5);
  const at = 12 + question.length;
  const answer = Buffer.from([0xc0 | (at >> 8), at & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
  return Buffer.concat([header, question, answer]);
}

const CLASSIC_UDP_LIMIT = 512;

function norm(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** TXT character-strings are at most 255 octets (RFC 1035 §3.3.14). */
function txtChunks(text: string): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) chunks.push(bytes.subarray(i, i + 255));
  return chunks.length > 0 ? chunks : [Buffer.alloc(0)];
}

function recordsOf(owner: string, entry: ZoneEntry, type: string): Answer[] {
  const base = { name: owner, ttl: 60, class: 'IN' as const };
  switch (type) {
    case 'A':
      return (entry.A ?? []).map((data) => ({ ...base, type: 'A' as const, data }));
    case 'AAAA':
      return (entry.AAAA ?? []).map((data) => ({ ...base, type: 'AAAA' as const, data }));
    case 'SRV':
      return (entry.SRV ?? []).map((data) => ({ ...base, type: 'SRV' as const, data }));
    case 'MX':
      return (entry.MX ?? []).map((data) => ({ ...base, type: 'MX' as const, data }));
    case 'TXT':
      return (entry.TXT ?? []).map((text) => ({ ...base, type: 'TXT' as const, data: txtChunks(text) }));
    case 'NS':
      return (entry.NS ?? []).map((data) => ({ ...base, type: 'NS' as const, data }));
    case 'CNAME':
      return entry.CNAME ? [{ ...base, type: 'CNAME' as const, data: entry.CNAME }] : [];
    case 'SOA':
      return entry.SOA ? [{ ...base, type: 'SOA' as const, data: entry.SOA }] : [];
    default:
      return [];
  }
}

function logQuery(queries: LoggedQuery[], options: DnsServerOptions, q: LoggedQuery): void {
  queries.push(q);
  options.onQuery?.(q);
}

export async function startDnsServer(options: DnsServerOptions = {}): Promise<DnsTestServer> {
  const host = options.host ?? '127.0.0.1';
  const family = net.isIPv6(host) ? 'udp6' : 'udp4';
  let zone: Zone = options.zone ?? {};
  let globalKnobs: Knobs = { ...options.knobs };
  let nameKnobs = new Map<string, Knobs>();
  const queries: LoggedQuery[] = [];
  const ports = new WeakMap<LoggedQuery, number>();
  const timers = new Set<NodeJS.Timeout>();
  const connections = new Set<net.Socket>();
  let closing = false;

  const knobsFor = (name: string): Knobs => ({ ...globalKnobs, ...nameKnobs.get(name) });

  /** The reply to one query (logged first), or undefined to stay silent. UDP replies obey the 512-byte or EDNS size limit. */
  function answer(
    query: DecodedPacket,
    transport: 'udp' | 'tcp',
    port?: number,
  ): { reply: Buffer; spoof?: Buffer; delayMs: number } | undefined {
    const question = query.questions?.[0];
    const opt = query.additionals?.find((a) => a.type === 'OPT');
    const edns = opt?.type === 'OPT';
    const name = norm(question?.name ?? '');
    const type = question?.type ?? '';
    const logged: LoggedQuery = {
      name,
      type,
      transport,
      id: query.id ?? 0,
      edns,
      ...(opt?.type === 'OPT' ? { udpSize: opt.udpPayloadSize } : {}),
      ad: query.flag_ad,
      do: opt?.type === 'OPT' ? opt.flag_do : false,
    };
    if (port !== undefined) ports.set(logged, port);
    logQuery(queries, options, logged);
    const knobs = knobsFor(name);
    if (knobs.drop || (transport === 'tcp' && knobs.tcpDrop)) return undefined;
    if (
      transport === 'udp' &&
      knobs.dropFirst &&
      queries.filter((q) => q.name === name && q.type === type && q.transport === 'udp').length <= knobs.dropFirst
    )
      return undefined;

    const reply: Packet = {
      type: 'response',
      id: query.id ?? 0,
      questions: question ? [question] : [],
      answers: [],
      authorities: [],
      additionals: edns
        ? [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: 1232,
              extendedRcode: 0,
              ednsVersion: 0,
              flags: 0,
              flag_do: false,
              options: [],
            },
          ]
        : [],
    };
    let flags = AUTHORITATIVE_ANSWER | RECURSION_AVAILABLE | (query.flag_rd ? RECURSION_DESIRED : 0);
    if (knobs.ad) flags |= AUTHENTIC_DATA;

    let rcode: RcodeName = 'NOERROR';
    if (!question || (query.questions?.length ?? 0) !== 1) rcode = 'FORMERR';
    else if (knobs.noEdns && edns) {
      rcode = 'FORMERR';
      reply.additionals = [];
    } else if (knobs.rcode) rcode = knobs.rcode;
    else {
      let owner = name;
      const seen = new Set<string>();
      for (;;) {
        const entry = zone[owner];
        if (!entry) {
          // Unknown asked name: NXDOMAIN. An alias pointing outside the zone: NOERROR with the CNAME only.
          if (owner === name) rcode = 'NXDOMAIN';
          break;
        }
        const direct = recordsOf(owner, entry, type);
        if (direct.length > 0 || type === 'CNAME' || !entry.CNAME || seen.has(owner)) {
          reply.answers?.push(...direct);
          break;
        }
        seen.add(owner);
        reply.answers?.push(...recordsOf(owner, entry, 'CNAME'));
        owner = norm(entry.CNAME);
      }
    }
    flags |= toRcode(rcode);
    if (knobs.additional && type === 'SRV') {
      for (const a of reply.answers ?? []) {
        if (a.type !== 'SRV') continue;
        const target = zone[norm(a.data.target)];
        if (target)
          reply.additionals?.push(
            ...recordsOf(norm(a.data.target), target, 'A'),
            ...recordsOf(norm(a.data.target), target, 'AAAA'),
          );
      }
    }

    // RFC 1035 §4.2.1: 512 bytes over UDP, or the size the client advertised in EDNS (RFC 6891 §6.2.3).
    let limit = Infinity;
    if (transport === 'udp')
      limit = opt?.type === 'OPT' ? Math.max(CLASSIC_UDP_LIMIT, opt.udpPayloadSize) : CLASSIC_UDP_LIMIT;
    let wire = encode({ ...reply, flags });
    if (transport === 'udp' && (knobs.truncate || wire.length > limit)) {
      wire = encode({ ...reply, answers: [], flags: flags | TRUNCATED_RESPONSE });
    }
    if (knobs.answerOwner)
      wire = encode({
        ...reply,
        answers: (reply.answers ?? []).map((a) => ({ ...a, name: knobs.answerOwner as string })),
        flags,
      });
    if (knobs.wrongId) wire = encode({ ...reply, id: ((query.id ?? 0) + 1) & 0xffff, flags });
    const result: { reply: Buffer; spoof?: Buffer; delayMs: number } = { reply: wire, delayMs: knobs.delayMs ?? 0 };
    if (knobs.spoofFirst && question) {
      result.spoof = encode({
        ...reply,
        id: ((query.id ?? 0) + 1) & 0xffff,
        answers: [{ type: 'A', name, ttl: 60, class: 'IN', data: '192.0.2.66' }],
        flags: flags & ~0xf,
      });
    }
    return result;
  }

  function later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closing) fn();
    }, ms);
    timers.add(t);
  }

  function decodeQuery(buf: Buffer): DecodedPacket | undefined {
    try {
      const p = decode(buf);
      return p.flag_qr ? undefined : p;
    } catch {
      return undefined;
    }
  }

  const createUdp = (): dgram.Socket => {
    const socket = dgram.createSocket(family);
    socket.on('message', (msg, rinfo) => {
      const query = decodeQuery(msg);
      if (!query) return;
      const out = answer(query, 'udp', rinfo.port);
      if (!out) return;
      if (knobsFor(norm(query.questions?.[0]?.name ?? '')).compressionLoop) out.reply = loopingReply(query, msg);
      later(out.delayMs, () => {
        if (out.spoof) socket.send(out.spoof, rinfo.port, rinfo.address);
        socket.send(out.reply, rinfo.port, rinfo.address);
      });
    });
    return socket;
  };

  const tcp = net.createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      // RFC 1035 §4.2.2: every TCP message is preceded by a two-octet length.
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const length = buffered.readUInt16BE(0);
        const query = decodeQuery(buffered.subarray(2, 2 + length));
        buffered = buffered.subarray(2 + length);
        if (!query) continue;
        const out = answer(query, 'tcp');
        if (!out) continue;
        later(out.delayMs, () => {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(out.reply.length, 0);
          if (!socket.destroyed) socket.write(Buffer.concat([prefix, out.reply]));
        });
      }
    });
  });

  const { udp, port } = await bindBoth(createUdp, options.tcp === false ? null : tcp, host, options.port ?? 0);

  return {
    host,
    port,
    address: net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`,
    get zone() {
      return zone;
    },
    set zone(z: Zone) {
      zone = z;
    },
    queries,
    set(knobs, name) {
      if (name === undefined) globalKnobs = { ...globalKnobs, ...knobs };
      else nameKnobs.set(norm(name), { ...nameKnobs.get(norm(name)), ...knobs });
    },
    reset() {
      globalKnobs = {};
      nameKnobs = new Map();
      queries.length = 0;
    },
    portOf: (query) => ports.get(query),
    count(name, type) {
      const n = norm(name);
      return queries.filter((q) => q.name === n && (type === undefined || q.type === type)).length;
    },
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of connections) c.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => (tcp.listening ? tcp.close(() => resolve()) : resolve())),
      ]);
    },
  };
}

/** Binds UDP first (port 0 picks one), then TCP on the same number; starts over if TCP finds it taken. */
async function bindBoth(
  createUdp: () => dgram.Socket,
  tcp: net.Server | null,
  host: string,
  wanted: number,
): Promise<{ udp: dgram.Socket; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const udp = createUdp();
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ port: wanted, address: host, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const port = udp.address().port;
    if (!tcp) return { udp, port };
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ port, host, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, port };
    } catch (err) {
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      if (wanted !== 0 || attempt >= 20 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}
