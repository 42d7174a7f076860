/**
 * What the sync checks share: the endpoint that ran the sync probe (the one whose login worked
 * first) with its evidence, and the roles of its folders — which folder carries each role
 * (RFC 6154 special-use, or XLIST) and which unmarked folder only looks like it. Pure.
 */
import { FOLDER_ROLES, roleByAttributes, roleByName, type FolderRole } from '../../knowledge/folder-names.js';
import type { EndpointEvidence, LoginAttempt } from '../../model/evidence.js';
import type { FolderListEvidence, SyncEvidence } from '../../model/sync.js';
import type { Finding } from '../../model/finding.js';
import type { KnowledgeRule } from '../../model/advice.js';
import { endpointProvider, providerFacts } from '../auth/provider.js';
import type { CheckContext } from '../types.js';

export interface Synced {
  e: EndpointEvidence;
  attempt: LoginAttempt;
  sync: SyncEvidence;
  capabilities: string[];
}

/** Every endpoint whose login carried a sync probe (there is one at most per run). */
export function syncedEndpoints(ctx: Pick<CheckContext, 'endpoints'>): Synced[] {
  return ctx.endpoints.flatMap((e) =>
    e.login.state === 'attempted' && e.login.attempt.ok && e.login.attempt.sync
      ? [
          {
            e,
            attempt: e.login.attempt,
            sync: e.login.attempt.sync,
            capabilities: e.login.attempt.capabilitiesAfterLogin ?? [],
          },
        ]
      : [],
  );
}

export interface RoleMatch {
  role: FolderRole;
  /** The folder marked with the role. */
  folder?: string;
  /** An unmarked folder whose name looks like the role. */
  lookAlike?: string;
}

/** For each role: the folder marked with it, else an unmarked folder named like it. */
export function folderRoles(list: FolderListEvidence): RoleMatch[] {
  return FOLDER_ROLES.map((role) => {
    const marked = list.folders.find((f) => roleByAttributes(f.attributes) === role);
    if (marked) return { role, folder: marked.name };
    const alike = list.folders.find(
      (f) => roleByAttributes(f.attributes) === undefined && roleByName(f.name, list.delimiter) === role,
    );
    return alike ? { role, lookAlike: alike.name } : { role };
  });
}

/** Roles whose absence splits what devices see (warning); the others only cost convenience (info). */
export const ESSENTIAL_ROLES: readonly FolderRole[] = ['Sent', 'Drafts', 'Trash'];

/** The finding with the provider's published limit (a param, and its sources in `knowledge`), when the provider states one. */
export function withProviderLimit(
  ctx: CheckContext,
  e: EndpointEvidence,
  f: Finding,
  rule: Extract<KnowledgeRule, 'session-limit' | 'storage-limit'>,
): Finding {
  const facts = providerFacts(endpointProvider(ctx, e), f.code);
  if (!facts.knowledge?.sources.some((x) => x.rule === rule)) return f;
  return { ...f, params: { ...f.params, ...facts.params }, knowledge: facts.knowledge };
}
