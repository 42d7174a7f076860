/**
 * `imap-doctor explain CODE` and `explain --list`: the catalogue, readable without a run. An
 * example that names a provider shows that provider's facts and the sources they rest on.
 */
import { ACTOR_LABEL, AREAS, entry, renderEntry, type FindingCode } from '../catalogue/index.js';
import { exampleAdvice } from '../knowledge/advice.js';
import { knowledgeBlock } from './knowledge.js';

export function explainCode(code: FindingCode): string {
  const e = entry(code);
  const ex = exampleAdvice(code, e.example);
  const t = renderEntry(code, ex.params, {});
  const lines = [`${code}  (${e.severity}; who must act: ${ACTOR_LABEL[e.who]})`, '', `${t.title}.`, '', t.explanation];
  if (t.fix.length > 0) lines.push('', ...t.fix.map((f) => `Fix: ${f}`));
  if (e.refs && e.refs.length > 0) lines.push('', `References: ${e.refs.join('; ')}`);
  if (ex.knowledge) lines.push('', ...knowledgeBlock(ex.knowledge));
  lines.push('', '(Example values are shown; a real report fills in your server.)');
  return `${lines.join('\n')}\n`;
}

export function listCodes(): string {
  const lines: string[] = [];
  for (const [area, codes] of Object.entries(AREAS)) {
    lines.push(`${area}:`);
    for (const code of codes) {
      const e = entry(code as FindingCode);
      lines.push(
        `  ${code.padEnd(32)} ${e.severity.padEnd(8)} ${renderEntry(code as FindingCode, exampleAdvice(code, e.example).params, {}).title}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
