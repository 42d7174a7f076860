/** Checks of the IMAP conversation before login, in checklist order. */
import type { Check } from '../types.js';
import { greetingCheck } from './greeting.js';
import { capabilityCheck } from './capability.js';
import { starttlsCheck } from './starttls.js';
import { plaintextLoginCheck } from './plaintext-login.js';

export const IMAP_CHECKS: readonly Check[] = [greetingCheck, capabilityCheck, starttlsCheck, plaintextLoginCheck];
