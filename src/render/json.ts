/**
 * The report as JSON: stable, schemaVersion first, identical on and off a terminal. The data is kept
 * as it came; the characters JSON.stringify leaves raw that a terminal would act on (DEL, C1, bidi
 * overrides, line separators) are written as \u escapes, which JSON readers decode to the same data.
 */
import type { Report } from '../model/report.js';
import { HIDDEN, unicodeEscape } from './visible.js';

export function renderJson(r: Report): string {
  return `${JSON.stringify(r, null, 2).replace(HIDDEN, unicodeEscape)}\n`;
}
