/**
 * The one login attempt per endpoint, with imapflow, over TLS that must verify (system roots +
 * --ca-file, hostname of the endpoint). On success it opens INBOX read-only (EXAMINE) and logs
 * out. The server's tagged reply, response code, [ALERT] texts, a BYE that came with the refusal
 * and the OAuth error challenge (RFC 7628 §3.2.2) are kept. The secret is handed to imapflow and
 * nowhere else; imapflow masks it in its log, and every string of the attempt is scrubbed of it.
 */
import tls from 'node:tls';
import { isIP } from 'node:net';
import type { ImapFlow } from 'imapflow';
import type { Family, LoginAttempt, ProbeError, Security, TaggedResponse, TranscriptLine } from '../model/evidence.js';
import { scrub, scrubDeep, type Secret } from '../util/secret.js';
import { stepSignal } from '../util/deadline.js';
import { classifyError, oneLine } from '../errors/classify.js';
import { cleanLine } from './imap-parse.js';
import type { TrustStore } from './trust.js';

export interface LoginParams {
  host: string;
  port: number;
  security: Exclude<Security, 'plain'>;
  address: string;
  family: Family;
  user: string;
  password?: Secret;
  oauthToken?: Secret;
  trust: TrustStore;
  timeoutMs: number;
  run: AbortSignal;
  transcript: boolean;
  clientVersion: string;
}

interface ImapErr {
  code?: string;
  message?: string;
  responseStatus?: string;
  responseText?: string;
  serverResponseCode?: string;
  response?: unknown;
  authenticationFailed?: boolean;
  oauthError?: unknown;
  executedCommand?: string;
}

type LogEntry = { src?: string; msg?: string; [k: string]: unknown };

/** Server lines kept to find a BYE even without --transcript; enough for a login exchange. */
const MAX_WIRE_LINES = 200;

/**
 * A logger for imapflow that keeps the wire lines (already masked by imapflow) and nothing else:
 * all of them for the transcript when asked, and always the last server lines.
 */
function captureLogger(lines: TranscriptLine[] | null, server: string[], t0: number, hide: (s: string) => string) {
  // SASL responses are base64: imapflow masks the password inside, but the blob still carries the
  // username (and --redact cannot see into base64), so the client side of an AUTHENTICATE exchange
  // is shown only as a placeholder (RFC 9051 §6.2.2).
  let sasl = false;
  const take = (e: unknown) => {
    if (typeof e !== 'object' || e === null) return;
    const { src, msg } = e as LogEntry;
    if ((src !== 's' && src !== 'c') || typeof msg !== 'string') return;
    // Secrets go before any cutting, so a secret straddling the cut cannot survive in part.
    let text = cleanLine(hide(msg), 1000);
    if (src === 'c') {
      const m = /^(\S+\s+AUTHENTICATE\s+\S+)(\s+\S+)?/i.exec(text);
      if (m) {
        sasl = true;
        text = m[2] ? `${m[1]} [initial response hidden]` : (m[1] ?? text);
      } else if (sasl) text = '[SASL response hidden]';
    } else {
      if (!text.startsWith('+')) sasl = false;
      server.push(text);
      if (server.length > MAX_WIRE_LINES) server.shift();
    }
    lines?.push({ t: Math.round(performance.now() - t0), dir: src, layer: 'tls', text });
  };
  return { trace: () => {}, debug: take, info: () => {}, warn: () => {}, error: () => {} };
}

function mechanismOf(executed: string | undefined, caps: ReadonlySet<string> | undefined, hasToken: boolean): string | undefined {
  if (executed) {
    const m = /^\S+\s+(AUTHENTICATE\s+\S+|LOGIN)/i.exec(executed);
    if (m) return (m[1] ?? '').toUpperCase().replace(/\s+/, ' ');
  }
  if (!caps) return undefined;
  if (hasToken) return caps.has('AUTH=OAUTHBEARER') ? 'AUTHENTICATE OAUTHBEARER' : 'AUTHENTICATE XOAUTH2';
  if (caps.has('AUTH=PLAIN')) return 'AUTHENTICATE PLAIN';
  if (caps.has('AUTH=LOGIN')) return 'AUTHENTICATE LOGIN';
  return 'LOGIN';
}

function clientCaps(client: ImapFlow): Set<string> | undefined {
  const m = (client as unknown as { capabilities?: Map<string, unknown> }).capabilities;
  return m ? new Set([...m.keys()].map((c) => c.toUpperCase())) : undefined;
}

