/**
 * Check: does the published way to log in match what the server offers? Autoconfig (1.1 values,
 * 1.2 `system="sasl"` mechanisms) and PACC (`oauth-public`, `password`) against the SASL list the
 * probed endpoint advertises after TLS: OAuth promised and missing, OAuth offered and never
 * published, a password promised where no password mechanism works, a recommended mechanism absent.
 * Mail apps do not fall back in daily use (draft-ietf-mailmaint-autoconfig-06), so each is a warning.
 */
import { imapServers } from '../../discovery/candidates.js';
import { CONFIG_SOURCE_IDS, type ServerSetting, type SourceId, type SourceResult } from '../../model/discovery.js';
import type { EndpointEvidence } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import { authMechanisms, hasCap } from '../../probes/imap-parse.js';
import { endpointOf } from '../discovery/helpers.js';
import type { Check, CheckContext } from '../types.js';
import { discoveryOf, finding, loginCapabilities } from '../types.js';

const OAUTH_MECHS = ['OAUTHBEARER', 'XOAUTH2'];
const ENCRYPTED_MECHS = [
  'CRAM-MD5',
  'DIGEST-MD5',
  'SCRAM-SHA-1',
  'SCRAM-SHA-1-PLUS',
  'SCRAM-SHA-256',
  'SCRAM-SHA-256-PLUS',
];

/** What a source publishes for logging in to one server. */
interface Published {
  labels: string[];
  oauth: boolean;
  cleartext: boolean;
  encrypted: boolean;
  sasl: string[];
}

function publishedFor(s: SourceResult, x: ServerSetting): Published | undefined {
  if (s.source === 'pacc') {
    const p = s.pacc;
    if (!p) return undefined;
    const labels = [...(p.oauthIssuer ? ['oauth-public'] : []), ...(p.passwordAllowed ? ['password'] : [])];
    return labels.length === 0
      ? undefined
      : {
          labels,
          oauth: p.oauthIssuer !== undefined,
          cleartext: p.passwordAllowed === true,
          encrypted: false,
          sasl: [],
        };
  }
  const values = x.authentication ?? [];
  if (values.length === 0) return undefined;
  const sasl = (x.sasl ?? []).filter((m) => !OAUTH_MECHS.includes(m));
  const lower = values.map((v) => v.toLowerCase());
  return {
    labels: values,
    oauth: lower.some((v) => v === 'oauth2' || v === 'oauth') || (x.sasl ?? []).some((m) => OAUTH_MECHS.includes(m)),
    cleartext: lower.some((v) => v === 'password-cleartext' || v === 'plain'),
    encrypted: lower.some((v) => v === 'password-encrypted' || v === 'secure'),
    sasl,
  };
}

/** The SASL list after TLS of the first address that has one. */
function offeredOn(e: EndpointEvidence): { mechs: string[]; loginDisabled: boolean } | undefined {
  for (const a of e.addresses) {
    const caps = loginCapabilities(a);
    if (caps) return { mechs: authMechanisms(caps), loginDisabled: hasCap(caps, 'LOGINDISABLED') };
  }
  return undefined;
}

function directions(
  pub: Published,
  off: { mechs: string[]; loginDisabled: boolean },
): Array<{ direction: string; missing?: string[] }> {
  const out: Array<{ direction: string; missing?: string[] }> = [];
  const oauthOffered = OAUTH_MECHS.some((m) => off.mechs.includes(m));
  if (pub.oauth && !oauthOffered) out.push({ direction: 'oauth-missing' });
  if (!pub.oauth && oauthOffered) out.push({ direction: 'oauth-unpublished' });
  const cleartextWorks = off.mechs.includes('PLAIN') || off.mechs.includes('LOGIN') || !off.loginDisabled;
  const encryptedWorks = ENCRYPTED_MECHS.some((m) => off.mechs.includes(m));
  if ((pub.cleartext && !cleartextWorks) || (pub.encrypted && !pub.cleartext && !encryptedWorks))
    out.push({ direction: 'password-missing' });
  const missing = pub.sasl.filter((m) => !off.mechs.includes(m));
  if (missing.length > 0) out.push({ direction: 'sasl-missing', missing });
  return out;
}

function sourceFindings(ctx: CheckContext, s: SourceResult): Finding[] {
  return imapServers(s).flatMap((x) => {
    const pub = publishedFor(s, x);
    const e = endpointOf(ctx, x.host, x.port, x.security);
    const off = e ? offeredOn(e) : undefined;
    if (!pub || !e || !off) return [];
    const oauthOffered = off.mechs.filter((m) => OAUTH_MECHS.includes(m));
    return directions(pub, off).map((d) =>
      finding(
        'AUTH_METHOD_NOT_OFFERED',
        'login',
        {
          source: s.query,
          direction: d.direction,
          published: pub.labels,
          offered: off.mechs,
          ...(d.missing ? { missing: d.missing } : {}),
          ...(oauthOffered.length > 0 ? { oauthOffered } : {}),
        },
        { e },
      ),
    );
  });
}

/** Sources whose documents say how to log in: the settings files (autoconfig, ISPDB, via MX) and PACC. */
const AUTH_PUBLISHING: ReadonlySet<SourceId> = new Set<SourceId>([...CONFIG_SOURCE_IDS, 'pacc']);

export const publishedAuthCheck: Check = {
  id: 'auth/published-auth',
  needs: ['discovery', 'endpoints'],
  run: (ctx) =>
    discoveryOf(ctx)
      .sources.filter((s) => s.status === 'found' && AUTH_PUBLISHING.has(s.source))
      .flatMap((s) => sourceFindings(ctx, s)),
};
