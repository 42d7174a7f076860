/**
 * The one reading of the evidence: every notion that more than one layer asks about is defined here
 * once — TLS verified, STARTTLS accepted, an address that answered as IMAP, a working endpoint (with
 * and without a login), DNS answered, a definite refusal or lock of the credentials, evidence that
 * is no evidence (deadline, Ctrl-C, a doctor bug), and the structured identity of an endpoint and of
 * a step cut short. Probes, discovery, policy, checks and the report all call these; none defines
 * its own. Pure: evidence types in, booleans and values out; imports nothing but model types.
 */
import { CONFIG_SOURCE_IDS, isSourceOf, type ConfigFacts, type DnsStepFacts, type SourceResult } from './discovery.js';
import type {
  AddressProbe,
  DnsStatus,
  EndpointEvidence,
  Outcome,
  ProbeError,
  ResolveLookup,
  Security,
  Stage,
  TlsInfo,
} from './evidence.js';

// ---------------------------------------------------------------- endpoint identity

/** What names an endpoint; its id is built from this and never parsed back. */
export interface EndpointRef {
  host: string;
  port: number;
  security: Security;
}

/** 'host:port/security', stable and unique in a report. Built, never parsed: carry the EndpointRef instead. */
export function endpointId(c: EndpointRef): string {
  return `${c.host}:${c.port}/${c.security}`;
}

// ---------------------------------------------------------------- DNS

/**
 * Did DNS answer the question? Only records, NODATA and NXDOMAIN say something about the name.
 * REFUSED is a reply but not an answer: the server declined to resolve for us, so it says nothing
 * about the name and that resolver does not work for this machine — it counts with SERVFAIL,
 * timeouts and unreachable servers as "no answer" (discovery's resolverWorking, the resolver
 * reference probe and the no-network reasoning all read it so).
 */
export function dnsAnswered(status: DnsStatus | undefined): boolean {
  return status === 'records' || status === 'nodata' || status === 'nxdomain';
}

/**
 * The DNS step of a discovery source, when it took one: the SRV, MX and Autodiscover SRV lookups,
 * and an HTTP source whose host name did not resolve.
 */
export function dnsStep(s: SourceResult): (DnsStepFacts & { dnsStatus: DnsStatus }) | undefined {
  const f = s.facts;
  if (!f || !('dnsStatus' in f) || f.dnsStatus === undefined) return undefined;
  return { ...f, dnsStatus: f.dnsStatus };
}

/** The facts of a source that read a config-v1.1 document (provider id and name, enable URL), else undefined. */
export function configFacts(s: SourceResult): ConfigFacts | undefined {
  return isSourceOf(s, CONFIG_SOURCE_IDS) ? s.facts : undefined;
}

/** The Date header an HTTP source's server sent (ISO), when it sent one. */
export function httpDate(s: SourceResult): string | undefined {
  const f = s.facts;
  return f && 'httpDate' in f ? f.httpDate : undefined;
}

/** The endpoint's host lookup, when one was made (none when its probe crashed). */
export function lookupOf(e: EndpointEvidence): ResolveLookup | undefined {
  return 'crashed' in e.resolve ? undefined : e.resolve;
}

/** The endpoint's lookup when it went to DNS (not an IP literal, not pinned with --resolve, not a crashed probe). */
export function dnsLookupOf(e: EndpointEvidence): ResolveLookup | undefined {
  const r = lookupOf(e);
  return r && r.via !== 'literal' && r.via !== 'pinned' ? r : undefined;
}

// ---------------------------------------------------------------- not evidence

/**
 * A failure that is no evidence about the server: the run deadline or Ctrl-C cut the step short
 * (ABORTED), or imap-doctor itself crashed in it (INTERNAL, reported once as INTERNAL_ERROR).
 */
export function notEvidence(error: ProbeError | undefined): boolean {
  return error?.code === 'ABORTED' || error?.code === 'INTERNAL';
}

