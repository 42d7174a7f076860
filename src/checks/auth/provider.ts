/**
 * Which big provider an endpoint belongs to, and the evidence for it: the endpoint's host name,
 * greeting and capabilities first; else the provider discovery recognised from the domain's MX
 * hosts; else the address's domain (those two not for a server whose greeting names self-hosted
 * software). Pure; the evidence travels into the finding params so every provider-based piece of
 * advice can say what it rests on.
 */
import type { Params } from '../../catalogue/index.js';
import type { EndpointEvidence } from '../../model/evidence.js';
import { identifyProvider, providerById, selfHostedGreeting, type ProviderMatch } from '../../knowledge/providers.js';
import type { CheckContext } from '../types.js';
import { loginCapabilities } from '../types.js';

/** The address the login went to (else the first that greeted): its greeting and capabilities identify the server. */
function serverFacts(e: EndpointEvidence): { greeting?: string; capabilities: string[] } {
  const used = e.login.state === 'attempted' ? e.login.attempt.address : undefined;
  const a = e.addresses.find((x) => x.address === used && x.greeting.state === 'ok') ?? e.addresses.find((x) => x.greeting.state === 'ok');
  if (!a || a.greeting.state !== 'ok') return { capabilities: [] };
  const caps = [...(a.greeting.value.capabilities ?? []), ...(a.capability.state === 'ok' ? a.capability.value : []), ...(loginCapabilities(a) ?? [])];
  return { greeting: a.greeting.value.line, capabilities: caps };
}

export function endpointProvider(ctx: CheckContext, e: EndpointEvidence): ProviderMatch | undefined {
  const { greeting, capabilities } = serverFacts(e);
  const own = identifyProvider({ host: e.candidate.host, ...(greeting !== undefined ? { greeting } : {}), capabilities });
  if (own) return own;
  if (greeting !== undefined && selfHostedGreeting(greeting)) return undefined;
  const found = ctx.discovery?.provider;
  const known = found && (found.via === 'mx' || found.via === 'domain') ? providerById(found.id) : undefined;
  if (found && known) return { provider: known, via: found.via === 'mx' ? 'mx' : 'domain', evidence: found.evidence };
  return identifyProvider({ domain: ctx.address.domain });
}

/** The finding params naming the provider and the evidence it was recognised by. */
export function providerParams(m: ProviderMatch | undefined): Params {
  return m ? { provider: m.provider.name, providerId: m.provider.id, providerVia: m.via, providerEvidence: m.evidence } : {};
}
