/**
 * The "Sync readiness" section and "For apps and integrations", as rows every renderer prints in
 * its own way (text, Markdown, HTML): the capability table, then one line each for push, folders,
 * storage, search and sessions, then the integration advice. Pure: the report's `sync` in, rows out.
 */
import { integrationAdvice } from '../catalogue/sync-readiness.js';
import type { SyncReport } from '../model/report.js';
import type { SyncStep } from '../model/sync.js';
import { probeErrorText } from '../catalogue/probe-why.js';

export interface SyncRow {
  label: string;
  mark: 'ok' | 'warning' | 'error' | 'info' | 'skipped';
  text: string;
}

const SKIP_WORDS: Record<string, string> = {
  'not-advertised': 'not offered by the server',
  'no-mailbox': 'not tried: INBOX did not open',
  'connection-lost': 'not tried: the connection broke on an earlier command',
};

function stepText<T>(s: SyncStep<T>, ok: (v: T, ms: number) => string): { mark: SyncRow['mark']; text: string } {
  if (s.state === 'ok') return { mark: 'ok', text: ok(s.value, s.ms) };
  if (s.state === 'skipped') return { mark: 'skipped', text: SKIP_WORDS[s.reason] ?? s.reason };
  return { mark: 'warning', text: `failed: ${s.response?.line ?? probeErrorText(s.error)}` };
}

function foldersRow(s: SyncReport): SyncRow {
  const r = stepText(s.probe.folders, (v) => {
    const ns = s.probe.namespace.state === 'ok' ? s.probe.namespace.value.personal[0] : undefined;
    const roles = s.roles
      .map((x) =>
        x.folder ? `${x.role} → ${x.folder}` : x.lookAlike ? `${x.role}: unmarked "${x.lookAlike}"` : `${x.role}: none`,
      )
      .join(', ');
    return `${v.count}${v.truncated ? '+' : ''} (prefix "${ns?.prefix ?? ''}", delimiter "${v.delimiter ?? ''}"); ${roles}`;
  });
  const missing = s.roles.some((x) => !x.folder);
  return { label: 'Folders', mark: r.mark === 'ok' && missing ? 'warning' : r.mark, text: r.text };
}

function quotaRow(s: SyncReport): SyncRow {
  const r = stepText(s.probe.quota, (v) => {
    const parts = v.quotas.flatMap((q) =>
      q.resources
        .filter((x) => x.limit > 0)
        .map(
          (x) =>
            `${x.name} ${x.usage} of ${x.limit}${x.name === 'STORAGE' ? ' KiB' : ''} (${Math.floor((x.usage * 100) / x.limit)}%)`,
        ),
    );
    return parts.join('; ') || 'no limit';
  });
  const worst =
    s.probe.quota.state === 'ok'
      ? Math.max(
          0,
          ...s.probe.quota.value.quotas.flatMap((q) =>
            q.resources.filter((x) => x.limit > 0).map((x) => (x.usage * 100) / x.limit),
          ),
        )
      : 0;
  return {
    label: 'Storage',
    mark: r.mark === 'ok' ? (worst >= 100 ? 'error' : worst >= 90 ? 'warning' : 'ok') : r.mark,
    text: r.text,
  };
}

/** One row per probe: push, folders, storage, search, sessions. */
export function syncRows(s: SyncReport): SyncRow[] {
  const idle = stepText(s.probe.idle, (v) => `IDLE → "+" in ${v.continuationMs} ms → DONE → OK in ${v.doneMs} ms`);
  const search = stepText(
    s.probe.search,
    (v, ms) =>
      `${v.count} message${v.count === 1 ? '' : 's'} since ${v.since} in ${ms} ms (${v.via === 'esearch' ? 'ESEARCH' : 'SEARCH'})`,
  );
  const se = s.sessions;
  const sessions: SyncRow = !se
    ? { label: 'Sessions', mark: 'skipped', text: 'not tested (--sessions <n>)' }
    : {
        label: 'Sessions',
        mark: se.opened >= se.requested ? 'ok' : 'warning',
        text: `${se.opened} of ${se.requested} open at once`,
      };
  return [{ label: 'Push', ...idle }, foldersRow(s), quotaRow(s), { label: 'Search', ...search }, sessions];
}

/** "For apps and integrations": the advice lines, then the provider's limits with their sources. */
export function integrationRows(s: SyncReport): Array<[string, string]> {
  const i = s.integrations;
  const rows = integrationAdvice(i);
  const k = i.knowledge;
  for (const l of i.limits) {
    const src = k?.sources.filter((x) => x.rule === l.rule).map((x) => x.url) ?? [];
    rows.push(['Known limit', `${l.text}${src.length ? ` (source: ${src.join(', ')})` : ''}`]);
  }
  return rows;
}

/** The command cost of the probe: how many commands went out after the login and how long they took together. */
export function syncCost(s: SyncReport): string {
  const c = s.probe.commands;
  return `${c.length} read-only commands after the login, ${c.reduce((a, x) => a + x.ms, 0)} ms`;
}
