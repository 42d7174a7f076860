/** Status symbols, with an ASCII fallback for terminals that cannot show them. */
import type { Severity } from '../catalogue/index.js';

export type Mark = Severity | 'skipped';

const UNICODE: Record<Mark, string> = { ok: '✔', warning: '!', error: '✖', info: '·', skipped: '○' };
const ASCII: Record<Mark, string> = { ok: '+', warning: '!', error: 'x', info: '-', skipped: 'o' };

export function symbol(m: Mark, ascii = false): string {
  return (ascii ? ASCII : UNICODE)[m];
}
