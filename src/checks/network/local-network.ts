/**
 * Check: do the IMAP ports of every candidate time out while the same servers answer on a web
 * port, and does the evidence speak about the user's network (the --reference server silent too, a
 * big provider's own IMAP server, or two unrelated addresses; see reach.ts)? Then the network in
 * between, most likely the user's own, blocks mail (one finding per run).
 */
import { displayName } from '../../knowledge/providers.js';
import { referenceText } from '../../options.js';
import type { Params } from '../../catalogue/index.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { portList, reachOf, target, type LocalBasis } from './reach.js';

/** The params naming what the verdict rests on. */
function basisParams(local: LocalBasis): Params {
  switch (local.basis) {
    case 'reference':
      return { basis: 'reference', reference: referenceText(local.attempt), referenceAddress: target(local.attempt) };
    case 'provider':
      return { basis: 'provider', provider: displayName(local.provider), providerHost: local.attempt.host };
    case 'hosts':
      return { basis: 'hosts' };
  }
}

export const localNetworkCheck: Check = {
  id: 'network/local-network',
  needs: ['endpoints'],
  run: (ctx) => {
    const reach = reachOf(ctx);
    if (!reach.local) return [];
    const imap = reach.attempts.filter((a) => a.kind === 'imap' && !a.reference && a.reply !== 'no-route');
    const hostNames = [...new Set(imap.map((a) => a.host))];
    const web = reach.attempts.filter((a) => a.kind === 'web' && a.reply === 'open').map(target);
    return [
      finding('LOCAL_NETWORK_BLOCKS_MAIL', 'tcp', {
        imapPorts: portList(imap),
        hosts: hostNames.length,
        hostNames,
        webAnswers: [...new Set([...web, ...reach.webFetches])],
        timeoutMs: ctx.timeoutMs,
        ...basisParams(reach.local),
      }),
    ];
  },
};
