/** TLS checks, in checklist order. */
import type { Check } from '../types.js';
import { handshakeCheck } from './handshake.js';
import { interceptionCheck } from './interception.js';
import { certificateCheck } from './certificate.js';
import { weakCryptoCheck } from './weak-crypto.js';
import { clockCheck } from './clock.js';
import { expiryCheck } from './expiry.js';
import { emailDomainCheck } from './email-domain.js';
import { daneCheck } from './dane.js';

export const TLS_CHECKS: readonly Check[] = [
  handshakeCheck,
  clockCheck,
  interceptionCheck,
  certificateCheck,
  weakCryptoCheck,
  expiryCheck,
  emailDomainCheck,
  daneCheck,
];
