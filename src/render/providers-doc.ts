/**
 * docs/providers.md, generated from src/knowledge (`npm run docs`); a test fails when they drift.
 * A table of every provider (its brands and regions with their servers, its login rule, the last
 * time its sources were checked, stale ones flagged), then per provider every rule with the source
 * it rests on, quoted, and the refusal texts it is known to send; finally what was left out.
 */
import { LEFT_OUT, type LeftOut } from '../knowledge/left-out.js';
import { PROVIDERS } from '../knowledge/providers.js';
import { KNOWLEDGE_DATE, STALE_AFTER_MONTHS } from '../knowledge/sources.js';
import type { Brand, ProviderEntry, Source, Sources } from '../knowledge/types.js';
import type { KnowledgeRule } from '../model/advice.js';

export interface ProvidersDocInput {
  providers: readonly ProviderEntry[];
  knowledgeDate: string;
  staleAfterMonths: number;
  leftOut: readonly LeftOut[];
}

/** Text for a table cell: pipes escaped, angle brackets as entities (quotes of XML stay visible). */
const cell = (s: string): string =>
  s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');

const LOGIN: Record<ProviderEntry['login'], string> = {
  'app-password': 'app password required',
  oauth: 'OAuth 2 only (no password works)',
  'app-password-if-2fa': 'account password; app password once two-step sign-in is on',
  'authorization-code': 'authorization code instead of the password',
  bridge: 'through Proton Mail Bridge only',
  unknown: 'no public source found',
};

/** Whole months from `from` to `to` (YYYY-MM-DD), counting a month only once its day is reached. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return (ty - fy) * 12 + (tm - fm) - (td < fd ? 1 : 0);
}

export function isStale(p: ProviderEntry, knowledgeDate: string, months: number): boolean {
  return monthsBetween(p.checked, knowledgeDate) > months;
}

function cite(s: Source): string {
  return `[${s.url}](${s.url})${s.via ? ` (read at ${s.via})` : ''}: “${cell(s.quote)}”`;
}

function servers(b: Brand): string {
  return b.imap
    ? `${b.imap.host}:${b.imap.port} ${b.imap.security === 'tls' ? 'SSL/TLS' : 'STARTTLS'}`
    : 'no server named by any source';
}

function summaryRow(p: ProviderEntry, i: ProvidersDocInput): string {
  const brands = p.brands.map((b) => cell(`${b.name}: ${servers(b)}`)).join('<br>');
  const stale = isStale(p, i.knowledgeDate, i.staleAfterMonths)
    ? ` ⚠ stale (more than ${i.staleAfterMonths} months before ${i.knowledgeDate})`
    : '';
  return `| [${cell(p.name)}](#${p.id}) | ${brands} | ${LOGIN[p.login]}${p.appPasswordNeeds2fa ? ' (app passwords need two-step verification)' : ''} | ${p.checked}${stale} |`;
}

/** The rules an entry states, each with what it says. */
function ruleRows(p: ProviderEntry): Array<[KnowledgeRule, string]> {
  const rows: Array<[KnowledgeRule, string]> = [];
  rows.push(['login', `${LOGIN[p.login]}${p.policy ? `. ${p.policy}` : ''}`]);
  if (p.appPassword || p.appPasswordName)
    rows.push([
      'app-password',
      `${p.appPasswordName ?? 'app password'}: ${p.appPassword ?? '—'}${p.appPasswordNeeds2fa === true ? ' (needs two-step verification)' : p.appPasswordNeeds2fa === false ? ' (no two-step verification needed)' : ''}`,
    ]);
  if (p.imapSwitch || p.imapAlwaysOn) rows.push(['imap-switch', p.imapAlwaysOn ?? p.imapSwitch ?? '']);
  if (p.adminImap) rows.push(['admin', p.adminImap]);
  if (p.causes.includes('app-password-revoked'))
    rows.push(['revocation', 'app passwords are revoked when the account password changes']);
  if (p.noImapPlans) rows.push(['plan', `no IMAP on ${p.noImapPlans}`]);
  if (p.oauthScope) rows.push(['oauth', `OAuth scope ${p.oauthScope}`]);
  if (p.sessionLimit) rows.push(['session-limit', p.sessionLimit]);
  if (p.storageLimit) rows.push(['storage-limit', p.storageLimit]);
  return rows;
}

