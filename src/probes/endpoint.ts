/**
 * Probe one endpoint (host, port, security): resolve both families, then run the pre-auth
 * session against every address concurrently. The login is decided later by the doctor's
 * policy, so the evidence leaves it "withheld: not reached" until then.
 */
import { internalError } from '../errors/classify.js';
import type { Candidate, EndpointEvidence, ResolveEvidence } from '../model/evidence.js';
import { endpointId } from '../model/evidence.js';
import { stepSignal } from '../util/deadline.js';
import { resolveHost } from './resolve.js';
import { probeAddress, type ProbeRunContext } from './session.js';

export interface EndpointContext extends ProbeRunContext {
  pinned: Record<string, string[]>;
}

export async function probeEndpoint(c: Candidate, rank: number, ctx: EndpointContext): Promise<EndpointEvidence> {
  const id = endpointId(c);
  ctx.emit({ kind: 'stage', endpoint: id, host: c.host, stage: 'resolve', state: 'start' });
  const policy =
    c.provenance === 'user' || c.userTrusted
      ? { ...ctx.policy, exempt: new Set([...ctx.policy.exempt, c.host.toLowerCase()]) }
      : ctx.policy;
  const resolve = await resolveHost(
    c.host,
    ctx.lookup,
    ctx.pinned,
    () => stepSignal(ctx.run, ctx.timeoutMs),
    policy,
  ).catch((err: unknown): ResolveEvidence => ({ crashed: 'resolve', ms: 0, addresses: [], error: internalError(err) }));
  ctx.emit({ kind: 'stage', endpoint: id, host: c.host, stage: 'resolve', state: resolve.error ? 'failed' : 'ok' });
  const addresses = await Promise.all(
    resolve.addresses.map((a) =>
      probeAddress({
        ...ctx,
        endpoint: id,
        host: c.host,
        port: c.port,
        security: c.security,
        address: a.address,
        family: a.family,
      }),
    ),
  );
  return { id, rank, candidate: c, resolve, addresses, login: { state: 'withheld', reason: 'unreachable' } };
}
