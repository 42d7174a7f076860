/**
 * The one login attempt per endpoint, with imapflow, over TLS that must verify (system roots +
 * --ca-file, hostname of the endpoint), with imapflow's line, literal and response limits set from
 * LIMITS. On success it opens INBOX read-only (EXAMINE) and logs out. The server's tagged reply,
 * response code, [ALERT] texts, a BYE that came with the refusal and the OAuth error challenge
 * (RFC 7628 §3.2.2) are kept. Over the probe's kept connection (kept.ts) a password meets
 * AUTHENTICATE PLAIN with SASL-IR in one round trip (sasl-login.ts) and EXAMINE goes out with the
 * sync probe's commands (sync/wire-channel.ts); otherwise imapflow logs in, on the kept connection
 * when there is one. The secret is handed to imapflow or to sasl-login.ts and nowhere else; a refusal is
 * classified first, then every server text is scrubbed (a text quoting a piece of the secret is
 * hidden whole), then every string of the attempt once more.
 */
import type { Family, LoginAttempt, ProbeError, Security, TaggedResponse, TranscriptLine } from '../model/evidence.js';
import { maskPieces, scrub, scrubDeep, scrubServerText, SERVER_TEXT_HIDDEN, type Secret } from '../util/secret.js';
import { stepSignal, whenAborted } from '../util/deadline.js';
import { classifyError, hideMessage, oneLine, thrown } from '../errors/classify.js';
import { LIMITS } from '../limits.js';
import { cleanLine } from './imap-parse.js';
import type { TrustStore } from './trust.js';
import { afterLogin, type AfterLoginOptions } from './sync/after-login.js';
import type { OpenedSession } from './sync/sessions.js';
import { definiteRefusal } from '../model/reading.js';
import { DEFAULTS } from '../options.js';
import { capabilitiesOf, imapClient, mechanismUsed, type ImapFlow } from './imapflow-adapter.js';
import { closeKept, fitForLogin, type KeptConnection } from './kept.js';
import { KeptHandoff } from './imapflow-adapter.js';
import { keepLine, Wire } from './wire.js';
import { wireChannel } from './sync/wire-channel.js';
import { imapflowChannel } from './sync/imapflow-channel.js';
import { withoutMailbox } from './sync/probe.js';
import { saslIrFits, saslIrLogin } from './sasl-login.js';
import type { WireLog } from './sync/wire-channel.js';
import type { Exchange } from './sync/channel.js';

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
  /** What the user typed (address, user name, host, port): never masked in part. */
  protect?: string[];
  /** Run the sync probe (and --sessions) after this login, when it works: only on the endpoint tried first. */
  afterLogin?: Omit<AfterLoginOptions, 'timeoutMs' | 'run' | 'hide'>;
  /** The pre-auth probe's connection to this address, kept open for this login (kept.ts). */
  kept?: KeptConnection;
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

/** Scrubbing for one attempt: server texts (a piece of the secret hides them whole) and everything else. */
export interface Hide {
  server(s: string): string;
  text(s: string): string;
  /** Only the pieces of the secret masked: what a refusal is classified on. */
  pieces(s: string): string;
}

/**
 * A logger for imapflow that keeps the wire lines (already masked by imapflow) and nothing else:
 * all of them for the transcript when asked (bounded), and always the last server lines.
 */
export function captureLogger(lines: TranscriptLine[] | null, server: string[], t0: number, hide: Hide) {
  // SASL responses are base64: imapflow masks the password inside, but the blob still carries the
  // username (and --redact cannot see into base64), so the client side of an AUTHENTICATE exchange
  // is shown only as a placeholder (RFC 9051 §6.2.2).
  let sasl = false;
  const take = (e: unknown) => {
    if (typeof e !== 'object' || e === null) return;
    const { src, msg } = e as LogEntry;
    if ((src !== 's' && src !== 'c') || typeof msg !== 'string') return;
    // Secrets go before any cutting, so a secret straddling the cut cannot survive in part.
    let text = cleanLine(src === 's' ? hide.server(msg) : hide.text(msg), LIMITS.transcriptLineChars);
    if (src === 'c') {
      const m = /^(\S+\s+AUTHENTICATE\s+\S+)(\s+\S+)?/i.exec(text);
      if (m) {
        sasl = true;
        text = m[2] ? `${m[1]} [initial response hidden]` : (m[1] ?? text);
      } else if (sasl) text = '[SASL response hidden]';
    } else {
      if (!text.startsWith('+')) sasl = false;
      server.push(text);
      if (server.length > LIMITS.loginServerLines) server.shift();
    }
    keepLine(lines, { t: Math.round(performance.now() - t0), dir: src, layer: 'tls', text });
  };
  return { trace: () => {}, debug: take, info: () => {}, warn: () => {}, error: () => {} };
}

