/**
 * PACC as a discovery source (draft-ietf-mailmaint-pacc -02…-04): GET
 * https://ua-auto-config.D/.well-known/user-agent-configuration.json keeping the exact bytes, and
 * at the same time TXT `_ua-auto-config.D`; the JSON is read only when one digest of the TXT set
 * matches the bytes (DNS and HTTPS agree), and then it is trusted. The obsolete forms
 * (`https://D/.well-known/pacc.json`, SRV `_pacc._https.D`) are looked at to be mentioned, never used.
 */
import type { SourceResult } from '../model/discovery.js';
import type { SrvRecord } from '../model/evidence.js';
import type { PaccFacts } from '../model/standards.js';
import { LIMITS } from '../limits.js';
import { paccDigest, parseUaacRecord, readPaccJson } from './parse-pacc.js';
import { dnsSourceStatus, fetchedResult, httpFailureStatus, type SourceContext } from './source-kit.js';
import { dnsAnswered } from '../model/reading.js';

export function paccUrl(domain: string): string {
  return `https://ua-auto-config.${domain}/.well-known/user-agent-configuration.json`;
}

export function paccTxtName(domain: string): string {
  return `_ua-auto-config.${domain}`;
}

/** Digest check and JSON, once the body is in hand. */
function judgeBody(base: SourceResult, facts: PaccFacts, bytes: Buffer): SourceResult {
  facts.bodyDigest = paccDigest(bytes);
  facts.bodyBytes = bytes.length;
  const digests = facts.txt.filter((t) => t.usable).map((t) => t.digest);
  if (facts.txtStatus !== 'records' && facts.txtStatus !== 'nodata' && facts.txtStatus !== 'nxdomain')
    facts.problem = 'txt-lookup-failed';
  else if (facts.txt.length === 0) facts.problem = 'no-txt';
  else if (digests.length === 0) facts.problem = 'txt-no-digest';
  else if (!digests.includes(facts.bodyDigest)) facts.problem = 'digest-mismatch';
  if (facts.problem) return { ...base, status: 'invalid', pacc: facts };
  facts.verified = true;
  const read = readPaccJson(bytes.toString('utf8'));
  if (!read.ok)
    return {
      ...base,
      status: 'invalid',
      trust: 'trusted',
      trustReason: 'pacc-digest',
      pacc: { ...facts, problem: read.problem, ...(read.detail ? { detail: read.detail } : {}) },
    };
  return {
    ...base,
    status: 'found',
    servers: read.servers,
    trust: 'trusted',
    trustReason: 'pacc-digest',
    pacc: { ...facts, ...read.facts },
  };
}

export async function paccSource(ctx: SourceContext): Promise<SourceResult> {
  const t0 = performance.now();
  const url = paccUrl(ctx.domain);
  const txtName = paccTxtName(ctx.domain);
  const [o, txt] = await Promise.all([
    ctx.fetch({ url, headers: { Accept: 'application/json' }, maxBytes: LIMITS.paccBytes }, ctx.step()),
    ctx.resolver.query<string>(txtName, 'TXT', ctx.step()),
  ]);
  // Unverified until a digest matches: nothing here is used before that.
  const base = {
    ...fetchedResult('pacc', url, o, t0, ctx.domain, { trust: 'unverified', trustReason: 'pacc-unverified' }),
    trust: 'unverified' as const,
    trustReason: 'pacc-unverified' as const,
  };
  const facts: PaccFacts = {
    txtName,
    txtStatus: txt.status,
    txtAuthenticated: txt.ad,
    txt: txt.records.map(parseUaacRecord),
    verified: false,
  };
  if (o.tooLarge) return { ...base, status: 'invalid', invalid: { reason: 'too-large' }, pacc: facts };
  const failed = httpFailureStatus(o);
  if (failed || !o.bodyBytes) return { ...base, status: failed ?? 'http-error', pacc: facts };
  return judgeBody(base, facts, o.bodyBytes);
}

export function paccObsoleteUrl(domain: string): string {
  return `https://${domain}/.well-known/pacc.json`;
}

/** The obsolete PACC publication: looked at so the report can say it is there; never a source of servers. */
export async function paccObsoleteSource(ctx: SourceContext): Promise<SourceResult> {
  const t0 = performance.now();
  const url = paccObsoleteUrl(ctx.domain);
  const srvName = `_pacc._https.${ctx.domain}`;
  const [o, srv] = await Promise.all([
    ctx.fetch({ url, headers: { Accept: 'application/json' }, maxBytes: LIMITS.paccBytes }, ctx.step()),
    ctx.resolver.query<SrvRecord>(srvName, 'SRV', ctx.step()),
  ]);
  let json = false;
  try {
    const doc: unknown =
      o.body !== undefined && o.status !== undefined && o.status >= 200 && o.status < 300
        ? JSON.parse(o.body)
        : undefined;
    json = typeof doc === 'object' && doc !== null && !Array.isArray(doc);
  } catch {
    json = false;
  }
  const srvTargets = srv.records.map((r) => r.target).filter((t) => t !== '');
  const present = json || srvTargets.length > 0;
  // "Not there" only when both places could be looked at: a failed fetch or lookup says nothing.
  const couldNotLook = httpFailureStatus(o) ?? (dnsAnswered(srv.status) ? undefined : dnsSourceStatus(srv.status));
  return {
    source: 'pacc-obsolete',
    query: url,
    status: present ? 'found' : (couldNotLook ?? 'not-found'),
    ms: Math.round(performance.now() - t0),
    servers: [],
    trust: 'unverified',
    trustReason: 'obsolete',
    paccObsolete: {
      wellKnownUrl: url,
      wellKnownPresent: json,
      ...(o.status !== undefined ? { wellKnownStatus: o.status } : {}),
      srvName,
      srvStatus: srv.status,
      srvTargets,
    },
  };
}