/** Every stage outcome of an address, by stage name (the optional ones only when they ran). */
export function stageOutcomes(a: AddressProbe): Array<[Stage, Outcome<unknown>]> {
  const all: Array<[Stage, Outcome<unknown> | undefined]> = [
    ['tcp', a.tcp],
    ['tls', a.tls],
    ['greeting', a.greeting],
    ['capability', a.capability],
    ['starttls', a.starttls],
    ['starttls-tls', a.starttlsTls],
    ['capability-after-tls', a.capabilityAfterTls],
  ];
  return all.filter((x): x is [Stage, Outcome<unknown>] => x[1] !== undefined);
}

/** A step the run deadline or Ctrl-C cut short: structured, so nobody parses it back. */
export interface CutStep {
  endpoint: string;
  address?: string;
  stage: Stage;
}

/** The steps of an endpoint that the deadline or Ctrl-C cut short (ABORTED stages, a login not made for it). */
export function cutSteps(e: EndpointEvidence): CutStep[] {
  const cut: CutStep[] = [];
  for (const a of e.addresses) {
    for (const [stage, o] of stageOutcomes(a))
      if (o.state === 'failed' && o.error.code === 'ABORTED') cut.push({ endpoint: e.id, address: a.address, stage });
  }
  if (e.login.state === 'withheld' && (e.login.reason === 'deadline' || e.login.reason === 'interrupted'))
    cut.push({ endpoint: e.id, stage: 'login' });
  return cut;
}

/** How a cut step reads in the report's `steps` list: 'id address stage' or 'id stage'. */
export function cutStepText(s: CutStep): string {
  return [s.endpoint, s.address, s.stage].filter((x) => x !== undefined).join(' ');
}

/** Nothing can be concluded about this endpoint: a step was cut short, or its probe crashed. */
export function cutShort(e: EndpointEvidence): boolean {
  return cutSteps(e).length > 0 || notEvidence(e.resolve.error);
}

// ---------------------------------------------------------------- TLS and STARTTLS

/** The TLS outcome of an address: implicit TLS, or the handshake after STARTTLS. */
export function tlsOf(a: AddressProbe): Outcome<TlsInfo> | undefined {
  return a.tls ?? a.starttlsTls;
}

export function tlsStageOf(a: AddressProbe): Stage {
  return a.tls ? 'tls' : 'starttls-tls';
}

/** A handshake's result verified: the chain against the trust store, and the name dialled. */
export function tlsInfoVerified(t: Pick<TlsInfo, 'chainVerified' | 'hostnameOk'>): boolean {
  return t.chainVerified && t.hostnameOk;
}

/** The address's TLS (implicit or after STARTTLS) came up with a verified chain and a matching name. */
export function tlsVerified(a: AddressProbe): boolean {
  const t = tlsOf(a);
  return t?.state === 'ok' && tlsInfoVerified(t.value);
}

/** The server answered STARTTLS with a tagged OK (RFC 9051 §6.2.1): the handshake may begin. */
export function starttlsAccepted(a: Pick<AddressProbe, 'starttls'>): boolean {
  return a.starttls?.state === 'ok' && a.starttls.value.response.status === 'OK';
}

/** Bytes arrived after the STARTTLS OK and before the handshake (response injection). */
export function starttlsInjected(a: AddressProbe): boolean {
  return a.starttls?.state === 'ok' && a.starttls.value.injectedBytes > 0;
}

// ---------------------------------------------------------------- IMAP sessions

/** The greeting was an IMAP greeting: OK, or PREAUTH (RFC 9051 §7.1). */
export function greetedAsImap(a: AddressProbe): boolean {
  return a.greeting.state === 'ok' && (a.greeting.value.kind === 'ok' || a.greeting.value.kind === 'preauth');
}

/** The greeting was OK: a session that still expects a login. */
export function greetedOk(a: AddressProbe): boolean {
  return a.greeting.state === 'ok' && a.greeting.value.kind === 'ok';
}

/** Capabilities that apply to login: inside TLS when there is TLS, else the plaintext ones. */
export function loginCapabilities(a: AddressProbe): string[] | undefined {
  if (a.capabilityAfterTls?.state === 'ok') return a.capabilityAfterTls.value;
  if (a.capability.state === 'ok') return a.capability.value;
  return undefined;
}

