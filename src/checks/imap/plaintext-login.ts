/**
 * Check: would the server take a password before TLS? On a plaintext connection (starttls or
 * plain endpoints) the absence of LOGINDISABLED means LOGIN is allowed (RFC 9051 §6.2.3).
 * The doctor never tries it; it only reads the capabilities.
 */
import { authMechanisms, hasCap } from '../../probes/imap-parse.js';
import type { Check } from '../types.js';
import { finding, perAddress } from '../types.js';

export const plaintextLoginCheck: Check = {
  id: 'imap/plaintext-login',
  needs: ['endpoints'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      if (e.candidate.security === 'tls' || a.capability.state !== 'ok') return [];
      const caps = a.capability.value;
      if (hasCap(caps, 'LOGINDISABLED')) return [];
      return [finding('PLAINTEXT_LOGIN_ALLOWED', 'capability', { mechanisms: authMechanisms(caps) }, { e, a })];
    }),
};
