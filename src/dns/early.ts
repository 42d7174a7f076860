/**
 * Early DNS queries (issue #9: the first packet leaves within 60 ms of the start). The launcher's
 * dist/early.js (src/early.ts) sends the questions the run will ask first over one UDP socket while
 * dist/cli.js loads; the stub resolver's first UDP try of the same query to the same server (the same
 * bytes but the id, packet-resolver.ts) takes it over with takeEarly instead of sending its own: the
 * early id and send time become its first try's, the replies go through its own checks (id, question;
 * the socket is connected, so only the server's datagrams arrive). Each early query is taken at most
 * once; one not yet sent when asked for is never sent; one never taken is dropped. The socket never
 * keeps the process alive. The two bundles share nothing but this state on globalThis.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { decode } from 'dns-packet';
import { buildQuery, type DnssecBits, type Question } from './query.js';
import { formatServer, normalizeName, parseServerSpec } from './resolver.js';
import { ipVersion } from '../address.js';

const KEY = Symbol.for('imap-doctor.early-dns');

/** Where the replies to an adopted query go (the resolver's own socket handlers). */
export interface Adopter {
  message(msg: Buffer): void;
  error(err: unknown): void;
}

/** An early query handed over: its id, when it left, and how to receive its replies (the returned function stops them). */
export interface EarlyQuery {
  id: number;
  sentAt: number;
  adopt(to: Adopter): () => void;
}

interface Entry {
  id: number;
  question: Question;
  payload: Buffer;
  state: 'pending' | 'sent' | 'taken' | 'done';
  /** When it left, on process.hrtime's clock (performance.now() would load node:perf_hooks before the first packet). */
  sentNs: bigint;
  /** Replies that came before the resolver took the query (at most MAX_HELD). */
  held: Buffer[];
  adopter?: Adopter;
}

interface EarlyState {
  server: string;
  /** By the query's bytes with a zero id; an entry leaves this map when taken or failed. */
  open: Map<string, Entry>;
  byId: Map<number, Entry>;
  socket: dgram.Socket;
  closed: boolean;
}

/**
 * `n` query ids of 16 random bits from the kernel's random source, /dev/urandom (what node:crypto draws
 * on, without loading node:crypto before the first packet: dist/early.cjs loads it on first use only,
 * scripts/build.mjs); from node:crypto where there is no /dev/urandom.
 */
export function randomIds(n: number): number[] {
  const bytes = Buffer.alloc(2 * n);
  let read = 0;
  try {
    const fd = openSync('/dev/urandom', 'r');
    try {
      read = readSync(fd, bytes, 0, bytes.length, null);
    } finally {
      closeSync(fd);
    }
  } catch {
    read = 0;
  }
  return Array.from({ length: n }, (_, i) =>
    read === bytes.length ? bytes.readUInt16BE(2 * i) : randomInt(0, 0x10000),
  );
}

/** A reply is a few hundred bytes; a server sending more than a few per query is not waited for. */
const MAX_HELD = 4;

function keyOf(payload: Buffer): string {
  const copy = Buffer.from(payload);
  copy.writeUInt16BE(0, 0);
  return copy.toString('hex');
}

function state(): EarlyState | undefined {
  return (globalThis as { [KEY]?: EarlyState })[KEY];
}

/** Closes the socket once nothing is left to send, hold or hand over. */
function closeWhenIdle(s: EarlyState): void {
  if (s.closed || s.open.size > 0 || [...s.byId.values()].some((e) => e.state === 'taken')) return;
  s.closed = true;
  s.socket.close();
}

/**
 * The query a datagram is for: by its id, else by its question (a reply with another id for one of ours
 * is what that query's own socket would have seen, and rejected — its reason is part of the outcome).
 */
function entryOf(s: EarlyState, msg: Buffer): Entry | undefined {
  const byId = msg.length >= 2 ? s.byId.get(msg.readUInt16BE(0)) : undefined;
  if (byId) return byId;
  try {
    const q = decode(msg).questions?.[0];
    if (!q) return undefined;
    const name = normalizeName(q.name);
    return [...s.byId.values()].find((e) => e.question.name === name && e.question.type === q.type);
  } catch {
    return undefined;
  }
}