/** The tagged NO/BAD that failed the login, as the server sent it (imapflow gives it back as text). */
function taggedFrom(err: ImapErr, server: readonly string[]): TaggedResponse | undefined {
  if (err.responseStatus === 'NO' || err.responseStatus === 'BAD') {
    const line = typeof err.response === 'string' ? cleanLine(err.response, 500) : `${err.responseStatus} ${err.responseText ?? ''}`.trim();
    return {
      status: err.responseStatus,
      ...(err.serverResponseCode ? { code: String(err.serverResponseCode).toUpperCase() } : {}),
      text: oneLine(err.responseText ?? ''),
      line,
    };
  }
  // imapflow turns Microsoft's "BAD User is authenticated but not connected." to the NAMESPACE after
  // the login into an AuthenticationFailure carrying only the text; keep it as the reply it was.
  if (err.authenticationFailed && typeof err.response === 'string' && err.response.length > 0) {
    const text = oneLine(err.response);
    const line = [...server].reverse().find((l) => /^\S+ BAD /.test(l) && l.includes(text)) ?? `BAD ${text}`;
    return { status: 'BAD', text, line: cleanLine(line, 500) };
  }
  return undefined;
}

/** An untagged BYE the server sent before hanging up (RFC 9051 §7.1.5), from imapflow or the wire. */
function byeFrom(client: ImapFlow, err: ImapErr & { reason?: string }, server: readonly string[], hide: (s: string) => string): string | undefined {
  const reason = (client as unknown as { byeReason?: string }).byeReason ?? err.reason ?? (err.responseStatus === 'BYE' ? err.responseText : undefined);
  if (reason) return oneLine(hide(String(reason)), 300);
  const line = server.find((l) => /^\* BYE\b/i.test(l));
  return line ? oneLine(line.replace(/^\* BYE\s*/i, ''), 300) : undefined;
}

/**
 * Response codes after which the same credentials may still be tried on another endpoint: the
 * refusal is about the server's state or this connection, not about the account (RFC 5530).
 */
const NOT_ABOUT_ACCOUNT = new Set(['UNAVAILABLE', 'LIMIT', 'PRIVACYREQUIRED', 'SERVERBUG', 'INUSE', 'OVERQUOTA']);