function mechanismOf(
  executed: string | undefined,
  caps: ReadonlySet<string> | undefined,
  hasToken: boolean,
): string | undefined {
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

/** The tagged NO/BAD that failed the login, as the server sent it (imapflow gives it back as text); `err` already scrubbed. */
function taggedFrom(err: ImapErr, server: readonly string[], hide: Hide): TaggedResponse | undefined {
  if (err.responseStatus === 'NO' || err.responseStatus === 'BAD') {
    const line =
      typeof err.response === 'string'
        ? cleanLine(err.response, 500)
        : `${err.responseStatus} ${err.responseText ?? ''}`.trim();
    // Upper-cased before it is scrubbed again: a transform after scrubbing must never bring a secret back.
    const code = err.serverResponseCode ? hide.text(String(err.serverResponseCode).toUpperCase()) : undefined;
    return { status: err.responseStatus, ...(code ? { code } : {}), text: oneLine(err.responseText ?? ''), line };
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
function byeFrom(
  client: ImapFlow,
  err: ImapErr & { reason?: string },
  server: readonly string[],
  hide: Hide,
): string | undefined {
  const reason = client.byeReason ?? err.reason ?? (err.responseStatus === 'BYE' ? err.responseText : undefined);
  if (reason) return oneLine(hide.server(String(reason)), 300);
  const line = server.find((l) => /^\* BYE\b/i.test(l));
  return line ? oneLine(line.replace(/^\* BYE\s*/i, ''), 300) : undefined;
}

/** The server's own words about a refusal, before any scrubbing: the tagged text, the [ALERT]s, a BYE. */
function rawWords(raw: ImapErr & { reason?: string }, client: ImapFlow, st: AttemptState): string[] {
  const bye = client.byeReason ?? raw.reason ?? (raw.responseStatus === 'BYE' ? raw.responseText : undefined);
  return [oneLine(raw.responseText ?? ''), ...st.rawAlerts, ...(bye ? [oneLine(String(bye), 300)] : [])];
}

/** Waits (bounded) until imapflow has closed the failed connection, so a BYE sent with the refusal is read. */
function closed(client: ImapFlow, ms: number): Promise<void> {
  if (client.isClosed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function oauthFields(v: unknown, hide: Hide): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v))
    if (typeof x === 'string' || typeof x === 'number') out[k] = hide.server(String(x));
  return out;
}

/** How long to wait for imapflow to close a refused connection (it closes at once; this only bounds it): DEFAULTS.loginCloseGraceMs. After a refusal of the one-trip login, a BYE that follows it is waited for DEFAULTS.saslByeGraceMs (one sent with the refusal is already in). */

export async function tryLogin(p: LoginParams): Promise<LoginAttempt> {
  const secret = p.oauthToken ?? p.password;
  const forms = secret ? secret.variants(p.user) : [];
  const secrets = secret ? [secret.reveal()] : [];
  const protect = p.protect ?? [];
  const hide: Hide = {
    server: (t) => scrubServerText(t, secrets, forms, protect),
    text: (t) => scrub(t, forms, protect),
    pieces: (t) => maskPieces(t, secrets, forms, protect),
  };
  try {
    return scrubDeep(await attemptLogin(p, hide), forms, protect);
  } catch (e) {
    // A bug inside the attempt: its message may quote what the server echoed.
    const t = thrown(e);
    throw Object.assign(new Error(hide.server(t.message)), { name: t.name });
  }
}

/** Scrubs every string an imapflow error carries before anything reads (and cuts) it. */
function hiddenError(e: unknown, hide: Hide): ImapErr & { aborted?: boolean; reason?: string } {
  const err = (e ?? {}) as ImapErr & { aborted?: boolean; reason?: string };
  const out: ImapErr & { aborted?: boolean; reason?: string } = { ...err };
  for (const k of ['message', 'response', 'responseText', 'executedCommand', 'reason', 'serverResponseCode'] as const) {
    const v = err[k];
    if (typeof v === 'string') out[k] = k === 'executedCommand' ? hide.text(v) : hide.server(v);
  }
  return out;
}

/** The imapflow client of one attempt: verified TLS to the probed address (over the kept connection when it is fit), our limits, our logger. */
function newClient(p: LoginParams, logger: ReturnType<typeof captureLogger>, kept?: KeptHandoff): Promise<ImapFlow> {
  const { kept: _offered, ...rest } = p;
  return imapClient({ ...rest, logger, ...(kept ? { kept } : {}) });
}

/** The kept connection when the secret may go over it now; otherwise it is closed and the login dials anew. */
function usableKept(p: LoginParams, st: AttemptState): KeptHandoff | undefined {
  const k = p.kept;
  if (!k) return undefined;
  if (fitForLogin(k, p.host)) {
    keepLine(st.lines, {
      t: Math.round(performance.now() - st.t0),
      dir: 'i',
      layer: 'tls',
      text: 'login over the probed connection: its greeting and capabilities replayed to the login client',
    });
    return new KeptHandoff(k);
  }
  closeKept(k);
  return undefined;
}

/** Everything one attempt collects while it runs. */
interface AttemptState {
  t0: number;
  server: string[];
  alerts: string[];
  /** The alerts as they came, to classify a refusal on the server's own words. */
  rawAlerts: string[];
  lines: TranscriptLine[] | null;
  /** Aborts with the whole login's bound (LIMITS.loginSteps step timeouts) or the run. */
  limit: AbortSignal;
  abort: Promise<never>;
}

async function attemptLogin(p: LoginParams, hide: Hide): Promise<LoginAttempt> {
  // The whole attempt is bounded: a server that drips bytes cannot hold the login to the deadline.
  const limit = stepSignal(p.run, LIMITS.loginSteps * p.timeoutMs);
  const st: AttemptState = {
    t0: performance.now(),
    server: [],
    alerts: [],
    rawAlerts: [],
    lines: p.transcript ? [] : null,
    limit,
    abort: whenAborted(limit),
  };
  const logger = captureLogger(st.lines, st.server, st.t0, hide);
  const handoff = usableKept(p, st);
  if (handoff && p.kept && saslIrFits(p.kept, p.password, !!p.oauthToken))
    return oneTripLogin(p, p.kept, st, hide, logger);
  const client = await newClient(p, logger, handoff);
  client.on('error', () => {});
  client.on('alert', (a: { message?: string }) => {
    if (!a?.message || st.alerts.length >= LIMITS.alerts) return;
    st.rawAlerts.push(oneLine(a.message, LIMITS.alertChars));
    st.alerts.push(oneLine(hide.server(a.message), LIMITS.alertChars));
  });
  client.on('close', () => {});
  try {
    await Promise.race([client.connect(), st.abort]);
  } catch (e) {
    return failedAttempt(p, client, e, st, hide);
  }
  const socket = handoff?.takeBack();
  if (!socket) return examineAndLogout(p, client, st, hide);
  const attempt = loggedIn(p, client, st);
  client.close();
  return pipelinedAfterLogin(
    p,
    attempt,
    new Wire(socket, { maxLineBytes: LIMITS.loginLineBytes, layer: 'tls', t0: st.t0 }),
    st,
    hide,
    logger,
  );
}

/** The password in one round trip over the kept connection (sasl-login.ts), then the pipelined read-only part. */
async function oneTripLogin(
  p: LoginParams,
  kept: KeptConnection,
  st: AttemptState,
  hide: Hide,
  logger: ReturnType<typeof captureLogger>,
): Promise<LoginAttempt> {
  const log: WireLog = (dir, text) => logger.debug({ src: dir, msg: text });
  log('s', kept.replay);
  const wire = new Wire(kept.socket, { maxLineBytes: LIMITS.loginLineBytes, layer: 'tls', t0: st.t0 });
  const r = await saslIrLogin(wire, p.user, p.password as Secret, log, st.limit, DEFAULTS.saslByeGraceMs);
  for (const a of r.alerts) {
    st.rawAlerts.push(a);
    st.alerts.push(oneLine(hide.server(a), LIMITS.alertChars));
  }
  if (r.tagged?.status === 'OK') {
    const caps = (r.capabilities ?? []).map((c) => c.toUpperCase());
    const attempt: LoginAttempt = {
      address: p.address,
      alerts: st.alerts,
      ...(st.lines ? { transcript: st.lines } : {}),
      ok: true,
      ms: 0,
      mechanism: 'AUTHENTICATE PLAIN',
      credentialsRejected: false,
      capabilitiesAfterLogin: caps,
    };
    return pipelinedAfterLogin(p, attempt, wire, st, hide, logger);
  }
  wire.detach();
  kept.socket.destroy();
  const raw: ImapErr & { aborted?: boolean; reason?: string } = r.tagged
    ? {
        responseStatus: r.tagged.status,
        response: r.tagged.line,
        responseText: r.tagged.text,
        ...(r.tagged.code ? { serverResponseCode: r.tagged.code } : {}),
      }
    : { aborted: st.limit.aborted };
  if (r.bye) raw.reason = r.bye;
  return refusedAttempt(p, raw, st, hide, r.error);
}

/** A refusal (or a failure) of the one-trip login, judged and scrubbed as failedAttempt judges imapflow's. */
function refusedAttempt(
  p: LoginParams,
  raw: ImapErr & { aborted?: boolean; reason?: string },
  st: AttemptState,
  hide: Hide,
  wireError?: ProbeError,
): LoginAttempt {
  const words = [oneLine(raw.responseText ?? ''), ...st.rawAlerts, ...(raw.reason ? [oneLine(raw.reason, 300)] : [])];
  const credentialsRejected =
    !raw.aborted && definiteRefusal({ status: raw.responseStatus, code: raw.serverResponseCode, texts: words });
  const err = hiddenError(raw, hide);
  const response = taggedFrom(err, st.server, hide);
  const bye = err.reason ? oneLine(err.reason, 300) : undefined;
  const error: ProbeError = raw.aborted
    ? classifyError(st.limit.reason, st.limit)
    : response
      ? { code: response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: response.line }
      : wireError
        ? hideMessage(wireError, hide.server)
        : { code: 'CLOSED', why: { code: 'no-reply', to: 'login' } };
  return failed(p, st, {
    mechanism: 'AUTHENTICATE PLAIN',
    response,
    bye,
    error,
    credentialsRejected,
    refusalTexts: refusalTextsOf(words, hide, [response?.text, ...st.alerts, bye]),
  });
}

/** A login that failed: wait (bounded) for the close so a BYE sent with the refusal is read, then the server's reply, its BYE and the error, scrubbed. */
async function refusalOf(
  client: ImapFlow,
  e: unknown,
  server: readonly string[],
  hide: Hide,
  limit: AbortSignal,
  timeoutMs: number,
) {
  const err = hiddenError(e, hide);
  if (!err.aborted) await closed(client, Math.min(DEFAULTS.loginCloseGraceMs, timeoutMs));
  client.close();
  const response = taggedFrom(err, server, hide);
  const bye = byeFrom(client, err, server, hide);
  const error: ProbeError = err.aborted
    ? classifyError(limit.reason, limit)
    : response
      ? { code: response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: response.line }
      : classifyError(err);
  return { err, response, bye, error };
}

/** The login was refused or failed: classify the refusal on the server's own words, then scrub them. */
async function failedAttempt(
  p: LoginParams,
  client: ImapFlow,
  e: unknown,
  st: AttemptState,
  hide: Hide,
): Promise<LoginAttempt> {
  const raw = (e ?? {}) as ImapErr & { aborted?: boolean };
  const words = rawWords(raw, client, st);
  const credentialsRejected =
    !raw.aborted && definiteRefusal({ status: raw.responseStatus, code: raw.serverResponseCode, texts: words });
  const { err, response, bye, error } = await refusalOf(client, e, st.server, hide, st.limit, p.timeoutMs);
  const oauthError = oauthFields(err.oauthError, hide);
  const mechanism = mechanismOf(err.executedCommand, capabilitiesOf(client), !!p.oauthToken);
  return failed(p, st, {
    mechanism,
    response,
    bye,
    error,
    credentialsRejected,
    oauthError,
    refusalTexts: refusalTextsOf(words, hide, [response?.text, ...st.alerts, bye]),
  });
}

/** The evidence of a login that did not work: a credential rejection only with a tagged NO. */
function failed(
  p: LoginParams,
  st: AttemptState,
  f: {
    mechanism: string | undefined;
    response: TaggedResponse | undefined;
    bye: string | undefined;
    error: ProbeError;
    credentialsRejected: boolean;
    oauthError?: Record<string, string> | undefined;
    refusalTexts: string[] | undefined;
  },
): LoginAttempt {
  return {
    address: p.address,
    alerts: st.alerts,
    ...(st.lines ? { transcript: st.lines } : {}),
    ok: false,
    ms: Math.round(performance.now() - st.t0),
    ...(f.mechanism ? { mechanism: f.mechanism } : {}),
    ...(f.response ? { response: f.response } : {}),
    ...(f.bye ? { bye: f.bye } : {}),
    error: f.error,
    credentialsRejected: f.credentialsRejected && f.response?.status === 'NO',
    ...(f.oauthError ? { oauthError: f.oauthError } : {}),
    ...(f.refusalTexts ? { refusalTexts: f.refusalTexts } : {}),
  };
}

/** When a refusal text was hidden whole for quoting the secret: the texts with only the secret masked, for the refusal check. */
function refusalTextsOf(words: readonly string[], hide: Hide, shown: Array<string | undefined>): string[] | undefined {
  if (!shown.some((t) => t?.includes(SERVER_TEXT_HIDDEN))) return undefined;
  return words.map(hide.pieces);
}

/** Logged in: EXAMINE INBOX (RFC 9051 §6.3.3, read-only, changes nothing), then LOGOUT. */
/** A login that worked, before anything after it: the mechanism used and the capabilities announced. */
function loggedIn(p: LoginParams, client: ImapFlow, st: AttemptState): LoginAttempt {
  const caps = [...capabilitiesOf(client)];
  const used = mechanismUsed(client);
  const mechanism = used
    ? used === 'LOGIN'
      ? 'LOGIN'
      : `AUTHENTICATE ${used.replace(/^AUTH=/i, '')}`
    : mechanismOf(undefined, new Set(caps), !!p.oauthToken);
  return {
    address: p.address,
    alerts: st.alerts,
    ...(st.lines ? { transcript: st.lines } : {}),
    ok: true,
    ms: 0,
    ...(mechanism ? { mechanism } : {}),
    credentialsRejected: false,
    capabilitiesAfterLogin: caps,
  };
}

/**
 * Logged in over the kept connection, which imapflow gave back: EXAMINE INBOX, then the sync
 * probe's read-only commands and IDLE in the same flight (wire-channel.ts), LOGOUT not waited for.
 */
async function pipelinedAfterLogin(
  p: LoginParams,
  attempt: LoginAttempt,
  wire: Wire,
  st: AttemptState,
  hide: Hide,
  logger: ReturnType<typeof captureLogger>,
): Promise<LoginAttempt> {
  const step = () => stepSignal(p.run, p.timeoutMs);
  const ch = wireChannel(wire, (dir, text) => logger.debug({ src: dir, msg: text }), step);
  const examined = ch.send([{ verb: 'EXAMINE', args: ['INBOX'] }], step);
  if (p.afterLogin)
    await afterLogin(
      async () => ch,
      attempt,
      { ...p.afterLogin, timeoutMs: p.timeoutMs, run: p.run, hide, mailboxOpen: true },
      () => openSession(p, hide),
    );
  attempt.mailbox = mailboxOf((await examined)[0], hide);
  if (attempt.mailbox.state !== 'ok' && attempt.sync) attempt.sync = withoutMailbox(attempt.sync);
  ch.logout();
  attempt.ms = Math.round(performance.now() - st.t0);
  return attempt;
}

/** EXAMINE's reply (RFC 9051 §6.3.3): the EXISTS count and READ-ONLY, or the refusal, server text hidden. */
function mailboxOf(x: Exchange | undefined, hide: Hide): NonNullable<LoginAttempt['mailbox']> {
  const ms = x?.ms ?? 0;
  if (x?.tagged?.status === 'OK') {
    const exists = x.untagged.map((l) => /^\*\s+(\d+)\s+EXISTS\b/i.exec(l)).find((m) => m)?.[1];
    return {
      state: 'ok',
      value: { name: 'INBOX', exists: Number(exists ?? 0), readOnly: x.tagged.code !== 'READ-WRITE' },
      ms,
    };
  }
  if (x?.tagged)
    return {
      state: 'failed',
      error: { code: x.tagged.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: hide.server(x.tagged.line) },
      ms,
    };
  return {
    state: 'failed',
    error: x?.error ? hideMessage(x.error, hide.server) : { code: 'CLOSED', why: { code: 'no-reply', to: 'EXAMINE' } },
    ms,
  };
}

async function examineAndLogout(p: LoginParams, client: ImapFlow, st: AttemptState, hide: Hide): Promise<LoginAttempt> {
  const attempt = loggedIn(p, client, st);
  const m0 = performance.now();
  try {
    const box = await Promise.race([client.mailboxOpen('INBOX', { readOnly: true }), st.abort]);
    attempt.mailbox = {
      state: 'ok',
      value: { name: 'INBOX', exists: Number(box.exists ?? 0), readOnly: box.readOnly !== false },
      ms: Math.round(performance.now() - m0),
    };
  } catch (e) {
    const err = hiddenError(e, hide);
    const response = taggedFrom(err, st.server, hide);
    attempt.mailbox = {
      state: 'failed',
      error: err.aborted
        ? classifyError(st.limit.reason, st.limit)
        : response
          ? { code: response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: response.line }
          : classifyError(err),
      ms: Math.round(performance.now() - m0),
    };
  }
  if (p.afterLogin)
    await afterLogin(
      () => imapflowChannel(client),
      attempt,
      { ...p.afterLogin, timeoutMs: p.timeoutMs, run: p.run, hide, mailboxOpen: attempt.mailbox.state === 'ok' },
      () => openSession(p, hide),
    );
  // After the sync probe the login's own bound may be spent: LOGOUT then gets a step of its own.
  await logout(client, p.afterLogin ? whenAborted(stepSignal(p.run, p.timeoutMs)) : st.abort);
  attempt.ms = Math.round(performance.now() - st.t0);
  return attempt;
}

/** LOGOUT (RFC 9051 §6.1.3), bounded; a connection that does not answer is closed. */
async function logout(client: ImapFlow, abort: Promise<never>): Promise<void> {
  try {
    await Promise.race([client.logout(), abort]);
  } catch {
    client.close();
  }
}

/**
 * One more login with the same parameters, held open (--sessions): the session to close when it
 * worked, the server's refusal (tagged reply, BYE) or the transport error when it did not.
 */
async function openSession(p: LoginParams, hide: Hide): Promise<OpenedSession> {
  const t0 = performance.now();
  const server: string[] = [];
  const client = await newClient(p, captureLogger(null, server, t0, hide));
  client.on('error', () => {});
  const limit = stepSignal(p.run, LIMITS.loginSteps * p.timeoutMs);
  const ms = () => Math.round(performance.now() - t0);
  try {
    await Promise.race([client.connect(), whenAborted(limit)]);
    return {
      attempt: { ok: true, ms: ms() },
      close: () => logout(client, whenAborted(stepSignal(p.run, p.timeoutMs))),
    };
  } catch (e) {
    const { response, bye, error } = await refusalOf(client, e, server, hide, limit, p.timeoutMs);
    return { attempt: { ok: false, ms: ms(), ...(response ? { response } : {}), ...(bye ? { bye } : {}), error } };
  }
}