/** The session reached the point of login: greeting OK, and, with STARTTLS, accepted and capabilities read inside TLS. */
export function sessionReady(a: AddressProbe): boolean {
  if (!greetedOk(a)) return false;
  if (a.starttls) return starttlsAccepted(a) && a.capabilityAfterTls?.state === 'ok';
  return a.capability.state === 'ok';
}

/** Some address answered as an IMAP server in the endpoint's mode (STARTTLS accepted where due); certificate not judged. */
export function reachesImap(e: EndpointEvidence): boolean {
  return e.addresses.some((a) => greetedAsImap(a) && (e.candidate.security !== 'starttls' || starttlsAccepted(a)));
}

/** The first address that completed the session over TLS that verified, untampered. */
export function verifiedAddress(e: EndpointEvidence): AddressProbe | undefined {
  return e.addresses.find((a) => greetedOk(a) && tlsVerified(a) && !starttlsInjected(a));
}

/**
 * Does this endpoint give the user a verified, usable configuration? With a login expected, the
 * login succeeded; without one, an address completed a session over verified TLS. Plain text never works.
 */
export function working(e: EndpointEvidence, loginExpected: boolean): boolean {
  if (e.candidate.security === 'plain') return false;
  if (loginExpected) return e.login.state === 'attempted' && e.login.attempt.ok;
  return verifiedAddress(e) !== undefined;
}

// ---------------------------------------------------------------- login refusals

/** Texts that say the account is locked or rate-limited (Dovecot passdb reasons, fail2ban-style texts). */
export const LOCK_TEXTS: readonly RegExp[] = [
  /\b(account|user|mailbox|login)\b[^.]{0,40}\b(locked|suspended|blocked)\b/i,
  /\blocked out\b/i,
  /too many (failed |invalid |unsuccessful |bad )?(login |authentication |auth |sign[- ]in |logon )?(attempts|failures|tries)/i,
  /temporarily (blocked|locked|suspended|disabled)/i,
  /rate[- ]?limit/i,
];

/** Do the server's words (tagged text, [ALERT]s, BYE) say the account is locked or rate-limited? */
export function lockedOut(texts: readonly string[]): boolean {
  return texts.some((t) => LOCK_TEXTS.some((re) => re.test(t)));
}

/**
 * Response codes after which the same credentials may still be tried on another endpoint: the
 * refusal is about the server's state or this connection, not about the account (RFC 5530).
 */
const NOT_ABOUT_ACCOUNT = new Set(['UNAVAILABLE', 'LIMIT', 'PRIVACYREQUIRED', 'SERVERBUG', 'INUSE', 'OVERQUOTA']);

/**
 * Is this a definite refusal of the credentials (stop sending them anywhere)? A tagged NO whose code is
 * about the account, or any NO whose words — the tagged text, the [ALERT]s and a BYE — say the
 * account is locked or rate-limited (sending the password on would only prolong the lock).
 */
export function definiteRefusal(reply: { status?: string; code?: string; texts: readonly string[] }): boolean {
  if (reply.status !== 'NO') return false;
  return !NOT_ABOUT_ACCOUNT.has((reply.code ?? '').toUpperCase()) || lockedOut(reply.texts);
}

// ---------------------------------------------------------------- probe errors as finding params

/**
 * A probe error as finding params under `key`: the library's or server's words as `<key>`, the doctor's
 * own reason as `<key>Why` (its code) and `<key>Why<Field>` (its values); the catalogue words them.
 */
export function errorParams(
  key: string,
  e: Pick<ProbeError, 'message' | 'why'>,
): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  if (e.message !== undefined) out[key] = e.message;
  if (e.why) {
    for (const [f, v] of Object.entries(e.why)) {
      if (f === 'code') out[`${key}Why`] = v as string;
      else if (v !== undefined)
        // A list of objects (a DNS answer's notes) is carried as the JSON of each item.
        out[`${key}Why${f.charAt(0).toUpperCase()}${f.slice(1)}`] = Array.isArray(v)
          ? v.map((x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)))
          : (v as string | number);
    }
  }
  if (e.message === undefined && !e.why) out[key] = '';
  return out;
}
