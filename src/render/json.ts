/** The report as JSON: stable, schemaVersion first, identical on and off a terminal, inert on a terminal (visible.ts). */
import type { Report } from '../model/report.js';
import { inertJson } from './visible.js';

export function renderJson(r: Report): string {
  return inertJson(r);
}
