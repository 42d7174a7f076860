/** Login checks, in checklist order: why nothing was sent, what the login said, then the inbox. */
import type { Check } from '../types.js';
import { loginCheck } from './login.js';
import { mailboxCheck } from './mailbox.js';
import { withheldCheck } from './withheld.js';

export const AUTH_CHECKS: readonly Check[] = [withheldCheck, loginCheck, mailboxCheck];
