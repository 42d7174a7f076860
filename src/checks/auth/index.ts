/** Login checks, in checklist order: why nothing was sent, what the login said, the inbox, the published login method, OAuth issuers. */
import type { Check } from '../types.js';
import { loginCheck } from './login.js';
import { mailboxCheck } from './mailbox.js';
import { withheldCheck } from './withheld.js';
import { publishedAuthCheck } from './published-auth.js';
import { oauthCheck } from './oauth.js';

export const AUTH_CHECKS: readonly Check[] = [withheldCheck, loginCheck, mailboxCheck, publishedAuthCheck, oauthCheck];
