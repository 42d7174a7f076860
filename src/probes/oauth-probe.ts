/**
 * `--oauth-discover`: one `AUTHENTICATE OAUTHBEARER` without a real token (RFC 7628 §3.1) on one
 * endpoint, chosen by the login policy (verified TLS, a trusted host, OAUTHBEARER offered), to read
 * the server's error challenge (§3.2.2) — whose `openid-configuration` names where tokens come
 * from. It is that endpoint's one login attempt: no password goes there afterwards. No secret is
 * sent; the exchange ends with the dummy response %x01 the RFC prescribes.
 */
import type { AddressProbe, EndpointEvidence, ProbeError, TaggedResponse } from '../model/evidence.js';
import type { OAuthProbeEvidence } from '../model/standards.js';
import { fetchAnnouncedConfiguration } from '../discovery/oauth-metadata.js';
import type { Fetcher } from '../discovery/http.js';
import { loginCapabilities } from '../model/reading.js';
import { decideLogin } from '../policy.js';
import { internalError, oneLine } from '../errors/classify.js';
import { LIMITS } from '../limits.js';
import { DEFAULTS } from '../options.js';
import { stepSignal } from '../util/deadline.js';
import { hasCap, parseTagged } from './imap-parse.js';
import { reachTls, type ProbeRunContext } from './session.js';
import { handshake } from './tls.js';
import { Wire, WireError } from './wire.js';

export interface OAuthProbeContext extends ProbeRunContext {
  /** The login name, sent as the GS2 authorization identity. */
  user: string;
}

const OAUTH_CAPS = ['AUTH=OAUTHBEARER', 'AUTH=XOAUTH2'];

/** Some address of the endpoint offers a token mechanism after TLS. */
export function offersOAuth(e: EndpointEvidence): boolean {
  return e.addresses.some((a) => OAUTH_CAPS.some((c) => hasCap(loginCapabilities(a), c)));
}

/** The best-ranked endpoint the login policy would give a token to, that offers OAUTHBEARER itself. */
export function pickOAuthProbeEndpoint(
  endpoints: readonly EndpointEvidence[],
): { e: EndpointEvidence; address: AddressProbe } | undefined {
  for (const e of [...endpoints].sort((a, b) => a.rank - b.rank)) {
    const d = decideLogin(e, 'oauth');
    if (d.go && hasCap(loginCapabilities(d.address), 'AUTH=OAUTHBEARER')) return { e, address: d.address };
  }
  return undefined;
}

/**
 * The token sent: a fixed placeholder, no secret. An empty token would be the natural choice, but
 * Dovecot 2.3 (Debian 12) rejects it as malformed without the error challenge, while any
 * syntactically valid token is checked and answered with the RFC 7628 §3.2.2 challenge.
 */
export const PLACEHOLDER_TOKEN = 'imap-doctor-no-token';

/** RFC 7628 §3.1 initial client response carrying the placeholder instead of a token. */
export function emptyBearerResponse(user: string, host: string, port: number): string {
  const gs2User = user.replace(/=/g, '=3D').replace(/,/g, '=2C');
  return Buffer.from(
    `n,a=${gs2User},\x01host=${host}\x01port=${port}\x01auth=Bearer ${PLACEHOLDER_TOKEN}\x01\x01`,
    'utf8',
  ).toString('base64');
}

/** The challenge's JSON members with string (or number) values; undefined when it is not a JSON object. */
export function decodeChallenge(b64: string): Record<string, string> | undefined {
  try {
    const doc: unknown = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc))
      if (typeof v === 'string' || typeof v === 'number')
        out[oneLine(k, LIMITS.oauthChallengeChars)] = oneLine(String(v), LIMITS.oauthChallengeChars);
    return out;
  } catch {
    return undefined;
  }
}

/** The AUTHENTICATE exchange: each continuation answered with the RFC 7628 dummy response, at most LIMITS.oauthChallengeLines lines. */
export async function bearerExchange(
  wire: Wire,
  initial: string,
  signal: () => AbortSignal,
): Promise<{ challenge?: Record<string, string>; response?: TaggedResponse }> {
  wire.write(`o1 AUTHENTICATE OAUTHBEARER ${initial}`);
  let challenge: Record<string, string> | undefined;
  for (let i = 0; i < LIMITS.oauthChallengeLines; i++) {
    const line = await wire.readLine(signal());
    const tagged = parseTagged(line, 'o1');
    if (tagged) return { ...(challenge ? { challenge } : {}), response: tagged };
    if (line.startsWith('+')) {
      challenge = decodeChallenge(line.slice(1).trim()) ?? challenge;
      wire.write('AQ==');
    }
  }
  throw new WireError({ code: 'PROTOCOL_ERROR', why: { code: 'no-tagged-reply', command: 'AUTHENTICATE' } });
}

/** The probe itself on one address; the metadata of an announced openid-configuration is fetched too. */
export async function sendEmptyOAuthBearer(
  e: EndpointEvidence,
  a: AddressProbe,
  ctx: OAuthProbeContext,
  fetch?: Fetcher,
): Promise<OAuthProbeEvidence> {
  const t0 = ctx.io.clock.mono();
  const c = e.candidate;
  const signal = () => stepSignal(ctx.run, ctx.timeoutMs);
  const params = {
    ...ctx,
    endpoint: e.id,
    host: c.host,
    port: c.port,
    security: c.security,
    address: a.address,
    family: a.family,
  };
  const done = (rest: Partial<OAuthProbeEvidence>): OAuthProbeEvidence => ({
    address: a.address,
    ms: Math.round(ctx.io.clock.mono() - t0),
    ...rest,
  });
  const reached = await reachTls(params, signal);
  if ('error' in reached) return done({ error: reached.error });
  const t = await handshake(reached.socket, { host: c.host, trust: ctx.trust, signal: signal(), io: ctx.io });
  if (!t.ok) return done({ error: t.error });
  const wire = new Wire(t.socket, {
    maxLineBytes: ctx.maxLineBytes,
    layer: 'tls',
    t0,
    mono: () => ctx.io.clock.mono(),
  });
  let result: { challenge?: Record<string, string>; response?: TaggedResponse; error?: ProbeError };
  try {
    if (c.security === 'tls') await wire.readGreeting(signal());
    result = await bearerExchange(wire, emptyBearerResponse(ctx.user, c.host, c.port), signal);
    wire.write('o2 LOGOUT');
  } catch (err) {
    result = { error: err instanceof WireError ? err.probe : internalError(err, '--oauth-discover') };
  } finally {
    t.socket.end();
    setTimeout(() => t.socket.destroy(), DEFAULTS.hangUpGraceMs).unref();
  }
  const url = result.challenge?.['openid-configuration'];
  const issuer = url && fetch ? await fetchAnnouncedConfiguration(fetch, url, e.id, signal()) : undefined;
  return done({ ...result, ...(issuer ? { issuer } : {}) });
}
