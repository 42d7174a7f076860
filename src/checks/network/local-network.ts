/**
 * Check: do the IMAP ports of every candidate time out while the same servers answer on a web
 * port? Then the network in between, most likely the user's own, blocks mail (one finding per run).
 */
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { portList, reachOf, target } from './reach.js';

export const localNetworkCheck: Check = {
  id: 'network/local-network',
  needs: ['endpoints'],
  run: (ctx) => {
    const reach = reachOf(ctx);
    if (!reach.localBlocksMail) return [];
    const imap = reach.attempts.filter((a) => a.kind === 'imap' && a.reply !== 'no-route');
    const hostNames = [...new Set(imap.map((a) => a.host))];
    const web = reach.attempts.filter((a) => a.kind === 'web' && a.reply === 'open').map(target);
    return [
      finding('LOCAL_NETWORK_BLOCKS_MAIL', 'tcp', {
        imapPorts: portList(imap),
        hosts: hostNames.length,
        hostNames,
        webAnswers: [...new Set([...web, ...reach.webFetches])],
        timeoutMs: ctx.timeoutMs,
      }),
    ];
  },
};
