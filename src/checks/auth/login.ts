/**
 * Check: the login attempt. A success is AUTH_OK; a refusal is explained by the rule table in
 * refusal.ts with the provider the endpoint was recognised as (host, greeting, MX); a login the
 * server never answered is LOGIN_INCOMPLETE. Exactly one finding per attempted endpoint.
 */
import type { Finding } from '../../model/finding.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { endpointProvider } from './provider.js';
import { explainRefusal } from './refusal.js';
import { errorParams } from '../../model/reading.js';

export const loginCheck: Check = {
  id: 'auth/login',
  needs: ['login'],
  run: (ctx) =>
    ctx.endpoints.flatMap((e): Finding[] => {
      if (e.login.state !== 'attempted') return [];
      const at = e.login.attempt;
      const base = { user: ctx.user, address: ctx.address.address, mechanism: at.mechanism ?? '', alerts: at.alerts };
      if (at.ok) return [finding('AUTH_OK', 'login', { ...base, ms: at.ms }, { e })];
      const provider = endpointProvider(ctx, e);
      const explained = explainRefusal(
        { attempt: at, oauth: ctx.credentials === 'oauth', ...(provider ? { provider } : {}) },
        base,
      );
      if (explained)
        return [
          {
            ...finding(explained.code, 'login', explained.params, { e }),
            ...(explained.knowledge ? { knowledge: explained.knowledge } : {}),
          },
        ];
      return [
        finding(
          'LOGIN_INCOMPLETE',
          'login',
          {
            ...base,
            ...(at.error ? errorParams('error', at.error) : { error: 'unknown' }),
            ...(at.bye ? { bye: at.bye } : {}),
          },
          { e },
        ),
      ];
    }),
};
