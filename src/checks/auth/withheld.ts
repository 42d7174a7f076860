/**
 * Check: why no password (or token) was sent to an endpoint: the server forbids login before TLS
 * (RFC 9051 §6.2.3 LOGINDISABLED), offers no mechanism for the credential, or imap-doctor's own
 * policy held it back (no TLS, unverified TLS, untrusted host, an earlier refusal).
 */
import { authMechanisms, hasCap } from '../../probes/imap-parse.js';
import type { EndpointEvidence } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import type { Check, CheckContext } from '../types.js';
import { finding, loginCapabilities } from '../types.js';

export const withheldCheck: Check = {
  id: 'auth/withheld',
  needs: ['credentials'],
  run: (ctx) => ctx.endpoints.flatMap((e) => withheldFindings(ctx, e)),
};

function withheldFindings(ctx: CheckContext, e: EndpointEvidence): Finding[] {
  const l = e.login;
  if (l.state !== 'withheld') return [];
  const oauth = ctx.credentials === 'oauth';
  switch (l.reason) {
    case 'no-credentials':
    case 'disabled':
    case 'unreachable':
    case 'internal-error':
    // The endpoint's one attempt went to --oauth-discover; the OAuth check reports it.
    case 'oauth-discover':
      return [];
    case 'login-disabled':
    case 'no-mechanism':
      return [serverRefusesMechanisms(e, l.reason, oauth)];
    case 'no-tls':
    case 'untrusted-host':
      return [
        finding(
          'LOGIN_WITHHELD',
          'login',
          { reason: l.reason, sources: e.candidate.sources.map((s) => s.source), ...(oauth ? { oauth } : {}) },
          { e, severity: 'warning' },
        ),
      ];
    default:
      return [
        finding(
          'LOGIN_WITHHELD',
          'login',
          {
            reason: l.reason,
            ...(l.reason === 'earlier-credential-failure' ? firstRefused(ctx) : {}),
            ...(oauth ? { oauth } : {}),
          },
          { e },
        ),
      ];
  }
}

/** The server's side: LOGINDISABLED before TLS, or no mechanism the credential can use. */
function serverRefusesMechanisms(
  e: EndpointEvidence,
  reason: 'login-disabled' | 'no-mechanism',
  oauth: boolean,
): Finding {
  if (reason === 'login-disabled') {
    if (e.candidate.security === 'plain') return finding('AUTH_TLS_REQUIRED', 'login', { loginDisabled: true }, { e });
    const a = e.addresses.find((x) => x.capability.state === 'ok');
    const caps = a ? loginCapabilities(a) : undefined;
    return finding(
      'AUTH_NO_COMMON_MECHANISM',
      'login',
      { mechanisms: authMechanisms(caps), loginDisabled: true, oauth },
      { e },
    );
  }
  const a = e.addresses.find((x) => loginCapabilities(x));
  const caps = a ? loginCapabilities(a) : undefined;
  return finding(
    'AUTH_NO_COMMON_MECHANISM',
    'login',
    { mechanisms: authMechanisms(caps), loginDisabled: hasCap(caps, 'LOGINDISABLED'), oauth },
    { e },
  );
}

/** The endpoint that refused the credentials first, as host:port ({} when none is known: the catalogue says "another server"). */
function firstRefused(ctx: CheckContext): { firstEndpoint?: string } {
  const e = ctx.endpoints.find((x) => x.login.state === 'attempted' && x.login.attempt.credentialsRejected);
  return e ? { firstEndpoint: `${e.candidate.host}:${e.candidate.port}` } : {};
}
