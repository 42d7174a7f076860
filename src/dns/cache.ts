/**
 * The one DNS cache: every question (resolver queries by name and type, host lookups by name and
 * family) asked once, lookups in flight merged, for a single run (discovery and probes share it) and
 * for a whole batch (src/batch/share.ts). Shared work runs under its own step signal, never under one
 * caller's: a caller whose own signal aborts first gets its own answer under that aborted signal
 * (at once), and the shared question goes on for the others. An aborted answer is not kept. The
 * addresses an SRV answer carries for its targets fill their A/AAAA entries (they are not asked again).
 */
import { setMaxListeners } from 'node:events';
import type { DnsAnswer } from '../model/evidence.js';
import type { HostLookup } from '../probes/resolve.js';
import { stepSignal } from '../util/deadline.js';
import type { DnsResult, RecordType, Resolver } from './resolver.js';

interface Entry<T> {
  p: Promise<T>;
  done: boolean;
}

/** A bounded map of shared work: past `max` entries, the oldest finished ones are forgotten. */
export class Shared<T> {
  readonly #entries = new Map<string, Entry<T>>();
  constructor(readonly max: number) {}

  /** The work for `key`, started with `start` when nobody has; `fresh` is true for the one that started it. */
  get(key: string, start: () => Promise<T>, keep: (v: T) => boolean = () => true): { p: Promise<T>; fresh: boolean } {
    const had = this.#entries.get(key);
    if (had) return { p: had.p, fresh: false };
    const entry: Entry<T> = { p: start(), done: false };
    this.#entries.set(key, entry);
    const settle = (ok: boolean) => {
      entry.done = true;
      if (!ok && this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    entry.p.then(
      (v) => settle(keep(v)),
      () => settle(false),
    );
    this.#evict();
    return { p: entry.p, fresh: true };
  }

  #evict(): void {
    if (this.#entries.size <= this.max) return;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.max) return;
      if (e.done) this.#entries.delete(k);
    }
  }
}

/** The shared result, unless `own` aborts first: then `fallback` (the caller's own work under its aborted signal). */
export function joined<T>(shared: Promise<T>, own: AbortSignal, fallback: () => Promise<T>): Promise<T> {
  if (own.aborted) return fallback();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => fallback().then(resolve, reject);
    own.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (v) => (own.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (own.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** Counts what was asked and what was answered from the cache (the batch's summary); default: nothing counted. */
export type CacheUse = <T>(r: { p: Promise<T>; fresh: boolean }, counter: 'lookups' | 'queries') => Promise<T>;

export interface DnsCache {
  lookup(inner: HostLookup): HostLookup;
  resolver(inner: Resolver): Resolver;
}

/** One DNS cache: A/AAAA lookups and resolver queries, each asked once (an aborted answer is asked again). */
export function sharedDns(step: () => AbortSignal, max: number, use: CacheUse = (r) => r.p): DnsCache {
  const answers = new Shared<DnsAnswer<string>>(max);
  const queries = new Shared<DnsResult>(max);
  // An SRV answer's additional section answers its targets' A/AAAA questions before they are asked.
  const prime = (r: DnsResult): DnsResult => {
    for (const t of r.targetAddresses ?? []) {
      const answer: DnsResult<string> = {
        name: t.name,
        type: t.type,
        status: 'records',
        records: t.records,
        ad: false,
        server: r.server,
        ms: 0,
        via: r.via,
        fromAdditional: true,
      };
      queries.get(`${t.name}/${t.type}`, () => Promise.resolve(answer));
    }
    return r;
  };
  return {
    lookup: (inner) => (name, family, signal) => {
      const r = answers.get(
        `${name.toLowerCase()}/${family}`,
        () => inner(name, family, step()),
        (a) => !(a as { aborted?: boolean }).aborted,
      );
      return joined(use(r, 'lookups'), signal, () => inner(name, family, signal));
    },
    resolver: (inner) => ({
      servers: inner.servers,
      query: <T>(name: string, type: RecordType, signal?: AbortSignal) => {
        const r = queries.get(
          `${name.toLowerCase()}/${type}`,
          () => inner.query(name, type, step()).then(prime),
          (a) => !a.aborted,
        );
        const own = signal ?? new AbortController().signal;
        return joined(use(r, 'queries'), own, () => inner.query(name, type, signal)) as Promise<DnsResult<T>>;
      },
    }),
  };
}

/** Entries a single run keeps: far more names than one run asks. */
const RUN_ENTRIES = 512;

/** The cache of one run: each shared question bounded by one step timeout. */
export function runDnsCache(timeoutMs: number): DnsCache {
  const never = new AbortController();
  setMaxListeners(0, never.signal);
  return sharedDns(() => stepSignal(never.signal, timeoutMs), RUN_ENTRIES);
}
