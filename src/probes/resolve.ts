/**
 * Resolve an endpoint's host: A and AAAA separately and concurrently, so a broken family is
 * visible. IP literals and --resolve pins skip DNS. Address lookups go through the injected
 * HostLookup (the OS resolver like mail apps, or the --dns servers for hermetic runs). At most
 * LIMITS.addressesPerFamily addresses per family are probed (the rest listed as not probed), and
 * under --no-private private addresses are listed as refused, never probed.
 */
import { isIP } from 'node:net';
import { LIMITS } from '../limits.js';
import type { DnsAnswer, DnsStatus, Family, ProbeError, ResolveLookup } from '../model/evidence.js';
import { since } from '../util/deadline.js';
import { OPEN_POLICY, refusedAddress, type AddressPolicy } from '../util/ip.js';

export type HostLookup = (name: string, family: Family, signal: AbortSignal) => Promise<DnsAnswer<string>>;

type Addr = { address: string; family: Family };

/** The addresses to probe: policy-refused ones out, then at most LIMITS.addressesPerFamily per family. */
function select(
  host: string,
  all: Addr[],
  policy: AddressPolicy,
): Pick<ResolveLookup, 'addresses' | 'notProbed' | 'refused'> {
  const refused = all.filter((a) => refusedAddress(policy, host, a.address)).map((a) => a.address);
  const allowed = all.filter((a) => !refused.includes(a.address));
  const addresses: Addr[] = [];
  const notProbed: string[] = [];
  for (const a of allowed) {
    if (addresses.filter((x) => x.family === a.family).length < LIMITS.addressesPerFamily) addresses.push(a);
    else notProbed.push(a.address);
  }
  return { addresses, ...(notProbed.length > 0 ? { notProbed } : {}), ...(refused.length > 0 ? { refused } : {}) };
}

export async function resolveHost(
  host: string,
  lookup: HostLookup,
  pinned: Record<string, string[]>,
  signal: () => AbortSignal,
  policy: AddressPolicy = OPEN_POLICY,
): Promise<ResolveLookup> {
  const t0 = performance.now();
  const fam = isIP(host);
  if (fam !== 0) {
    return {
      ms: 0,
      via: 'literal',
      a: fam === 4 ? 'records' : 'nodata',
      aaaa: fam === 6 ? 'records' : 'nodata',
      ...select(host, [{ address: host, family: fam as Family }], policy),
    };
  }
  const pin = pinned[host.toLowerCase()];
  if (pin && pin.length > 0) {
    // --resolve is the user's own word: never refused, never capped.
    const addresses = pin.map((a) => ({ address: a, family: isIP(a) as Family }));
    return {
      ms: 0,
      via: 'pinned',
      a: addresses.some((x) => x.family === 4) ? 'records' : 'nodata',
      aaaa: addresses.some((x) => x.family === 6) ? 'records' : 'nodata',
      addresses,
    };
  }
  const [a, aaaa] = await Promise.all([lookup(host, 4, signal()), lookup(host, 6, signal())]);
  const addresses = dedupe([
    ...(a.status === 'records' ? a.records.map((r) => ({ address: r, family: 4 as const })) : []),
    ...(aaaa.status === 'records' ? aaaa.records.map((r) => ({ address: r, family: 6 as const })) : []),
  ]);
  const res: ResolveLookup = {
    ms: since(t0),
    via: a.via === 'system' ? 'system' : a.server,
    a: a.status,
    aaaa: aaaa.status,
    ...select(host, addresses, policy),
  };
  if (addresses.length === 0)
    res.error = resolveError(
      a.status,
      aaaa.status,
      [a, aaaa].find((x) => x.message !== undefined || x.why),
    );
  const disagreements = [
    a.disagreement && { ...a.disagreement, family: 4 as const },
    aaaa.disagreement && { ...aaaa.disagreement, family: 6 as const },
  ].filter((d) => d !== undefined);
  if (disagreements.length > 0) res.disagreements = disagreements;
  return res;
}

function dedupe<T extends { address: string }>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(x.address) ? false : (seen.add(x.address), true)));
}

const CODE: Record<DnsStatus, ProbeError['code']> = {
  timeout: 'DNS_TIMEOUT',
  unreachable: 'DNS_UNREACHABLE',
  servfail: 'SERVFAIL',
  refused: 'DNS_REFUSED',
  error: 'DNS_ERROR',
  nxdomain: 'NXDOMAIN',
  nodata: 'NODATA',
  records: 'DNS_ERROR',
};

/** Both families failed: the more telling status wins (a resolver failure beats "no data"). */
function resolveError(a: DnsStatus, aaaa: DnsStatus, said?: Pick<DnsAnswer, 'message' | 'why'>): ProbeError {
  const order: DnsStatus[] = ['timeout', 'unreachable', 'servfail', 'refused', 'error', 'nxdomain', 'nodata'];
  const worst = order.find((s) => s === a || s === aaaa) ?? 'error';
  if (!said) return { code: CODE[worst], why: { code: 'dns-statuses', a, aaaa } };
  return {
    code: CODE[worst],
    ...(said.message !== undefined ? { message: said.message } : {}),
    ...(said.why ? { why: said.why } : {}),
  };
}
