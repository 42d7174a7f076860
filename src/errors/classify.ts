/**
 * The only translator from Node, OpenSSL and imapflow errors into ProbeError codes.
 * Keyed on error codes, never on message text (OpenSSL wording changes between versions);
 * each mapping is one table row with a unit test.
 */
import type { Params } from '../catalogue/types.js';
import type { ProbeError, ProbeErrorCode, ProbeWhy, Stage } from '../model/evidence.js';
import type { Finding } from '../model/finding.js';
import { abortKind } from '../util/deadline.js';
import { errorParams } from '../model/reading.js';

const NET: Record<string, ProbeErrorCode> = {
  ECONNREFUSED: 'REFUSED',
  ETIMEDOUT: 'TIMEOUT',
  EHOSTUNREACH: 'HOST_UNREACHABLE',
  EHOSTDOWN: 'HOST_UNREACHABLE',
  ENETUNREACH: 'NET_UNREACHABLE',
  ENETDOWN: 'NET_UNREACHABLE',
  EADDRNOTAVAIL: 'ADDR_NOT_AVAILABLE',
  EAFNOSUPPORT: 'ADDR_NOT_AVAILABLE',
  ECONNRESET: 'RESET',
  EPIPE: 'CLOSED',
  ECONNABORTED: 'RESET',
};

/** OpenSSL reason codes as Node exposes them (ERR_SSL_ + reason). */
const TLS: Record<string, ProbeErrorCode> = {
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS_NOT_TLS',
  ERR_SSL_PACKET_LENGTH_TOO_LONG: 'TLS_NOT_TLS',
  ERR_SSL_RECORD_LENGTH_MISMATCH: 'TLS_NOT_TLS',
  ERR_SSL_HTTP_REQUEST: 'TLS_NOT_TLS',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'TLS_PROTOCOL_VERSION',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'TLS_PROTOCOL_VERSION',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'TLS_PROTOCOL_VERSION',
  ERR_SSL_UNKNOWN_PROTOCOL: 'TLS_PROTOCOL_VERSION',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'TLS_HANDSHAKE_FAILURE',
  ERR_SSL_NO_SHARED_CIPHER: 'TLS_HANDSHAKE_FAILURE',
  ERR_SSL_NO_CIPHERS_AVAILABLE: 'TLS_HANDSHAKE_FAILURE',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'TLS_HANDSHAKE_FAILURE',
  ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR: 'TLS_HANDSHAKE_FAILURE',
  ERR_SSL_TLSV1_UNRECOGNIZED_NAME: 'TLS_HANDSHAKE_FAILURE',
  ERR_SSL_DH_KEY_TOO_SMALL: 'TLS_WEAK_PARAMS',
  ERR_SSL_EE_KEY_TOO_SMALL: 'TLS_WEAK_PARAMS',
  ERR_SSL_CA_MD_TOO_WEAK: 'TLS_WEAK_PARAMS',
  ERR_SSL_CA_KEY_TOO_SMALL: 'TLS_WEAK_PARAMS',
  ERR_SSL_LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED: 'TLS_WEAK_PARAMS',
  ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED: 'TLS_UNSAFE_RENEGOTIATION',
};

/** X.509 verification codes that mean "the certificate was rejected" when verification is on. */
const CERT_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'EE_KEY_TOO_SMALL',
  'CA_KEY_TOO_SMALL',
  'CA_MD_TOO_WEAK',
]);

interface ErrLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Shorten and strip a library message to one safe line. */
export function oneLine(msg: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const s = msg
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A thrown value (anything can be thrown) as its name, its message and `Name: message`, each one line. */
export interface Thrown {
  name: string;
  message: string;
  text: string;
}

/** The one conversion of a thrown value into text: every catch that reports an error goes through it. */
export function thrown(err: unknown): Thrown {
  const name = err instanceof Error ? err.name : typeof err;
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err);
  const message = oneLine(raw, 500);
  return { name, message, text: err instanceof Error ? `${name}: ${message}` : message };
}

/** A doctor bug inside a probe, as evidence: INTERNAL, with where it happened when known. */
export function internalError(err: unknown, where?: string): ProbeError {
  const t = thrown(err).text;
  return { code: 'INTERNAL', message: where ? `${where}: ${t}` : t };
}

/** An error the doctor raises itself: its reason is a code with values (the catalogue words it), never a sentence. */
export class WhyError extends Error {
  override name = 'WhyError';
  constructor(readonly why: ProbeWhy) {
    super(why.code);
  }
}

