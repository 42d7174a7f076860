/**
 * The secret out of the sync probe's evidence, the way the login treats server texts: a reply or
 * an error message that quotes a piece of the password or token is hidden whole; a name the server
 * listed (folder, attribute, namespace prefix, quota root or resource) keeps its text with only the
 * pieces masked, so the rest of the evidence stays judgeable. Numbers and the doctor's own words
 * (commands, states, dates) are left alone. tryLogin masks every form of the secret in every string
 * of the attempt afterwards too.
 */
import type { TaggedResponse } from '../../model/evidence.js';
import type { NamespaceEntry, SyncEvidence, SyncStep } from '../../model/sync.js';
import type { Hide } from '../auth.js';
import { hideMessage } from '../../errors/classify.js';

export type SyncHide = Pick<Hide, 'server' | 'pieces'>;

function hideReply(r: TaggedResponse, h: SyncHide): TaggedResponse {
  return {
    ...r,
    ...(r.code !== undefined ? { code: h.server(r.code) } : {}),
    text: h.server(r.text),
    line: h.server(r.line),
  };
}

function hideStep<T>(s: SyncStep<T>, h: SyncHide, value: (v: T) => T): SyncStep<T> {
  if (s.state === 'skipped') return s;
  if (s.state === 'ok') return { ...s, value: value(s.value) };
  return {
    ...s,
    error: hideMessage(s.error, h.server),
    ...(s.response ? { response: hideReply(s.response, h) } : {}),
  };
}

export function hideSync(ev: SyncEvidence, h: SyncHide): SyncEvidence {
  const p = h.pieces;
  const ns = (l: NamespaceEntry[]) => l.map((e) => ({ prefix: p(e.prefix), delimiter: e.delimiter }));
  return {
    ...ev,
    namespace: hideStep(ev.namespace, h, (v) => ({
      personal: ns(v.personal),
      other: ns(v.other),
      shared: ns(v.shared),
    })),
    folders: hideStep(ev.folders, h, (v) => ({
      ...v,
      folders: v.folders.map((f) => ({ name: p(f.name), attributes: f.attributes.map(p) })),
    })),
    quota: hideStep(ev.quota, h, (v) => ({
      roots: v.roots.map(p),
      quotas: v.quotas.map((q) => ({
        root: p(q.root),
        resources: q.resources.map((r) => ({ ...r, name: p(r.name) })),
      })),
    })),
    search: hideStep(ev.search, h, (v) => v),
    idle: hideStep(ev.idle, h, (v) => ({ ...v, response: hideReply(v.response, h) })),
  };
}
