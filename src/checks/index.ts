/**
 * The checklist: every check in display order. The runner calls each one and turns a throwing
 * check into an INTERNAL_ERROR finding, so a doctor bug never hides the rest of the report.
 */
import type { Finding } from '../model/finding.js';
import type { Check, CheckContext } from './types.js';
import { finding } from './types.js';
import { nothingFoundCheck } from './discovery/nothing-found.js';
import { resolveCheck } from './transport/resolve.js';
import { tcpCheck } from './transport/tcp.js';
import { portModeCheck } from './transport/port-mode.js';
import { greetingCheck } from './imap/greeting.js';
import { handshakeCheck } from './tls/handshake.js';
import { certificateCheck } from './tls/certificate.js';
import { capabilityCheck } from './imap/capability.js';
import { starttlsCheck } from './imap/starttls.js';
import { plaintextLoginCheck } from './imap/plaintext-login.js';
import { loginCheck } from './auth/login.js';
import { mailboxCheck } from './auth/mailbox.js';
import { deadlineCheck, loginNotTestedCheck, plainSecurityCheck } from './run/run.js';

export const CHECKS: readonly Check[] = [
  nothingFoundCheck,
  resolveCheck,
  tcpCheck,
  plainSecurityCheck,
  portModeCheck,
  handshakeCheck,
  certificateCheck,
  greetingCheck,
  capabilityCheck,
  starttlsCheck,
  plaintextLoginCheck,
  loginCheck,
  mailboxCheck,
  loginNotTestedCheck,
  deadlineCheck,
];

export function runChecks(ctx: CheckContext, checks: readonly Check[] = CHECKS): Finding[] {
  return checks.flatMap((c) => {
    try {
      return c.run(ctx);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return [finding('INTERNAL_ERROR', 'run', { where: `check ${c.id}`, error: `${e.name}: ${e.message}` })];
    }
  });
}

export type { Check, CheckContext } from './types.js';