/** Classify a socket/TLS/imapflow error; `signal` explains aborts (timeout vs deadline). */
export function classifyError(err: unknown, signal?: AbortSignal): ProbeError {
  if (signal?.aborted) {
    const kind = abortKind(signal);
    return kind === 'timeout'
      ? { code: 'TIMEOUT', why: { code: 'step-timeout' } }
      : { code: 'ABORTED', why: { code: kind === 'deadline' ? 'run-deadline' : 'interrupted' } };
  }
  if (err instanceof WhyError) return { code: 'NET_ERROR', why: err.why };
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrLike;
  const code = str(e.code);
  const message = oneLine(str(e.message) ?? String(err));
  if (str(e.name) === 'TimeoutError' || str(e.name) === 'AbortError') {
    return { code: 'TIMEOUT', why: { code: 'step-timeout' } };
  }
  if (code !== undefined) {
    const net = NET[code];
    if (net) return { code: net, message, rawCode: code };
    const tls = TLS[code];
    if (tls) return { code: tls, message, rawCode: code };
    if (CERT_CODES.has(code)) return { code: 'TLS_CERT_REJECTED', message, rawCode: code };
    if (
      code === 'CONNECT_TIMEOUT' ||
      code === 'GREETING_TIMEOUT' ||
      code === 'UPGRADE_TIMEOUT' ||
      code === 'ETIMEOUT'
    ) {
      return { code: 'TIMEOUT', message, rawCode: code };
    }
    if (
      code === 'NoConnection' ||
      code === 'EConnectionClosed' ||
      code === 'ClosedAfterConnectTLS' ||
      code === 'ClosedAfterConnectText'
    ) {
      return { code: 'CLOSED', message, rawCode: code };
    }
    if (code.startsWith('ERR_SSL_')) return { code: 'TLS_ERROR', message, rawCode: code };
    if (code === 'ENOTFOUND') return { code: 'NXDOMAIN', message, rawCode: code };
    if (code === 'ENODATA') return { code: 'NODATA', message, rawCode: code };
    if (code === 'EAI_AGAIN' || code === 'ESERVFAIL') return { code: 'SERVFAIL', message, rawCode: code };
    return { code: 'NET_ERROR', message, rawCode: code };
  }
  if (/before secure TLS connection was established/i.test(message)) {
    return { code: 'RESET', message, rawCode: 'ECONNRESET' };
  }
  return { code: 'NET_ERROR', message };
}

/** A probe error with its library/server words passed through `hide` (the doctor's own reason needs none). */
export function hideMessage(e: ProbeError, hide: (text: string) => string): ProbeError {
  return e.message === undefined ? e : { ...e, message: hide(e.message) };
}

export function isCertRejection(rawCode: string | undefined): boolean {
  return rawCode !== undefined && CERT_CODES.has(rawCode);
}

/**
 * Where a doctor bug happened, structured (the catalogue words it in INTERNAL_ERROR): the part of the
 * run, and the endpoint id, address, stage, source, check or finding code it concerns.
 */
export interface InternalWhere {
  step:
    | 'run'
    | 'discovery'
    | 'source'
    | 'probe'
    | 'network'
    | 'login'
    | 'oauth-discover'
    | 'standards'
    | 'sync'
    | 'check'
    | 'catalogue'
    | 'backstop';
  stage?: Stage;
  endpoint?: string;
  address?: string;
  source?: string;
  check?: string;
  code?: string;
  /** backstop: the phase the run was still in, and the grace after --deadline in seconds. */
  phase?: string;
  graceS?: number;
}

function isInternalProbeError(x: unknown): x is ProbeError {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as ProbeError).code === 'INTERNAL' &&
    (typeof (x as ProbeError).message === 'string' || typeof (x as ProbeError).why === 'object')
  );
}

/**
 * The one place a doctor bug becomes an INTERNAL_ERROR finding: a thrown value, or an INTERNAL probe
 * error already kept as evidence. Its params are the structured `where` and the error's one-line text.
 */
export function internalFinding(where: InternalWhere, cause: unknown): Finding {
  const error = isInternalProbeError(cause) ? errorParams('error', cause) : { error: thrown(cause).text };
  const params: Params = {};
  for (const [k, v] of Object.entries(where)) if (v !== undefined) params[k] = v as string | number;
  return { code: 'INTERNAL_ERROR', severity: 'error', subject: {}, params: { ...params, ...error }, stage: 'run' };
}
