/**
 * One root cause, not a cascade: a finding that merely follows from another (the password withheld
 * because TLS failed, a timeout a firewall explains, the same certificate problem on the sibling
 * port of the same host) gets `causedBy` = the root's code and is placed right after its root.
 * Checks may set `causedBy` themselves; this only adds what the table below and sibling
 * endpoints imply. Pure.
 */
import type { FindingCode, Severity } from '../catalogue/index.js';
import type { Finding } from '../model/finding.js';

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };

/** consequence code → root codes that explain it (when on the same endpoint, or global roots). */
export const EXPLAINED_BY: Partial<Record<FindingCode, readonly FindingCode[]>> = {
  LOGIN_WITHHELD: [
    'TLS_CERT_EXPIRED',
    'TLS_CERT_NOT_YET_VALID',
    'TLS_HOSTNAME_MISMATCH',
    'TLS_SELF_SIGNED',
    'TLS_UNTRUSTED_ISSUER',
    'TLS_CHAIN_INCOMPLETE',
    'TLS_CERT_INVALID',
    'TLS_INTERCEPTED',
    'TLS_WEAK_CRYPTO',
    'TLS_CLOCK_SKEW',
    'STARTTLS_INJECTION',
    'SRV_TARGET_OUTSIDE_DOMAIN',
    'HOST_OUTSIDE_DOMAIN',
  ],
  TLS_UNTRUSTED_ISSUER: ['TLS_INTERCEPTED'],
  TCP_TIMEOUT: [
    'SERVER_PORT_FILTERED',
    'HOST_UNREACHABLE',
    'LOCAL_NETWORK_BLOCKS_MAIL',
    'NO_NETWORK',
    'IPV6_PATH_BROKEN',
    'IPV6_SERVICE_MISSING',
  ],
  TCP_UNREACHABLE: ['HOST_UNREACHABLE', 'NO_NETWORK', 'IPV6_PATH_BROKEN'],
  TCP_REFUSED: ['IPV6_SERVICE_MISSING', 'IMPLICIT_TLS_MISSING'],
  DNS_NO_ADDRESS: ['DNS_NXDOMAIN', 'DNS_FALSE_NXDOMAIN'],
  DNS_LOOKUP_FAILED: ['NO_NETWORK', 'DNS_TIMEOUT', 'DNS_SERVFAIL', 'DNS_UNREACHABLE', 'DNSSEC_BOGUS'],
};

/**
 * Findings that sum up what is wrong with one endpoint in terms of what to fix (a published
 * setting that points at it): everything else found on that endpoint becomes their detail.
 */
export const ENDPOINT_ROOTS: readonly FindingCode[] = ['PUBLISHED_SETTINGS_WRONG', 'SRV_TARGET_BROKEN'];

/** Params that differ between sibling endpoints without making the problem a different one. */
const LOCAL_PARAMS = new Set(['address', 'addresses', 'family', 'ms', 'greeting', 'timeoutMs', 'dialled', 'detail']);

/** A root that names the addresses it explains only explains findings about those addresses. */
function coversAddresses(root: Finding, f: Finding): boolean {
  const scope = root.params.addresses;
  if (!Array.isArray(scope)) return true;
  const mine = Array.isArray(f.params.addresses)
    ? f.params.addresses
    : typeof f.params.address === 'string'
      ? [f.params.address]
      : [];
  // A finding about the endpoint as a whole (no address) is covered by a root on its addresses.
  return mine.length === 0 || mine.every((a) => scope.includes(a));
}

function identity(f: Finding): string {
  const p = Object.fromEntries(Object.entries(f.params).filter(([k]) => !LOCAL_PARAMS.has(k)));
  return `${f.code}|${f.subject.host ?? ''}|${JSON.stringify(p)}`;
}

export function groupConsequences(ordered: readonly Finding[]): Finding[] {
  const out = ordered.map((f) => ({ ...f }));
  const rootOf = new Map<Finding, Finding>();
  const firstOf = new Map<string, Finding>();
  const isRootFor = (r: Finding, f: Finding, codes: readonly FindingCode[]) =>
    r !== f &&
    !r.causedBy &&
    codes.includes(r.code) &&
    (r.endpoint === undefined || r.endpoint === f.endpoint) &&
    r.severity !== 'ok' &&
    coversAddresses(r, f);
  for (const f of out) {
    if (f.severity === 'ok') continue;
    const given = f.causedBy;
    if (given) {
      const r =
        out.find((x) => isRootFor(x, f, [given])) ?? out.find((x) => x !== f && x.code === given && !x.causedBy);
      if (r) rootOf.set(f, r);
      f.relation ??= 'consequence';
      continue;
    }
    // The same problem on a sibling endpoint of the same host: grouped under the first one.
    if (f.endpoint) {
      const key = identity(f);
      const first = firstOf.get(key);
      if (first && first.endpoint !== f.endpoint) {
        f.causedBy = first.code;
        f.relation = 'same-problem';
        f.params = { ...f.params, sameAs: first.endpoint ?? '' };
        rootOf.set(f, first);
        continue;
      }
      if (!first) firstOf.set(key, f);
    }
    const codes = EXPLAINED_BY[f.code];
    const root = codes ? out.find((r) => isRootFor(r, f, codes)) : undefined;
    if (root) {
      f.causedBy = root.code;
      f.relation = 'consequence';
      rootOf.set(f, root);
    }
  }
  absorbIntoEndpointRoots(out, rootOf);
  return underRoots(out, rootOf);
}

/**
 * What remains a root on an endpoint that a published-settings error sums up is its detail (a mere
 * warning, such as an SRV target that is a working CNAME, absorbs nothing).
 */
function absorbIntoEndpointRoots(out: Finding[], rootOf: Map<Finding, Finding>): void {
  for (const r of out) {
    if (!ENDPOINT_ROOTS.includes(r.code) || r.causedBy || !r.endpoint || r.severity !== 'error') continue;
    for (const f of out) {
      if (
        f === r ||
        f.causedBy ||
        rootOf.has(f) ||
        f.endpoint !== r.endpoint ||
        f.severity === 'ok' ||
        ENDPOINT_ROOTS.includes(f.code)
      )
        continue;
      f.causedBy = r.code;
      f.relation = 'detail';
      rootOf.set(f, r);
    }
  }
}

/**
 * A consequence is never more severe than what, in the end, explains it (a broken IPv6 path is a
 * warning, so the IPv6 timeouts it explains are too); details of a published endpoint and the same
 * problem elsewhere keep their own severity. Then every consequence goes right after its root (or its
 * root's root); the rest keeps its order.
 */
function underRoots(out: Finding[], rootOf: Map<Finding, Finding>): Finding[] {
  const top = (f: Finding): Finding => {
    let r = f;
    for (let i = 0; i < 5 && rootOf.has(r); i++) r = rootOf.get(r) as Finding;
    return r;
  };
  for (const [c] of rootOf) {
    const t = top(c);
    if (c.relation === 'consequence' && SEVERITY_RANK[c.severity] < SEVERITY_RANK[t.severity]) c.severity = t.severity;
  }
  const result: Finding[] = [];
  for (const f of out) {
    if (rootOf.has(f)) continue;
    result.push(f);
    for (const c of out) if (rootOf.has(c) && top(c) === f) result.push(c);
  }
  return result;
}
