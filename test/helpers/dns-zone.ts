/**
 * Shared fixtures for the DNS tests: the test zone, a UDP port with nothing behind it, and a count of
 * the process's live sockets and timers (to prove a query leaves none behind).
 */
import dgram from 'node:dgram';
import type { Zone } from '../servers/dns-server.js';

/** Three 250-byte TXT records: over 512 bytes, under 1232. */
export const BIG_TXT = ['a', 'b', 'c'].map((c) => c.repeat(250));
/** Six 250-byte TXT records: over 1232 bytes, so even EDNS UDP truncates. */
export const HUGE_TXT = ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(250));

export const ZONE: Zone = {
  'example.test': {
    A: ['192.0.2.1'],
    MX: [
      { preference: 10, exchange: 'MX1.Example.Test.' },
      { preference: 20, exchange: 'mx2.example.test' },
    ],
    TXT: ['v=spf1 -all', 'x'.repeat(300)],
    NS: ['NS1.example.test'],
    SOA: {
      mname: 'ns1.example.test',
      rname: 'hostmaster.example.test',
      serial: 2024010101,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 300,
    },
  },
  '_imaps._tcp.example.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: 'IMAP.example.test.' }] },
  'imap.example.test': { A: ['127.0.0.2'], AAAA: ['2001:db8::2'] },
  'mail.example.test': { CNAME: 'imap.example.test' },
  'alias2.example.test': { CNAME: 'mail.example.test' },
  'outside.example.test': { CNAME: 'elsewhere.invalid' },
  'loop1.example.test': { CNAME: 'loop2.example.test' },
  'loop2.example.test': { CNAME: 'loop1.example.test' },
  'big.example.test': { TXT: BIG_TXT },
  'huge.example.test': { TXT: HUGE_TXT },
};

/** A UDP port on `host` that was free a moment ago: datagrams to it draw ICMP port unreachable. */
export async function closedUdpPort(host = '127.0.0.1'): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, host, () => resolve()));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const SOCKETS = new Set(['UDPWrap', 'TCPWrap', 'TCPSocketWrap']);

/**
 * How many sockets the process holds, by kind, once handles closed in this turn are gone
 * (libuv drops a closed handle one loop iteration after its 'close' event; a leak stays for good).
 */
export async function liveSockets(): Promise<Record<string, number>> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (SOCKETS.has(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Counts the timers set through the global setTimeout until `stop()` and which of them are still
 * pending (neither fired nor cleared). The test runner's own timers are not in the count.
 */
export function trackTimers(): { pending(): number; created(): number; stop(): void } {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const pending = new Set<unknown>();
  let created = 0;
  const patchedSet = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const t = realSet(
      (...a: unknown[]) => {
        pending.delete(t);
        fn(...a);
      },
      ms,
      ...args,
    );
    created += 1;
    pending.add(t);
    return t;
  }) as typeof setTimeout;
  const patchedClear = ((t: Parameters<typeof clearTimeout>[0]) => {
    pending.delete(t);
    realClear(t);
  }) as typeof clearTimeout;
  globalThis.setTimeout = patchedSet;
  globalThis.clearTimeout = patchedClear;
  return {
    pending: () => pending.size,
    created: () => created,
    stop: () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    },
  };
}
