/**
 * Which big provider an endpoint belongs to, and the evidence for it: the endpoint's host name,
 * greeting and capabilities first; else the provider discovery recognised from the domain's MX
 * hosts; else the address's domain (those two not for a server whose greeting names self-hosted
 * software). The domain's brand or region refines the server's own match (Outlook.com vs Microsoft
 * 365 on one shared host; a Zoho region other than the server's). Pure; the evidence travels into
 * the finding params so every provider-based piece of advice can say what it rests on.
 */
import type { Params } from '../../catalogue/index.js';
import type { EndpointEvidence } from '../../model/evidence.js';
import type { FindingKnowledge, LoginCause } from '../../model/advice.js';
import {
  brandById,
  displayName,
  identifyProvider,
  providerById,
  selfHostedGreeting,
  withMailBrand,
  type ProviderMatch,
} from '../../knowledge/providers.js';
import { providerAdvice } from '../../knowledge/advice.js';
import type { CheckContext } from '../types.js';
import { loginCapabilities } from '../types.js';

/** The address the login went to (else the first that greeted): its greeting and capabilities identify the server. */
function serverFacts(e: EndpointEvidence): { greeting?: string; capabilities: string[] } {
  const used = e.login.state === 'attempted' ? e.login.attempt.address : undefined;
  const a =
    e.addresses.find((x) => x.address === used && x.greeting.state === 'ok') ??
    e.addresses.find((x) => x.greeting.state === 'ok');
  if (!a || a.greeting.state !== 'ok') return { capabilities: [] };
  const caps = [
    ...(a.greeting.value.capabilities ?? []),
    ...(a.capability.state === 'ok' ? a.capability.value : []),
    ...(loginCapabilities(a) ?? []),
  ];
  return { greeting: a.greeting.value.line, capabilities: caps };
}

/** Where the domain's mail is, from discovery's MX/domain match, else from the address's domain. */
function mailProvider(ctx: Pick<CheckContext, 'discovery' | 'address'>): ProviderMatch | undefined {
  const found = ctx.discovery?.provider;
  const known = found && (found.via === 'mx' || found.via === 'domain') ? providerById(found.id) : undefined;
  if (found && known) {
    const brand = brandById(known, found.brand);
    return {
      provider: known,
      ...(brand ? { brand } : {}),
      via: found.via === 'mx' ? 'mx' : 'domain',
      evidence: found.evidence,
    };
  }
  return identifyProvider({ domain: ctx.address.domain });
}

export function endpointProvider(
  ctx: Pick<CheckContext, 'discovery' | 'address'>,
  e: EndpointEvidence,
): ProviderMatch | undefined {
  const { greeting, capabilities } = serverFacts(e);
  const own = identifyProvider({
    host: e.candidate.host,
    ...(greeting !== undefined ? { greeting } : {}),
    capabilities,
  });
  if (own) return withMailBrand(own, mailProvider(ctx));
  if (greeting !== undefined && selfHostedGreeting(greeting)) return undefined;
  return mailProvider(ctx);
}

/** The finding params naming the provider (its brand when known) and the evidence it was recognised by. */
export function providerParams(m: ProviderMatch | undefined): Params {
  if (!m) return {};
  return {
    provider: displayName(m),
    providerId: m.provider.id,
    ...(m.brand ? { providerBrand: m.brand.id } : {}),
    providerVia: m.via,
    providerEvidence: m.evidence,
  };
}

/** The provider params plus the facts (and their sources) that the finding's advice uses. */
export function providerFacts(
  m: ProviderMatch | undefined,
  code: string,
  causes: readonly LoginCause[] = [],
): { params: Params; knowledge?: FindingKnowledge } {
  if (!m) return { params: {} };
  const advice = providerAdvice(m, code, causes);
  return { params: { ...providerParams(m), ...advice.params }, knowledge: advice.knowledge };
}
