/**
 * Check: the login. Reads the server's tagged reply and RFC 5530 response code; names why a
 * password was withheld; refuses to call a temporary failure a wrong password.
 */
import { authMechanisms, hasCap } from '../../probes/imap-parse.js';
import type { Finding } from '../../model/finding.js';
import type { Check } from '../types.js';
import { finding, loginCapabilities } from '../types.js';

export const loginCheck: Check = {
  id: 'auth/login',
  run: (ctx) =>
    ctx.endpoints.flatMap((e): Finding[] => {
      const l = e.login;
      if (l.state === 'withheld') {
        switch (l.reason) {
          case 'no-credentials':
          case 'disabled':
          case 'unreachable':
            return [];
          case 'login-disabled': {
            const a = e.addresses.find((x) => x.capability.state === 'ok');
            if (e.candidate.security === 'plain') return [finding('AUTH_TLS_REQUIRED', 'login', { loginDisabled: true }, { e })];
            const caps = a ? loginCapabilities(a) : undefined;
            return [finding('AUTH_NO_COMMON_MECHANISM', 'login', { mechanisms: authMechanisms(caps), loginDisabled: true, oauth: ctx.credentials === 'oauth' }, { e })];
          }
          case 'no-mechanism': {
            const a = e.addresses.find((x) => loginCapabilities(x));
            const caps = a ? loginCapabilities(a) : undefined;
            return [finding('AUTH_NO_COMMON_MECHANISM', 'login', { mechanisms: authMechanisms(caps), loginDisabled: hasCap(caps, 'LOGINDISABLED'), oauth: ctx.credentials === 'oauth' }, { e })];
          }
          case 'no-tls':
          case 'untrusted-host':
            return [
              finding('LOGIN_WITHHELD', 'login', { reason: l.reason, sources: e.candidate.sources.map((s) => s.source) }, { e, severity: 'warning' }),
            ];
          default:
            return [finding('LOGIN_WITHHELD', 'login', { reason: l.reason, ...(l.reason === 'earlier-credential-failure' ? { firstEndpoint: firstRejected(ctx) } : {}) }, { e })];
        }
      }
      const at = l.attempt;
      const user = ctx.user;
      const base = { user, address: ctx.address.address, mechanism: at.mechanism ?? '', alerts: at.alerts };
      if (at.ok) return [finding('AUTH_OK', 'login', { ...base, ms: at.ms }, { e })];
      const r = at.response;
      if (!r) return [finding('LOGIN_INCOMPLETE', 'login', { ...base, error: at.error?.message ?? 'unknown', ...(at.bye ? { bye: at.bye } : {}) }, { e })];
      const params = { ...base, response: r.line, status: r.status, ...(r.code ? { code: r.code } : {}) };
      switch (r.code) {
        case 'UNAVAILABLE':
          return [finding('AUTH_TEMPORARY_FAILURE', 'login', params, { e })];
        case 'PRIVACYREQUIRED':
          return [finding('AUTH_TLS_REQUIRED', 'login', { ...params, loginDisabled: false }, { e })];
        case 'AUTHENTICATIONFAILED':
          return [finding('AUTH_FAILED', 'login', params, { e })];
        default:
          if (at.credentialsRejected || (r.code === undefined && r.status === 'NO')) return [finding('AUTH_FAILED', 'login', params, { e })];
          return [finding('AUTH_REFUSED', 'login', params, { e })];
      }
    }),
};

function firstRejected(ctx: Parameters<Check['run']>[0]): string {
  const e = ctx.endpoints.find((x) => x.login.state === 'attempted' && x.login.attempt.credentialsRejected);
  return e ? `${e.candidate.host}:${e.candidate.port}` : 'another server';
}
