/**
 * Small readers for check tests: one endpoint on its usual port with a hand-built address, and the
 * parts of a finding a check decides (code, stage, endpoint, params), so a test asserts all of them.
 */
import type { CheckContext } from '../../src/checks/types.js';
import type { AddressProbe, Security } from '../../src/model/evidence.js';
import { endpointId } from '../../src/model/evidence.js';
import type { Finding } from '../../src/model/finding.js';
import { addressProbe, candidate, context, endpoint } from './evidence.js';

export const USUAL_PORT: Record<Security, number> = { tls: 993, starttls: 143, plain: 143 };

/** The id of imap.example.com on the usual port of `security`. */
export const idOf = (security: Security): string =>
  endpointId(candidate('imap.example.com', USUAL_PORT[security], security));

/** A check context with imap.example.com on the usual port of `security`: one address, healthy but for `over`. */
export function onAddress(
  security: Security,
  over: Partial<AddressProbe> = {},
  ctx: Partial<CheckContext> = {},
): CheckContext {
  const c = candidate('imap.example.com', USUAL_PORT[security], security);
  return context([endpoint(c, { addresses: [addressProbe(security, over)] })], ctx);
}

/** What a check decided: code, stage, endpoint and params of each finding, in order. */
export function judged(fs: readonly Finding[]): Array<Pick<Finding, 'code' | 'stage' | 'endpoint' | 'params'>> {
  return fs.map(({ code, stage, endpoint: e, params }) => ({
    code,
    stage,
    ...(e !== undefined ? { endpoint: e } : {}),
    params,
  }));
}
