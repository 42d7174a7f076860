/**
 * Check: the quota of INBOX (RFC 9208 GETQUOTAROOT): 100 % or more of any resource is an error
 * (new mail bounces or waits, apps cannot store sent copies), 90 % or more a warning, else the
 * usage is shown. Nothing without the QUOTA capability.
 */
import type { QuotaEvidence, QuotaResource } from '../../model/sync.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { syncedEndpoints, withProviderLimit } from './helpers.js';

export const QUOTA_NEARLY_FULL_PERCENT = 90;

const percent = (r: QuotaResource) => Math.floor((r.usage * 100) / r.limit);

/** One line per resource, for the params: "STORAGE 95 of 100 (95%)" in the server's units. */
function usage(q: QuotaEvidence): string[] {
  return q.quotas.flatMap((x) =>
    x.resources.filter((r) => r.limit > 0).map((r) => `${r.name} ${r.usage} of ${r.limit} (${percent(r)}%)`),
  );
}

export const quotaCheck: Check = {
  id: 'sync/quota',
  needs: ['login'],
  run: (ctx) =>
    syncedEndpoints(ctx).flatMap(({ e, sync }) => {
      const q = sync.quota;
      if (q.state !== 'ok') return [];
      const all = q.value.quotas.flatMap((x) =>
        x.resources.filter((r) => r.limit > 0).map((r) => ({ root: x.root, r })),
      );
      if (all.length === 0) return [];
      const worst = all.reduce((a, b) => (percent(b.r) > percent(a.r) ? b : a));
      const p = {
        root: worst.root,
        resource: worst.r.name,
        usage: worst.r.usage,
        limit: worst.r.limit,
        percent: percent(worst.r),
        resources: usage(q.value),
      };
      if (p.percent >= 100)
        return [withProviderLimit(ctx, e, finding('QUOTA_EXCEEDED', 'sync', p, { e }), 'storage-limit')];
      if (p.percent >= QUOTA_NEARLY_FULL_PERCENT)
        return [withProviderLimit(ctx, e, finding('QUOTA_NEARLY_FULL', 'sync', p, { e }), 'storage-limit')];
      return [finding('QUOTA_OK', 'sync', p, { e })];
    }),
};
