/** Validates a report against docs/report.schema.json (the published contract). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ROOT } from '../helpers/paths.js';

const schema = JSON.parse(readFileSync(path.join(ROOT, 'docs/report.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
const validate = ajv.compile(schema);

/** Returns null when valid, else the errors as text. */
export function schemaErrors(report: unknown): string | null {
  if (validate(report)) {
    const r = report as { startedAt: string };
    return Number.isNaN(Date.parse(r.startedAt)) ? 'startedAt is not a date' : null;
  }
  return ajv.errorsText(validate.errors, { separator: '\n' });
}
