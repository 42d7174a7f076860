/**
 * The evidence rule of the knowledge base, as a check a test runs: every entry has a last-checked
 * date no later than the knowledge date, every brand cites where its hosts come from, and every
 * rule an entry states (login policy, app-password page, IMAP switch, admin path, revocation, plans
 * without IMAP, OAuth scope, known refusal texts) cites at least one source with a quote.
 */
import type { KnowledgeRule, LoginCause } from '../model/advice.js';
import type { Advice, Brand, ProviderEntry, Source, Sources } from './types.js';

/** The rule that backs each advice field. */
const FIELD_RULE: ReadonlyArray<[keyof Advice, KnowledgeRule]> = [
  ['appPassword', 'app-password'],
  ['appPasswordName', 'app-password'],
  ['appPasswordNeeds2fa', 'app-password'],
  ['imapSwitch', 'imap-switch'],
  ['imapAlwaysOn', 'imap-switch'],
  ['adminImap', 'admin'],
  ['policy', 'login'],
  ['noImapPlans', 'plan'],
  ['oauthScope', 'oauth'],
  ['sessionLimit', 'session-limit'],
  ['storageLimit', 'storage-limit'],
];

/** What a cause needs the entry to state (and so to source). */
const CAUSE_NEEDS: Partial<Record<LoginCause, ReadonlyArray<keyof Advice | 'regions' | 'revocation'>>> = {
  'app-password': ['appPassword'],
  'authorization-code': ['appPassword'],
  'imap-switch': ['imapSwitch'],
  'plan-without-imap': ['noImapPlans'],
  'oauth-only': ['oauthScope'],
  'wrong-region': ['regions'],
  'app-password-revoked': ['revocation'],
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function sourceProblems(where: string, sources: readonly Source[] | undefined): string[] {
  if (!sources || sources.length === 0) return [`${where}: no source`];
  return sources.flatMap((s) => [
    ...(/^https?:\/\/\S+$/.test(s.url) ? [] : [`${where}: source URL "${s.url}" is not a web address`]),
    ...(s.quote.trim().length >= 10 ? [] : [`${where}: source ${s.url} quotes nothing`]),
    ...(s.via === undefined || /^https?:\/\/\S+$/.test(s.via)
      ? []
      : [`${where}: "via" of ${s.url} is not a web address`]),
  ]);
}

/** Sources for a rule: the brand's own first, else the provider's. */
const sourcesFor = (p: ProviderEntry, b: Brand | undefined, rule: KnowledgeRule): readonly Source[] => [
  ...((b?.sources as Sources | undefined)?.[rule] ?? []),
  ...(p.sources[rule] ?? []),
];

function adviceProblems(p: ProviderEntry, b: Brand | undefined): string[] {
  const owner: Advice = b ?? p;
  return FIELD_RULE.filter(([k]) => owner[k] !== undefined).flatMap(([k, rule]) =>
    sourceProblems(`${p.id}${b ? `/${b.id}` : ''} ${k} [${rule}]`, sourcesFor(p, b, rule)),
  );
}

function causeProblems(p: ProviderEntry): string[] {
  const stated = (k: keyof Advice) => p[k] !== undefined || p.brands.some((b) => b[k] !== undefined);
  return p.causes.flatMap((c) =>
    (CAUSE_NEEDS[c] ?? []).flatMap((need) => {
      if (need === 'regions')
        return p.brands.filter((b) => b.imap).length > 1 ? [] : [`${p.id}: cause ${c} needs two regions with a server`];
      if (need === 'revocation') return sourceProblems(`${p.id}: cause ${c} [revocation]`, p.sources.revocation);
      return stated(need) ? [] : [`${p.id}: cause ${c} needs ${need}`];
    }),
  );
}

/** Every way an entry falls short of the evidence rule; empty when it is fully sourced. */
export function entryProblems(p: ProviderEntry, knowledgeDate: string): string[] {
  const out: string[] = [];
  if (!DATE.test(p.checked)) out.push(`${p.id}: last-checked date "${p.checked}" is not YYYY-MM-DD`);
  else if (p.checked > knowledgeDate)
    out.push(`${p.id}: checked ${p.checked}, after the knowledge date ${knowledgeDate}`);
  if (p.brands.length === 0) out.push(`${p.id}: no brand`);
  for (const b of p.brands)
    out.push(...sourceProblems(`${p.id}/${b.id} hosts`, b.sources.hosts), ...adviceProblems(p, b));
  if (p.greeting.length > 0 || (p.capabilities ?? []).length > 0)
    out.push(...sourceProblems(`${p.id} greeting/capabilities [hosts]`, p.sources.hosts));
  if (p.login !== 'unknown') out.push(...sourceProblems(`${p.id} login policy [login]`, p.sources.login));
  out.push(...adviceProblems(p, undefined), ...causeProblems(p));
  for (const r of p.refusals) out.push(...sourceProblems(`${p.id} refusal "${r.reply}"`, [r.source]));
  return out;
}

export function knowledgeProblems(entries: readonly ProviderEntry[], knowledgeDate: string): string[] {
  const ids = entries.map((p) => p.id);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  return [...dup.map((id) => `duplicate entry id ${id}`), ...entries.flatMap((p) => entryProblems(p, knowledgeDate))];
}
