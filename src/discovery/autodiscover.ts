/**
 * Microsoft Autodiscover (POX, Outlook 2006a schema) as a discovery source: a POST to
 * https://autodiscover.D/ and https://D/, and to the target of _autodiscover._tcp.D SRV, never
 * with credentials. Without --send-address the request names a stand-in mailbox at D and the
 * stand-in is mapped back to the user's address in the answer. XML RedirectUrl answers are
 * followed (https only, counted with the HTTP redirects); RedirectAddr is recorded, not followed.
 */
import { registrableDomain } from './domain.js';
import { isIP } from 'node:net';
import type {
  AutodiscoverFacts,
  AutodiscoverSourceId,
  HttpHop,
  HttpStepFacts,
  RefusedTarget,
  ServerSetting,
  SourceResultBase,
  SourceResultOf,
} from '../model/discovery.js';
import type { AutodiscoverResult } from './parse-autodiscover.js';
import { insideDomain } from './domain.js';
import { autodiscoverRequestBody } from './autodiscover-request.js';
import {
  dnsSourceStatus,
  fetchedResult,
  httpFailureStatus,
  invalidOf,
  notRun,
  type ChannelTrust,
  type SourceContext,
} from './source-kit.js';
import { formatSrv, lookupSrv } from './srv.js';
import { dnsAnswered } from '../model/reading.js';

/** Local part of the stand-in address sent when the real one may not be (no --send-address). */
export const STAND_IN_LOCAL_PART = 'autodiscover-probe';

export function autodiscoverUrl(host: string, port = 443): string {
  return `https://${host}${port === 443 ? '' : `:${port}`}/autodiscover/autodiscover.xml`;
}

/** Puts the real address back where the server echoed the stand-in. */
function restoreAddress(servers: ServerSetting[], ctx: SourceContext): ServerSetting[] {
  const standIn = `${STAND_IN_LOCAL_PART}@${ctx.domain}`;
  return servers.map((s) => {
    if (s.username === standIn) return { ...s, username: ctx.address.address };
    if (s.username === STAND_IN_LOCAL_PART) return { ...s, username: ctx.address.localPart };
    return s;
  });
}

/** POST one Autodiscover URL (and any RedirectUrl answers) and read the answer as `source`. */
async function post<S extends AutodiscoverSourceId>(
  ctx: SourceContext,
  source: S,
  url: string,
  home: string,
  secure: ChannelTrust,
  facts0: AutodiscoverFacts = {},
): Promise<SourceResultOf<S>> {
  const t0 = performance.now();
  const signal = ctx.step();
  const standIn = autodiscoverRequestBody(`${STAND_IN_LOCAL_PART}@${ctx.domain}`);
  // The real address only with --send-address, and never past a hop that leaves the domain or TLS.
  const request = {
    method: 'POST' as const,
    body: ctx.sendAddress ? autodiscoverRequestBody(ctx.address.address) : standIn,
    bodyElsewhere: standIn,
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
  };
  const hops: HttpHop[] = [];
  let insecure = false;
  let target = url;
  for (let round = 0; ; round++) {
    const offDomain = registrableDomain(new URL(target).hostname) !== registrableDomain(ctx.domain);
    const o = await ctx.fetch({ ...request, ...(offDomain ? { body: standIn } : {}), url: target }, signal);
    hops.push(...o.hops);
    // Trust is judged on every round's hops: an http hop in an earlier round still counts.
    insecure ||= o.insecure;
    const fetched = fetchedResult(source, url, { ...o, hops, insecure }, t0, home, secure);
    const base = { ...fetched, facts: { ...facts0, ...fetched.facts } };
    const failed = httpFailureStatus(o);
    if (o.status === 401 || o.status === 403) {
      return { ...base, status: 'http-error', facts: { ...base.facts, reason: 'asks-credentials' } };
    }
    if (failed)
      return { ...base, status: failed, ...(o.tooLarge ? { invalid: { reason: 'too-large' as const } } : {}) };
    const { parseAutodiscover } = await import('./parse-autodiscover.js');
    const answer = answerOf(parseAutodiscover(o.body ?? '', ctx.who, { maxBytes: ctx.maxBytes }), base, round, ctx);
    if (!('next' in answer)) return answer;
    target = answer.next;
  }
}

