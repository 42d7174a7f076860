/**
 * The one login attempt per endpoint, with imapflow, over TLS that must verify (system roots +
 * --ca-file, hostname of the endpoint). On success it opens INBOX read-only (EXAMINE) and logs
 * out. The server's tagged reply, response code, [ALERT] texts and OAuth challenge are kept;
 * the secret is handed to imapflow and nowhere else, and imapflow masks it in its own log.
 */
import tls from 'node:tls';
import { isIP } from 'node:net';
import { ImapFlow } from 'imapflow';
import type { Family, LoginAttempt, ProbeError, Security, TaggedResponse, TranscriptLine } from '../model/evidence.js';
import type { Secret } from '../util/secret.js';
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

/** A logger for imapflow that keeps the wire lines (already masked by imapflow) and nothing else. */
function captureLogger(lines: TranscriptLine[] | null, t0: number) {
  const take = (e: unknown) => {
    if (!lines || typeof e !== 'object' || e === null) return;
    const { src, msg } = e as LogEntry;
    if ((src === 's' || src === 'c') && typeof msg === 'string') {
      lines.push({ t: Math.round(performance.now() - t0), dir: src, layer: 'tls', text: cleanLine(msg, 1000) });
    }
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

function taggedFrom(err: ImapErr): TaggedResponse | undefined {
  if (err.responseStatus !== 'NO' && err.responseStatus !== 'BAD') return undefined;
  const line = typeof err.response === 'string' ? cleanLine(err.response, 500) : `${err.responseStatus} ${err.responseText ?? ''}`.trim();
  return {
    status: err.responseStatus,
    ...(err.serverResponseCode ? { code: String(err.serverResponseCode).toUpperCase() } : {}),
    text: oneLine(err.responseText ?? ''),
    line,
  };
}

function oauthFields(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number') out[k] = String(x);
  return out;
}

export async function tryLogin(p: LoginParams): Promise<LoginAttempt> {
  const t0 = performance.now();
  const lines: TranscriptLine[] | null = p.transcript ? [] : null;
  const alerts: string[] = [];
  let bye: string | undefined;
  const servername = isIP(p.host) === 0 ? p.host : undefined;
  const auth: { user: string; pass?: string; accessToken?: string } = { user: p.user };
  if (p.oauthToken) auth.accessToken = p.oauthToken.reveal();
  else if (p.password) auth.pass = p.password.reveal();

  const client = new ImapFlow({
    host: p.address,
    port: p.port,
    secure: p.security === 'tls',
    doSTARTTLS: p.security === 'starttls',
    ...(servername ? { servername } : {}),
    auth,
    logger: captureLogger(lines, t0) as never,
    clientInfo: { name: 'imap-doctor', version: p.clientVersion },
    connectionTimeout: p.timeoutMs,
    greetingTimeout: p.timeoutMs,
    socketTimeout: p.timeoutMs,
    disableCompression: true,
    disableAutoEnable: true,
    disableAutoIdle: true,
    tls: {
      secureContext: p.trust.context('modern'),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(p.host, cert),
    },
  } as never);
  client.on('error', () => {});
  client.on('alert', (a: { message?: string }) => {
    if (a?.message) alerts.push(oneLine(a.message, 500));
  });
  client.on('close', () => {});
  const ms = () => Math.round(performance.now() - t0);
  const abort = new Promise<never>((_, reject) => {
    const onAbort = () => reject(Object.assign(new Error('aborted'), { aborted: true }));
    if (p.run.aborted) onAbort();
    else p.run.addEventListener('abort', onAbort, { once: true });
  });
  abort.catch(() => {});
  const base = { address: p.address, alerts, ...(lines ? { transcript: lines } : {}) };

  try {
    await Promise.race([client.connect(), abort]);
  } catch (e) {
    const err = (e ?? {}) as ImapErr & { aborted?: boolean; reason?: string };
    client.close();
    const response = taggedFrom(err);
    if (err.responseStatus === 'BYE' || err.reason) bye = oneLine(String(err.reason ?? err.responseText ?? ''), 300);
    const error: ProbeError = err.aborted
      ? classifyError(p.run.reason, p.run)
      : response
        ? { code: response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: response.line }
        : classifyError(e);
    const code = response?.code;
    const credentialsRejected =
      !!response && response.status === 'NO' && (code === 'AUTHENTICATIONFAILED' || (code === undefined && err.authenticationFailed === true));
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
  const mechanism = used ? `AUTHENTICATE ${used.replace(/^AUTH=/i, '')}` : mechanismOf(undefined, new Set(caps), !!p.oauthToken);
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
    const err = (e ?? {}) as ImapErr & { aborted?: boolean };
    const response = taggedFrom(err);
    attempt.mailbox = {
      state: 'failed',
      error: err.aborted ? classifyError(p.run.reason, p.run) : response ? { code: response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: response.line } : classifyError(e),
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
