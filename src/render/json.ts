/** The report as JSON: stable, schemaVersion first, identical on and off a terminal. */
import type { Report } from '../model/report.js';

export function renderJson(r: Report): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