/** A parsed answer of round `round` as the source's result, or the RedirectUrl to POST to next (https, a host name, two at most). */
function answerOf<S extends AutodiscoverSourceId>(
  parsed: AutodiscoverResult,
  base: SourceResultBase & { source: S; facts: HttpStepFacts & AutodiscoverFacts },
  round: number,
  ctx: SourceContext,
): { next: string } | SourceResultOf<S> {
  if (!parsed.ok) {
    if (parsed.reason === 'error-response')
      return {
        ...base,
        status: 'not-found',
        facts: {
          ...base.facts,
          reason: 'autodiscover-error',
          ...(parsed.detail ? { errorDetail: parsed.detail } : {}),
        },
      };
    return {
      ...base,
      status: 'invalid',
      invalid: invalidOf({ ...parsed, reason: parsed.reason }),
    };
  }
  if (
    parsed.redirectUrl &&
    round < 2 &&
    parsed.redirectUrl.startsWith('https://') &&
    isIP(new URL(parsed.redirectUrl).hostname.replace(/^\[|\]$/g, '')) === 0
  ) {
    return { next: parsed.redirectUrl };
  }
  if (parsed.redirectAddr)
    return {
      ...base,
      status: 'not-found',
      facts: { ...base.facts, reason: 'redirect-addr-not-followed', redirectAddr: parsed.redirectAddr },
    };
  if (parsed.redirectUrl)
    return {
      ...base,
      status: 'not-found',
      facts: { ...base.facts, reason: 'redirect-url-not-followed', redirectUrl: parsed.redirectUrl },
    };
  const servers = restoreAddress(parsed.servers, ctx);
  return {
    ...base,
    servers,
    ...(parsed.problems.length > 0 ? { problems: parsed.problems } : {}),
    ...(servers.length === 0 ? { status: 'not-found' as const } : {}),
  };
}

/** https://autodiscover.D/… ('autodiscover') or https://D/… ('autodiscover-domain'). */
export function autodiscoverSource<S extends 'autodiscover' | 'autodiscover-domain'>(
  ctx: SourceContext,
  source: S,
): Promise<SourceResultOf<S>> {
  const host = source === 'autodiscover' ? `autodiscover.${ctx.domain}` : ctx.domain;
  return post(ctx, source, autodiscoverUrl(host), ctx.domain, { trust: 'trusted', trustReason: 'https-domain' });
}

/** An unverified SRV record may name a host name on port 443 only (anything else could steer the POST). */
function steering(r: { target: string; port: number }): RefusedTarget | undefined {
  const target = `${r.target}:${r.port}`;
  if (isIP(r.target) !== 0) return { target, reason: 'ip-literal' };
  return r.port === 443 ? undefined : { target, reason: 'port' };
}

/** _autodiscover._tcp.D SRV, then a POST to the best target; a target outside D is unverified (RFC 6186 §6). */
export async function autodiscoverSrvSource(ctx: SourceContext): Promise<SourceResultOf<'autodiscover-srv'>> {
  const l = await lookupSrv(ctx, 'autodiscover');
  const facts: AutodiscoverFacts = { dnsName: l.name, dnsStatus: l.answer.status, dnsServer: l.answer.server };
  if (l.answer.records.length > 0) facts.records = l.answer.records.map(formatSrv);
  const best = l.records[0];
  if (!best) {
    const bad = l.badTargets.length > 0;
    const r = notRun('autodiscover-srv', `${l.name} SRV`, 'skipped', bad ? 'srv-target-not-host' : 'no-srv-record');
    const status = l.disabled ? 'service-disabled' : bad ? 'invalid' : dnsSourceStatus(l.answer.status);
    // "No SRV record" only when DNS answered so; a lookup that failed says nothing about what is published.
    const said = bad || dnsAnswered(l.answer.status);
    return {
      ...r,
      status,
      ms: l.ms,
      trustReason: 'dns',
      facts: { ...facts, ...(said ? r.facts : {}), ...(bad ? { badTargets: l.badTargets } : {}) },
      ...(bad ? { invalid: { reason: 'bad-hostname' as const, detail: l.badTargets.join(', ') } } : {}),
    };
  }
  const secure: ChannelTrust =
    l.answer.ad || insideDomain(best.target, ctx.domain)
      ? { trust: 'trusted', trustReason: l.answer.ad ? 'dnssec' : 'https-domain' }
      : { trust: 'unverified', trustReason: 'srv-outside-domain' };
  const refusal = secure.trust === 'unverified' && !ctx.trustHosts.has(best.target) ? steering(best) : undefined;
  if (refusal) {
    const r = notRun('autodiscover-srv', `${l.name} SRV`, 'skipped', 'unverified-target-refused');
    return { ...r, ms: l.ms, ...secure, facts: { ...facts, ...r.facts }, refused: [refusal] };
  }
  const r = await post(ctx, 'autodiscover-srv', autodiscoverUrl(best.target, best.port), best.target, secure, facts);
  return { ...r, query: `${l.name} SRV → ${r.query}`, ms: r.ms + l.ms, authenticated: l.answer.ad };
}