function onMessage(s: EarlyState, msg: Buffer): void {
  const entry = entryOf(s, msg);
  if (!entry) return;
  if (entry.adopter) entry.adopter.message(msg);
  else if (entry.state === 'sent' && entry.held.length < MAX_HELD) entry.held.push(msg);
}

/** An ICMP error (the server's port closed, no route): queries not taken are dropped (the resolver asks itself), taken ones hear it. */
function onError(s: EarlyState, err: unknown): void {
  s.open.clear();
  for (const e of s.byId.values()) if (e.adopter) e.adopter.error(err);
  closeWhenIdle(s);
}

function sendAll(s: EarlyState): void {
  for (const [key, e] of s.open) {
    if (e.state !== 'pending') continue;
    e.state = 'sent';
    e.sentNs = process.hrtime.bigint();
    s.socket.send(e.payload, (err) => {
      if (!err) return;
      s.open.delete(key);
      e.adopter?.error(err);
      closeWhenIdle(s);
    });
  }
}

/**
 * Sends each question to `serverSpec` ('ip[:port]') as the resolver would (its edns and DNSSEC bits), at
 * once, over one connected UDP socket, and leaves them for takeEarly. Never throws for the network.
 */
export function sendEarly(serverSpec: string, questions: Question[], dnssec: DnssecBits): void {
  const address = parseServerSpec(serverSpec);
  const socket = dgram.createSocket(ipVersion(address.host) === 6 ? 'udp6' : 'udp4');
  const s: EarlyState = { server: formatServer(address), open: new Map(), byId: new Map(), socket, closed: false };
  const ids = randomIds(questions.length);
  for (const [i, q] of questions.entries()) {
    let id = ids[i] as number;
    while (s.byId.has(id)) id = randomInt(0, 0x10000);
    const entry: Entry = {
      id,
      question: q,
      payload: buildQuery(q, id, dnssec),
      state: 'pending',
      sentNs: 0n,
      held: [],
    };
    s.open.set(keyOf(entry.payload), entry);
    s.byId.set(id, entry);
  }
  socket.on('message', (msg: Buffer) => onMessage(s, msg));
  socket.on('error', (err) => onError(s, err));
  socket.connect(address.port, address.host, (err?: unknown) => (err ? onError(s, err) : sendAll(s)));
  socket.unref();
  (globalThis as { [KEY]?: EarlyState })[KEY] = s;
}

/**
 * The early query to `server` whose bytes (but the id) are `query()`'s, when one was sent and is not
 * taken yet; it is then the caller's. One not sent yet is cancelled (the caller sends its own).
 * Without early queries nothing is encoded.
 */
export function takeEarly(server: string, query: () => Buffer): EarlyQuery | undefined {
  const s = state();
  if (!s || s.server !== server || s.open.size === 0) return undefined;
  let key: string;
  try {
    key = keyOf(query());
  } catch {
    return undefined;
  }
  const e = s.open.get(key);
  if (!e) return undefined;
  s.open.delete(key);
  if (e.state !== 'sent') {
    e.state = 'done';
    closeWhenIdle(s);
    return undefined;
  }
  e.state = 'taken';
  const sentAt = performance.now() - Number(process.hrtime.bigint() - e.sentNs) / 1e6;
  return { id: e.id, sentAt, adopt: (to) => adopt(s, e, to) };
}

function adopt(s: EarlyState, e: Entry, to: Adopter): () => void {
  e.adopter = to;
  const held = e.held.splice(0);
  // After the caller has armed its timer: a reply already here settles the try as if it came now.
  queueMicrotask(() => {
    for (const msg of held) e.adopter?.message(msg);
  });
  return () => {
    e.adopter = undefined;
    e.state = 'done';
    closeWhenIdle(s);
  };
}
