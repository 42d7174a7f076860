/**
 * Checks on who runs the mail: a well-known provider recognised from the MX hosts (or the domain
 * itself), and published settings that offer POP3 only — then the POP3 settings are the answer,
 * and no IMAP server is probed in vain (unless --guess found one anyway).
 */
import { imapServers } from '../../discovery/candidates.js';
import { endpointId } from '../../model/evidence.js';
import { configFacts } from '../../model/reading.js';
import type { Check } from '../types.js';
import { discoveryOf, finding } from '../types.js';
import { PUBLISHING, reachesImap } from './helpers.js';

export const providerCheck: Check = {
  id: 'discovery/provider',
  needs: ['discovery'],
  run: (ctx) => {
    const d = discoveryOf(ctx);
    const out = [];
    if (d.provider) {
      out.push(
        finding('MX_PROVIDER_IDENTIFIED', 'discovery', {
          domain: d.domain,
          provider: d.provider.name,
          via: d.provider.via,
          evidence: d.provider.evidence,
        }),
      );
    }
    const published = d.sources.filter((s) => PUBLISHING.has(s.source) && s.status === 'found');
    const anyImap = d.sources.some((s) => s.source !== 'guess' && imapServers(s).length > 0);
    const withPop = published.filter((s) => s.servers.some((x) => x.protocol === 'pop3'));
    if (!anyImap && withPop.length > 0 && !ctx.endpoints.some(reachesImap)) {
      const facts = withPop.map(configFacts);
      const name = facts[0]?.displayName ?? facts[0]?.providerId ?? d.domain;
      const enableUrl = facts.map((f) => f?.enableUrl).find((u) => u !== undefined);
      out.push(
        finding('PROVIDER_OFFERS_NO_IMAP', 'discovery', {
          domain: d.domain,
          provider: name,
          sources: withPop.map((s) => s.query),
          pop3: [
            ...new Set(
              withPop.flatMap((s) =>
                s.servers
                  .filter((x) => x.protocol === 'pop3')
                  .map((x) =>
                    endpointId({
                      host: x.host,
                      port: x.port,
                      security: x.security === 'unknown' ? (x.port === 995 ? 'tls' : 'starttls') : x.security,
                    }),
                  ),
              ),
            ),
          ],
          ...(enableUrl !== undefined ? { enableUrl } : {}),
        }),
      );
    }
    return out;
  },
};
