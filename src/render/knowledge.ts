/**
 * How the provider knowledge behind a finding's advice is printed: one short line for the text
 * and Markdown reports (where to read more), and the full list with quotes for `imap-doctor
 * explain`. Pure: knowledge in, lines out.
 */
import type { FindingKnowledge } from '../model/advice.js';

const SHORT_LIST = 4;

/** The distinct pages behind the advice, rules that decide it first (how the provider was recognised last). */
export function knowledgeUrls(k: FindingKnowledge): string[] {
  const ordered = [...k.sources.filter((s) => s.rule !== 'hosts'), ...k.sources.filter((s) => s.rule === 'hosts')];
  return [...new Set(ordered.map((s) => s.url))];
}

/** "Sources (Google, checked 2026-12-06): url; url; +2 more in docs/providers.md" */
export function knowledgeLine(k: FindingKnowledge): string {
  const urls = knowledgeUrls(k);
  const shown = urls.slice(0, SHORT_LIST);
  const more = urls.length - shown.length;
  return `Sources (${k.brand ?? k.provider}, checked ${k.checked}): ${shown.join('; ')}${more > 0 ? `; +${more} more in docs/providers.md` : ''}`;
}

/** Every source with its rule and quote, for `explain`. */
export function knowledgeBlock(k: FindingKnowledge): string[] {
  const lines = [
    `The provider advice above rests on these sources (${k.brand ?? k.provider}; last checked ${k.checked}, knowledge date ${k.knowledgeDate}):`,
  ];
  for (const s of k.sources) {
    lines.push(`  [${s.rule}] ${s.url}${s.via ? ` (read at ${s.via})` : ''}`, `      "${s.quote}"`);
  }
  return lines;
}