function sourceCells(sources: Sources, rule: KnowledgeRule): string {
  return (sources[rule] ?? []).map(cite).join('<br>') || '—';
}

function brandRows(p: ProviderEntry): string[] {
  return p.brands.map((b) => {
    const says = [
      `domains: ${b.domains.join(', ') || '—'}`,
      `MX: ${b.mx.map((r) => `\`${r.source}\``).join(', ') || '—'}`,
      `IMAP: ${servers(b)}`,
    ];
    const own = (['app-password', 'imap-switch', 'login', 'admin'] as const).filter((r) => b.sources[r]);
    const extra = [
      b.appPassword ? `app password: ${b.appPassword}` : '',
      b.imapSwitch ? `IMAP switch: ${b.imapSwitch}` : '',
      b.policy ?? '',
      b.adminImap ?? '',
    ].filter((x) => x);
    const cites = [sourceCells(b.sources, 'hosts'), ...own.map((r) => sourceCells(b.sources, r))].join('<br>');
    return `| ${cell(b.name)} | ${cell([...says, ...extra].join('; '))} | ${cites} |`;
  });
}

function providerSection(p: ProviderEntry, i: ProvidersDocInput): string[] {
  const stale = isStale(p, i.knowledgeDate, i.staleAfterMonths)
    ? ` ⚠ **stale**: checked more than ${i.staleAfterMonths} months before the knowledge date`
    : '';
  const out = [`## ${p.name}`, '', `<a id="${p.id}"></a>Last checked ${p.checked}.${stale}`, ''];
  out.push('| brand / region | what imap-doctor uses | source |', '| --- | --- | --- |', ...brandRows(p), '');
  const greeting = [
    ...p.greeting.map((r) => `greeting \`${r.source}\``),
    ...(p.capabilities ?? []).map((c) => `capability ${c}`),
  ];
  out.push('| rule | what imap-doctor says | source |', '| --- | --- | --- |');
  if (greeting.length > 0)
    out.push(`| recognised by | ${cell(greeting.join(', '))} | ${sourceCells(p.sources, 'hosts')} |`);
  for (const [rule, says] of ruleRows(p)) out.push(`| ${rule} | ${cell(says)} | ${sourceCells(p.sources, rule)} |`);
  out.push(`| likely causes of a refused password | ${p.causes.join(', ')} | (ranked from the rules above) |`, '');
  if (p.refusals.length > 0) {
    out.push('| server reply | reported as | source |', '| --- | --- | --- |');
    for (const r of p.refusals)
      out.push(`| \`${cell(r.reply)}\` | \`${r.finding}\`${r.note ? ` (${cell(r.note)})` : ''} | ${cite(r.source)} |`);
    out.push('');
  }
  return out;
}

export function providersMarkdown(i: ProvidersDocInput): string {
  const out = [
    '# Provider knowledge',
    '',
    '<!-- Generated from src/knowledge by `npm run docs`; do not edit by hand. -->',
    '',
    `What imap-doctor knows about big mail providers, and the public source each rule was read from, quoted as found. Knowledge date: **${i.knowledgeDate}**. ` +
      `An entry last checked more than ${i.staleAfterMonths} months before the knowledge date is marked ⚠ stale. A rule no source backs is left out (see the end), never guessed. ` +
      'Findings that use a rule carry its sources in the JSON report (`findings[].knowledge`); `imap-doctor explain CODE` prints them. ' +
      'To report an outdated rule, see the README ("Provider knowledge").',
    '',
    '| provider | brands and regions: IMAP server | login | last checked |',
    '| --- | --- | --- | --- |',
    ...i.providers.map((p) => summaryRow(p, i)),
    '',
  ];
  for (const p of i.providers) out.push(...providerSection(p, i));
  out.push(
    '## Left out',
    '',
    '| provider | rule | why |',
    '| --- | --- | --- |',
    ...i.leftOut.map((l) => `| ${cell(l.provider)} | ${cell(l.rule)} | ${cell(l.why)} |`),
  );
  return `${out.join('\n')}\n`;
}

/** docs/providers.md as the knowledge base stands. */
export function providersDoc(): string {
  return providersMarkdown({
    providers: PROVIDERS,
    knowledgeDate: KNOWLEDGE_DATE,
    staleAfterMonths: STALE_AFTER_MONTHS,
    leftOut: LEFT_OUT,
  });
}