/** Waits (bounded) until imapflow has closed the failed connection, so a BYE sent with the refusal is read. */
function closed(client: ImapFlow, ms: number): Promise<void> {
  if ((client as unknown as { isClosed?: boolean }).isClosed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Every string of the attempt with every form of the secret replaced (a server may echo what it got). */
function scrubbed(at: LoginAttempt, forms: readonly string[]): LoginAttempt {
  return scrubDeep(at, forms);
}

function oauthFields(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number') out[k] = String(x);
  return out;
}

/** How long to wait for imapflow to close a refused connection (it closes at once; this only bounds it). */
const CLOSE_GRACE_MS = 500;

/** Budget of one login: connect, greeting, ID, authentication, NAMESPACE, EXAMINE and LOGOUT. */
const LOGIN_STEPS = 4;

export async function tryLogin(p: LoginParams): Promise<LoginAttempt> {
  const secret = p.oauthToken ?? p.password;
  const forms = secret ? secret.variants(p.user) : [];
  try {
    return scrubbed(await attemptLogin(p, (text) => scrub(text, forms)), forms);
  } catch (e) {
    // A bug inside the attempt: its message may quote what the server echoed.
    const x = e instanceof Error ? e : new Error(String(e));
    throw Object.assign(new Error(scrub(x.message, forms)), { name: x.name });
  }
}

/** Scrubs every string an imapflow error carries before anything reads (and cuts) it. */
function hiddenError(e: unknown, hide: (s: string) => string): ImapErr & { aborted?: boolean; reason?: string } {
  const err = (e ?? {}) as ImapErr & { aborted?: boolean; reason?: string };
  const out: ImapErr & { aborted?: boolean; reason?: string } = { ...err };
  for (const k of ['message', 'response', 'responseText', 'executedCommand', 'reason'] as const) {
    const v = err[k];
    if (typeof v === 'string') out[k] = hide(v);
  }
  return out;
}

async function attemptLogin(p: LoginParams, hide: (s: string) => string): Promise<LoginAttempt> {
  const t0 = performance.now();
  const lines: TranscriptLine[] | null = p.transcript ? [] : null;
  const server: string[] = [];
  const alerts: string[] = [];
  const servername = isIP(p.host) === 0 ? p.host : undefined;
  const auth: { user: string; pass?: string; accessToken?: string } = { user: p.user };
  if (p.oauthToken) auth.accessToken = p.oauthToken.reveal();
  else if (p.password) auth.pass = p.password.reveal();

  // Loaded on first use: imapflow costs ~110 ms of start-up that runs without a login never need.
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: p.address,
    port: p.port,
    secure: p.security === 'tls',
    doSTARTTLS: p.security === 'starttls',
    ...(servername ? { servername } : {}),
    auth,
    logger: captureLogger(lines, server, t0, hide) as never,
    // RFC 2971 ID: say who we are; an empty value drops imapflow's own support-url.
    clientInfo: { name: 'imap-doctor', version: p.clientVersion, vendor: 'imap-doctor', 'support-url': '' },
    connectionTimeout: p.timeoutMs,
    greetingTimeout: p.timeoutMs,
    socketTimeout: p.timeoutMs,
    disableCompression: true,
    disableAutoEnable: true,
    disableAutoIdle: true,
    tls: {
      secureContext: p.trust.context('modern'),
      rejectUnauthorized: true,
      checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(p.host, cert),
    },
  } as never);
  client.on('error', () => {});
  client.on('alert', (a: { message?: string }) => {
    if (a?.message) alerts.push(oneLine(hide(a.message), 500));
  });
  client.on('close', () => {});
  const ms = () => Math.round(performance.now() - t0);
  // The whole attempt is bounded: a server that drips bytes cannot hold the login to the deadline.
  const limit = stepSignal(p.run, LOGIN_STEPS * p.timeoutMs);
  const abort = new Promise<never>((_, reject) => {
    const onAbort = () => reject(Object.assign(new Error('aborted'), { aborted: true }));
    if (limit.aborted) onAbort();
    else limit.addEventListener('abort', onAbort, { once: true });
  });
  abort.catch(() => {});
  const base = { address: p.address, alerts, ...(lines ? { transcript: lines } : {}) };

  try {
    await Promise.race([client.connect(), abort]);
  } catch (e) {
    const err = hiddenError(e, hide);
    if (!err.aborted) await closed(client, Math.min(CLOSE_GRACE_MS, p.timeoutMs));
    client.close();
    const response = taggedFrom(err, server);
    const bye = byeFrom(client, err, server, hide);
    const error: ProbeError = err.aborted
      ? classifyError(limit.reason, limit)
      : response
        ? { code: response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: response.line }
        : classifyError(err);
    // Stop at a definite refusal; a lock or rate-limit text counts whatever its code (sending the
    // password to more endpoints would only prolong the lock).
    const lockText = /\block(ed)?\b|too many (failed|invalid|bad)|temporarily blocked|rate.?limit/i;
    const credentialsRejected = response?.status === 'NO' && (!NOT_ABOUT_ACCOUNT.has(response.code ?? '') || lockText.test(response.text));
    const oauthError = oauthFields(err.oauthError);
    const mechanism = mechanismOf(err.executedCommand, clientCaps(client), !!p.oauthToken);
    return {
      ...base,
      ok: false,
      ms: ms(),
      ...(mechanism ? { mechanism } : {}),
      ...(response ? { response } : {}),
      ...(bye ? { bye } : {}),
      error,
      credentialsRejected,
      ...(oauthError ? { oauthError } : {}),
    };
  }

  const caps = [...(clientCaps(client) ?? [])];
  const used = [...((client as unknown as { authCapabilities?: Map<string, boolean> }).authCapabilities?.entries() ?? [])].find(([, v]) => v)?.[0];
  const mechanism = used ? (used === 'LOGIN' ? 'LOGIN' : `AUTHENTICATE ${used.replace(/^AUTH=/i, '')}`) : mechanismOf(undefined, new Set(caps), !!p.oauthToken);
  const attempt: LoginAttempt = {
    ...base,
    ok: true,
    ms: 0,
    ...(mechanism ? { mechanism } : {}),
    credentialsRejected: false,
    capabilitiesAfterLogin: caps,
  };
  // EXAMINE INBOX (RFC 9051 §6.3.3): read-only, changes nothing.
  const m0 = performance.now();
  try {
    const box = await Promise.race([client.mailboxOpen('INBOX', { readOnly: true }), abort]);
    attempt.mailbox = { state: 'ok', value: { name: 'INBOX', exists: Number(box.exists ?? 0), readOnly: box.readOnly !== false }, ms: Math.round(performance.now() - m0) };
  } catch (e) {
    const err = hiddenError(e, hide);
    const response = taggedFrom(err, server);
    attempt.mailbox = {
      state: 'failed',
      error: err.aborted ? classifyError(limit.reason, limit) : response ? { code: response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: response.line } : classifyError(err),
      ms: Math.round(performance.now() - m0),
    };
  }
  try {
    await Promise.race([client.logout(), abort]);
  } catch {
    client.close();
  }
  attempt.ms = ms();
  return attempt;
}
