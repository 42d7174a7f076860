/**
 * What a check sees and returns. Checks are pure and synchronous: evidence in, findings out,
 * no I/O and no prose. The runner catches a throwing check as INTERNAL_ERROR.
 */
import type { EmailAddress } from '../address.js';
import { CATALOGUE, type Actor, type FindingCode, type Params, type Severity } from '../catalogue/index.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import type { AddressProbe, EndpointEvidence, NetworkEvidence, Outcome, ProbeError, Stage, TlsInfo } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';

export interface CheckContext {
  address: EmailAddress;
  user: string;
  endpoints: readonly EndpointEvidence[];
  discovery: DiscoveryEvidence | null;
  /** Reference probes and clock samples gathered to interpret failures. */
  network: NetworkEvidence;
  now: Date;
  expiryWarningDays: number;
  timeoutMs: number;
  deadlineMs: number;
  credentials: 'password' | 'oauth' | null;
  noLoginReason?: string;
  /** Steps cut by the run deadline (filled by the doctor). */
  deadlineHit: string[];
  /** Steps cut by Ctrl-C, or null when the run was not interrupted. */
  interrupted: string[] | null;
}

export interface Check {
  id: string;
  run(ctx: CheckContext): Finding[];
}

export function finding(code: FindingCode, stage: Finding['stage'], params: Params, where?: { e?: EndpointEvidence; a?: AddressProbe; severity?: Severity; who?: Actor }): Finding {
  const e = where?.e;
  return {
    code,
    severity: where?.severity ?? CATALOGUE[code].severity,
    subject: e
      ? { host: e.candidate.host, port: e.candidate.port, security: e.candidate.security, ...(where?.a && e.addresses.length > 1 ? { address: where.a.address } : {}) }
      : {},
    params,
    stage,
    ...(e ? { endpoint: e.id } : {}),
    ...(where?.who ? { who: where.who } : {}),
  };
}

/** The TLS outcome of an address: implicit TLS, or the handshake after STARTTLS. */
export function tlsOf(a: AddressProbe): Outcome<TlsInfo> | undefined {
  return a.tls ?? a.starttlsTls;
}

export function tlsStageOf(a: AddressProbe): Stage {
  return a.tls ? 'tls' : 'starttls-tls';
}

/** Capabilities that apply to login: inside TLS when there is TLS, else the plaintext ones. */
export function loginCapabilities(a: AddressProbe): string[] | undefined {
  if (a.capabilityAfterTls?.state === 'ok') return a.capabilityAfterTls.value;
  if (a.capability.state === 'ok') return a.capability.value;
  return undefined;
}

/** An endpoint is verified when one address completed the session over TLS that verified. */
export function verifiedAddress(e: EndpointEvidence): AddressProbe | undefined {
  return e.addresses.find((a) => a.greeting.state === 'ok' && a.greeting.value.kind === 'ok' && tlsVerified(a) && !starttlsInjected(a));
}

/** The address's TLS (implicit or after STARTTLS) came up with a verified chain and a matching name. */
export function tlsVerified(a: AddressProbe): boolean {
  const t = tlsOf(a);
  return t?.state === 'ok' && t.value.chainVerified && t.value.hostnameOk;
}

/** Bytes arrived after the STARTTLS OK and before the handshake (response injection). */
export function starttlsInjected(a: AddressProbe): boolean {
  return a.starttls?.state === 'ok' && a.starttls.value.injectedBytes > 0;
}

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

export function perAddress(ctx: CheckContext, fn: (e: EndpointEvidence, a: AddressProbe) => Finding[]): Finding[] {
  return ctx.endpoints.flatMap((e) => e.addresses.flatMap((a) => fn(e, a)));
}
