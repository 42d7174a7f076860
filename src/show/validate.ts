/**
 * Validation of a saved report or saved evidence against the published schema
 * (docs/report.schema.json, docs/report.schema.v1.json), before anything is rendered or judged.
 * The validator (@cfworker/json-schema: interpretive, no code generation, so ~25 ms from cold) is
 * loaded only when `show` or `diff` needs it. One line names the first problem.
 */
import { readFileSync } from 'node:fs';
import { packageFile } from '../package-file.js';
import type { OutputUnit, Validator } from '@cfworker/json-schema';

/** Baked in by the single-executable build, which has no docs/ folder beside it. */
declare const __IMAP_DOCTOR_SCHEMAS__: Record<string, object> | undefined;

export type SchemaName = 'report.schema.json' | 'report.schema.v1.json';

export function readSchema(name: SchemaName): Record<string, unknown> {
  if (typeof __IMAP_DOCTOR_SCHEMAS__ === 'object' && __IMAP_DOCTOR_SCHEMAS__[name])
    return __IMAP_DOCTOR_SCHEMAS__[name] as Record<string, unknown>;
  return JSON.parse(readFileSync(packageFile(`docs/${name}`), 'utf8')) as Record<string, unknown>;
}

const validators = new Map<string, Validator>();

async function validatorFor(name: SchemaName, def?: string): Promise<Validator> {
  const key = `${name}#${def ?? ''}`;
  const have = validators.get(key);
  if (have) return have;
  const { Validator } = await import('@cfworker/json-schema');
  const schema = readSchema(name);
  // A definition inside the schema: validate against a schema that only refers to it.
  const v = def
    ? new Validator({ $ref: `${String(schema.$id)}#/$defs/${def}` }, '2020-12', false)
    : new Validator(schema, '2020-12', false);
  if (def) v.addSchema(schema);
  validators.set(key, v);
  return v;
}

/** '#/endpoints/0/login/reason' → 'endpoints[0].login.reason'. */
function pathOf(location: string): string {
  const parts = location
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p.length > 0);
  if (parts.length === 0) return 'the top level';
  return parts
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i === 0 ? '' : '.'}${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
}

const depth = (e: OutputUnit): number => e.instanceLocation.split('/').length;
/** Keywords that only say "something below failed". */
const AGGREGATE = new Set([
  '$ref',
  'properties',
  'items',
  'prefixItems',
  'allOf',
  'anyOf',
  'oneOf',
  'if',
  'then',
  'else',
  'additionalProperties',
]);

/** The first problem: the deepest error, a leaf rather than "a subschema had errors", first among equals. */
function describe(errors: readonly OutputUnit[]): string {
  const deepest = Math.max(...errors.map(depth));
  const atDepth = errors.filter((x) => depth(x) === deepest);
  const e = (atDepth.find((x) => !AGGREGATE.has(x.keyword)) ?? atDepth[0]) as OutputUnit;
  const where = pathOf(e.instanceLocation);
  const quoted = /"([^"]*)"/.exec(e.error)?.[1] ?? '';
  switch (e.keyword) {
    case 'false':
      return `${where} is a field this report version does not define`;
    case 'required':
      return `${where} lacks the field "${quoted}"`;
    case 'enum':
      return `${where} must be one of ${/\[(.*)\]/.exec(e.error)?.[1]?.replace(/,/g, ', ') ?? 'the allowed values'}`;
    case 'const':
      return `${where} must be ${/match (.*)\.$/.exec(e.error)?.[1] ?? 'something else'}`;
    case 'format':
      return `${where} must be ${/format "(.*)"/.exec(e.error)?.[1] === 'date-time' ? 'a date and time (ISO 8601)' : `in the format ${quoted}`}`;
    case 'type':
      return `${where} must be of type ${/Expected (.*)\.$/.exec(e.error)?.[1]?.replace(/"/g, '') ?? '?'} (it is ${quoted})`;
    default:
      return `${where}: ${e.error.replace(/^Instance /, '')}`;
  }
}

/** null when valid, else one line naming the first problem. `def` validates against one of $defs (e.g. evidenceV1). */
export async function schemaProblem(value: unknown, name: SchemaName, def?: string): Promise<string | null> {
  const v = await validatorFor(name, def);
  const r = v.validate(value);
  if (r.valid) return null;
  return describe(r.errors);
}
