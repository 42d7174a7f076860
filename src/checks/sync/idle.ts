/** Check: push (RFC 2177 IDLE) — advertised, and really entered and left: IDLE → "+" → DONE → OK. */
import { offers } from '../../probes/sync/commands.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { syncedEndpoints } from './helpers.js';
import { errorParams } from '../../model/reading.js';

export const idleCheck: Check = {
  id: 'sync/idle',
  needs: ['login'],
  run: (ctx) =>
    syncedEndpoints(ctx).flatMap(({ e, sync, capabilities }) => {
      if (!offers(capabilities, 'IDLE')) return [finding('IDLE_NOT_SUPPORTED', 'sync', {}, { e })];
      const i = sync.idle;
      if (i.state === 'ok')
        return [finding('IDLE_OK', 'sync', { continuationMs: i.value.continuationMs, doneMs: i.value.doneMs }, { e })];
      if (i.state === 'failed' && i.error.code !== 'ABORTED') {
        return [
          finding(
            'IDLE_REJECTED',
            'sync',
            {
              broke: sync.idleBreak ?? 'refused',
              ...(i.response ? { error: i.response.line } : errorParams('error', i.error)),
              timeoutMs: ctx.timeoutMs,
            },
            { e },
          ),
        ];
      }
      return [];
    }),
};

export const condstoreCheck: Check = {
  id: 'sync/condstore',
  needs: ['login'],
  run: (ctx) =>
    syncedEndpoints(ctx).flatMap(({ e, capabilities }) =>
      offers(capabilities, 'CONDSTORE') ? [] : [finding('CONDSTORE_NOT_SUPPORTED', 'sync', {}, { e })],
    ),
};
