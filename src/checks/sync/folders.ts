/**
 * Check: the folders (LIST with special-use, RFC 6154; or XLIST): every role mail apps need is
 * marked (SPECIAL_USE_MISSING names each missing one and its look-alike), the listing worked,
 * the count (very many make a slow first sync), the namespace and the hierarchy delimiter.
 */
import { DEFAULTS } from '../../options.js';
import { offers } from '../../probes/sync/commands.js';
import type { Finding } from '../../model/finding.js';
import type { Check } from '../types.js';
import { finding } from '../types.js';
import { ESSENTIAL_ROLES, folderRoles, syncedEndpoints, type Synced } from './helpers.js';
import { errorParams } from '../../model/reading.js';

/** LIST failed, unless the run's deadline cut it off: the command as sent and the server's answer. */
function listFailed({ e, sync }: Synced): Finding[] {
  const f = sync.folders;
  if (f.state !== 'failed' || f.error.code === 'ABORTED') return [];
  return [
    finding(
      'FOLDER_LIST_FAILED',
      'sync',
      {
        command: sync.commands.find((c) => /^X?LIST /.test(c.command))?.command ?? 'LIST',
        ...(f.response ? { error: f.response.line } : errorParams('error', f.error)),
      },
      { e },
    ),
  ];
}

function listed(s: Synced): Finding[] {
  const { e, sync, capabilities } = s;
  const f = sync.folders;
  if (f.state === 'failed') return listFailed(s);
  if (f.state !== 'ok') return [];
  const list = f.value;
  const roles = folderRoles(list);
  const missing = roles.filter((r) => !r.folder);
  const ns = sync.namespace.state === 'ok' ? sync.namespace.value.personal[0] : undefined;
  const out = [
    finding(
      'FOLDERS_OK',
      'sync',
      {
        count: list.count,
        truncated: list.truncated,
        delimiter: list.delimiter ?? '',
        prefix: ns?.prefix ?? '',
        namespace: sync.namespace.state === 'ok',
        via: list.via,
        roles: roles.filter((r) => r.folder).map((r) => `${r.role}=${r.folder}`),
      },
      { e },
    ),
  ];
  if (missing.length > 0) {
    const essential = missing.some((r) => ESSENTIAL_ROLES.includes(r.role));
    out.push(
      finding(
        'SPECIAL_USE_MISSING',
        'sync',
        {
          missing: missing.map((r) => r.role),
          lookAlikes: missing.map((r) => r.lookAlike ?? ''),
          advertised: offers(capabilities, 'SPECIAL-USE') || list.via === 'xlist',
        },
        { e, severity: essential ? 'warning' : 'info' },
      ),
    );
  }
  if (list.count >= DEFAULTS.manyFolders || list.truncated)
    out.push(
      finding(
        'FOLDERS_MANY',
        'sync',
        { count: list.count, truncated: list.truncated, threshold: DEFAULTS.manyFolders },
        { e },
      ),
    );
  return out;
}

export const foldersCheck: Check = {
  id: 'sync/folders',
  needs: ['login'],
  run: (ctx) => syncedEndpoints(ctx).flatMap(listed),
};
