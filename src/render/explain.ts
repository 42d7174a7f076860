/** `imap-doctor explain CODE` and `explain --list`: the catalogue, readable without a run. */
import { ACTOR_LABEL, AREAS, entry, renderEntry, type FindingCode } from '../catalogue/index.js';

export function explainCode(code: FindingCode): string {
  const e = entry(code);
  const t = renderEntry(code, e.example, {});
  const lines = [`${code}  (${e.severity}; who must act: ${ACTOR_LABEL[e.who]})`, '', `${t.title}.`, '', t.explanation];
  if (t.fix.length > 0) lines.push('', ...t.fix.map((f) => `Fix: ${f}`));
  if (e.refs && e.refs.length > 0) lines.push('', `References: ${e.refs.join('; ')}`);
  lines.push('', '(Example values are shown; a real report fills in your server.)');
  return `${lines.join('\n')}\n`;
}

export function listCodes(): string {
  const lines: string[] = [];
  for (const [area, codes] of Object.entries(AREAS)) {
    lines.push(`${area}:`);
    for (const code of codes) {
      const e = entry(code as FindingCode);
      lines.push(`  ${code.padEnd(32)} ${e.severity.padEnd(8)} ${renderEntry(code as FindingCode, e.example, {}).title}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
