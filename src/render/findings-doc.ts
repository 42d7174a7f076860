/** docs/findings.md, generated from the catalogue (`npm run docs`); a test fails when they drift. */
import { ACTOR_LABEL, AREAS, entry, renderEntry, type FindingCode } from '../catalogue/index.js';
import { exampleAdvice } from '../knowledge/advice.js';
import { knowledgeLine } from './knowledge.js';

const AREA_TITLE: Record<string, string> = {
  discovery: 'Finding the server',
  transport: 'Reaching the server',
  network: 'Firewalls, routes and address families',
  tls: 'TLS and certificates',
  imap: 'The IMAP conversation',
  auth: 'Logging in',
  doctor: 'The run itself',
};

export function findingsMarkdown(): string {
  const out = [
    '# Finding codes',
    '',
    '<!-- Generated from src/catalogue by `npm run docs`; do not edit by hand. -->',
    '',
    'Every finding imap-doctor can report. Codes are stable: a code never changes meaning. ',
    'Severity is the default; a problem found only on a *guessed* server is lowered to `info` ',
    '(or `warning` when another endpoint works). The texts below use example values.',
    '',
  ];
  for (const [area, codes] of Object.entries(AREAS)) {
    out.push(`## ${AREA_TITLE[area] ?? area}`, '');
    out.push('| code | severity | who must act | title (example) |', '| --- | --- | --- | --- |');
    for (const code of codes) {
      const e = entry(code as FindingCode);
      const t = renderEntry(code as FindingCode, exampleAdvice(code, e.example).params, {});
      out.push(
        `| [\`${code}\`](#${code.toLowerCase()}) | ${e.severity} | ${ACTOR_LABEL[e.who]} | ${t.title.replace(/\|/g, '\\|')} |`,
      );
    }
    out.push('');
    for (const code of codes) {
      const e = entry(code as FindingCode);
      const ex = exampleAdvice(code, e.example);
      const t = renderEntry(code as FindingCode, ex.params, {});
      out.push(
        `### ${code}`,
        '',
        `*${e.severity}; who must act: ${ACTOR_LABEL[e.who]}*`,
        '',
        `**${t.title}.** ${t.explanation}`,
        '',
      );
      for (const f of t.fix) out.push(`- Fix: ${f}`);
      if (t.fix.length > 0) out.push('');
      if (e.refs && e.refs.length > 0) out.push(`References: ${e.refs.join('; ')}`, '');
      if (ex.knowledge) out.push(`${knowledgeLine(ex.knowledge)} (see [providers.md](providers.md))`, '');
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
