/** Check: one cheap server-side search on INBOX (UID SEARCH SINCE a week ago, ESEARCH where offered) answered, with its time and count. */
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { syncedEndpoints } from './helpers.js';
import { errorParams } from '../../model/reading.js';

export const searchCheck: Check = {
  id: 'sync/search',
  needs: ['login'],
  run: (ctx) =>
    syncedEndpoints(ctx).flatMap(({ e, sync }) => {
      const s = sync.search;
      const command = sync.commands.find((c) => c.command.startsWith('UID SEARCH'))?.command ?? 'UID SEARCH';
      if (s.state === 'ok')
        return [
          finding(
            'SEARCH_OK',
            'sync',
            { count: s.value.count, ms: s.ms, since: s.value.since, via: s.value.via, command },
            { e },
          ),
        ];
      if (s.state === 'failed' && s.error.code !== 'ABORTED')
        return [
          finding(
            'SEARCH_FAILED',
            'sync',
            { command, ...(s.response ? { error: s.response.line } : errorParams('error', s.error)) },
            { e },
          ),
        ];
      return [];
    }),
};
