/** The report as Markdown for tickets: summary first, a checklist, details collapsed. */
import { ACTOR_LABEL } from '../catalogue/index.js';
import { secLabel } from '../catalogue/types.js';
import type { TranscriptLine } from '../model/evidence.js';
import type { EndpointReport, Report } from '../model/report.js';
import { renderSourcesTable } from './sources.js';
import { knowledgeLine } from './knowledge.js';
import { visibleDeep } from './visible.js';
import { integrationRows, syncCost, syncRows } from './sync.js';
import { probeErrorText } from '../catalogue/probe-why.js';

const BOX: Record<string, string> = { ok: '[x] ', warning: '[ ] ', error: '[ ] ', info: '' };
const ICON: Record<string, string> = { ok: '✅', warning: '⚠️', error: '❌', info: 'ℹ️' };

/** Markdown-escaped text (also used by show and diff). */
export function esc(s: string): string {
  return s.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

export function renderMarkdown(report: Report): string {
  // Every string of the report may come from the network or the user: printed only made visible.
  const r = visibleDeep(report);
  const v = r.verdict;
  const out: string[] = [
    `# imap-doctor report for ${esc(r.input.address)}`,
    '',
    `**${ICON[v.status]} ${esc(v.summary)}**`,
    '',
  ];
  if (v.working) {
    const w = v.working;
    out.push(
      `Working settings${w.loginVerified ? '' : ' (login not tested)'}: server \`${w.host}\`, port \`${w.port}\`, security **${secLabel(w.security)}**, username \`${w.username}\``,
      '',
    );
  }
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  out.push(
    `${n(v.tally.error, 'error')} · ${n(v.tally.warning, 'warning')} · ${n(v.tally.info, 'note')} · ${v.tally.ok} passed · ${(r.durationMs / 1000).toFixed(1)} s · imap-doctor ${r.tool.version} · ${r.startedAt}`,
    '',
  );
  const sources = renderSourcesTable(r, { color: false });
  if (sources.length > 0) out.push('## Where the settings came from', '', ...fenced(sources), '');
  out.push(...checklist(r), ...whatToDo(r), ...syncSection(r));
  out.push('## Details', '');
  for (const e of r.endpoints) {
    out.push(
      '<details>',
      `<summary>${esc(`${e.host}:${e.port}`)} ${secLabel(e.security)} (${e.provenance})</summary>`,
      '',
      ...fenced(detailLines(e)),
      '</details>',
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

/** "Checklist": every finding, consequences indented under their cause. */
function checklist(r: Report): string[] {
  const out = ['## Checklist', ''];
  for (const f of r.findings) {
    const where = f.subject.host ? ` — \`${f.subject.host}${f.subject.port ? `:${f.subject.port}` : ''}\`` : '';
    const indent = f.causedBy ? '  ' : '';
    const title = f.causedBy ? `${esc(f.title)} *(follows from \`${f.causedBy}\`)*` : `**${esc(f.title)}**`;
    out.push(`${indent}- ${BOX[f.severity]}${ICON[f.severity]} ${title}${where} (\`${f.code}\`)`);
  }
  return out;
}

/** "What to do": each problem (not its consequences) with its explanation, who must act and the fixes. */
function whatToDo(r: Report): string[] {
  const problems = r.findings.filter((f) => (f.severity === 'error' || f.severity === 'warning') && !f.causedBy);
  if (problems.length === 0) return [];
  const out = ['', '## What to do', ''];
  for (const f of problems) {
    out.push(
      `### ${ICON[f.severity]} ${esc(f.title)}`,
      '',
      esc(f.explanation),
      '',
      `Who must act: ${ACTOR_LABEL[f.who]}`,
      '',
    );
    for (const fix of f.fix) out.push(`- ${fix}`);
    if (f.knowledge) out.push('', esc(knowledgeLine(f.knowledge)));
    out.push('');
  }
  return out;
}

/** A code block whose fence is longer than any backtick run inside, so no server text can close it early. */
function fenced(lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(longest + 1);
  return [fence, ...lines, fence];
}

function transcriptLine(t: TranscriptLine): string {
  return `  ${String(t.t).padStart(5)} ms ${t.dir === 'c' ? 'C:' : t.dir === 's' ? 'S:' : '--'} ${t.text}`;
}

/** The collapsed details of one endpoint: every address's stages, greeting, TLS, capabilities, transcripts, the login. */
function detailLines(e: EndpointReport): string[] {
  const out: string[] = [];
  for (const a of e.addresses) {
    out.push(`${a.address} (IPv${a.family})`);
    for (const s of a.stages)
      out.push(
        `  ${s.stage.padEnd(22)} ${s.state}${s.ms !== undefined ? ` ${s.ms} ms` : ''}${s.error ? `  ${probeErrorText(s.error)}` : ''}`,
      );
    if (a.greeting) out.push(`  greeting: ${a.greeting.line}`);
    if (a.tls) {
      out.push(`  tls: ${a.tls.protocol} ${a.tls.cipher}`);
      for (const c of a.tls.chain)
        out.push(
          `    cert: ${c.subject} | issuer ${c.issuer} | ${c.validFrom.slice(0, 10)}..${c.validTo.slice(0, 10)} | SHA-256 ${c.fingerprint256}`,
        );
    }
    if (a.capabilities.beforeTls) out.push(`  capabilities before TLS: ${a.capabilities.beforeTls.join(' ')}`);
    if (a.capabilities.afterTls) out.push(`  capabilities in TLS: ${a.capabilities.afterTls.join(' ')}`);
    for (const l of a.transcript ?? []) out.push(transcriptLine(l));
  }
  const l = e.login;
  out.push(
    l.state === 'withheld'
      ? `login: withheld (${l.reason})`
      : `login: ${l.ok ? 'ok' : 'failed'}${l.response ? ` — ${l.response.line}` : ''}`,
  );
  if (l.state === 'attempted') for (const t of l.transcript ?? []) out.push(transcriptLine(t));
  return out;
}

/** "Sync readiness" as a table, then "For apps and integrations" as a list. */
function syncSection(r: Report): string[] {
  const s = r.sync;
  if (!s) return [];
  const out = [
    '## Sync readiness',
    '',
    `\`${esc(s.endpoint)}\` · ${esc(syncCost(s))}`,
    '',
    '| capability | offered | what it gives | reference |',
    '| --- | --- | --- | --- |',
  ];
  for (const x of s.capabilities)
    out.push(`| ${esc(x.name)} | ${x.supported ? '✅' : '—'} | ${esc(x.gives)} | ${x.rfc} |`);
  out.push('', '| check | result |', '| --- | --- |');
  for (const row of syncRows(s)) out.push(`| ${ICON[row.mark] ?? '·'} ${row.label} | ${esc(row.text)} |`);
  out.push('', '## For apps and integrations', '');
  for (const [label, text] of integrationRows(s)) out.push(`- **${label}:** ${esc(text)}`);
  out.push('');
  return out;
}
