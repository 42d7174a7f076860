/**
 * Reading a saved report or saved evidence back: from a file or standard input, out of whatever
 * a ticket system did to the paste (paste.ts), version checked, validated against the published
 * schema, then upgraded to the current report shape. Every refusal is an InputError with one line.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../address.js';
import type { Report } from '../model/report.js';
import { EVIDENCE_VERSION, type RunEvidence } from '../model/run-evidence.js';
import type { EndpointEvidence, Outcome, ProbeError, ResolveCrashed, TlsInfo } from '../model/evidence.js';
import { VERSION } from '../version.js';
import type { DiscoveryEvidence } from '../model/discovery.js';
import { upgradeFacts, upgradeTls } from './legacy-facts.js';
import { upgradeProbeErrors } from './legacy-errors.js';
import { extractJson } from './paste.js';
import { schemaProblem, type SchemaName } from './validate.js';

/** Largest report or evidence read (a report with transcripts is a few MB at most). */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Report versions this doctor renders, and the schema that describes each. */
const REPORT_SCHEMAS: Record<number, SchemaName> = { 1: 'report.schema.v1.json', 2: 'report.schema.json' };
const NEWEST = Math.max(...Object.keys(REPORT_SCHEMAS).map(Number));

export interface Source {
  /** How messages name it: the file name, or "standard input". */
  name: string;
  text: string;
}

export async function readSource(file: string, stdin: AsyncIterable<unknown>): Promise<Source> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of stdin) {
      const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
      size += b.length;
      if (size > MAX_INPUT_BYTES)
        throw new InputError(`standard input is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB: not a report`);
      chunks.push(b);
    }
    return { name: 'standard input', text: Buffer.concat(chunks).toString('utf8') };
  }
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'error')})`,
    );
  }
  if (buf.length > MAX_INPUT_BYTES)
    throw new InputError(`${file} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB: not a report`);
  return { name: file, text: buf.toString('utf8') };
}

function checkDate(value: unknown, what: string): void {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    throw new InputError(`${what}: startedAt ${JSON.stringify(value)} is not a date`);
}

/** A report of any version this doctor reads, validated, in the current shape. */
export async function parseReport(value: Record<string, unknown>, name: string): Promise<Report> {
  const v = value.schemaVersion;
  if (v === undefined) {
    if ('evidenceVersion' in value)
      throw new InputError(`${name} is saved evidence, not a report: imap-doctor show --rejudge ${name} judges it`);
    throw new InputError(`${name}: not an imap-doctor report (it has no schemaVersion)`);
  }
  if (typeof v === 'number' && Number.isInteger(v) && v > NEWEST) {
    throw new InputError(
      `${name} is a report of schemaVersion ${v}, newer than this imap-doctor (${VERSION}) reads (up to ${NEWEST}): update imap-doctor to show it`,
    );
  }
  const schema = typeof v === 'number' ? REPORT_SCHEMAS[v] : undefined;
  if (!schema)
    throw new InputError(`${name}: schemaVersion ${JSON.stringify(v)} is not a report version imap-doctor knows`);
  const problem = await schemaProblem(value, schema);
  if (problem) throw new InputError(`${name} is not a valid imap-doctor report (schemaVersion ${v}): ${problem}`);
  checkDate(value.startedAt, name);
  // Version 2 only added optional fields: a valid version-1 report is a version-2 report; older
  // discovery facts (English notes) are read as reason codes.
  const report = value as unknown as Report;
  return { ...report, schemaVersion: 2, discovery: upgradeDiscovery(report.discovery) };
}

export async function loadReport(src: Source): Promise<Report> {
  return parseReport(extractJson(src.text, src.name), src.name);
}

/** Saved evidence: a file written by --save-evidence, or a report that carries it (--include-evidence). */
export async function loadEvidence(src: Source): Promise<RunEvidence> {
  let value = extractJson(src.text, src.name);
  const name = src.name;
  if (!('evidenceVersion' in value) && 'schemaVersion' in value) {
    const report = await parseReport(value, name);
    if (!report.evidence) {
      throw new InputError(
        `${name} is a report without evidence: re-run the diagnosis with --save-evidence <file> (or --include-evidence) to re-judge it later`,
      );
    }
    value = report.evidence as unknown as Record<string, unknown>;
  }
  const v = value.evidenceVersion;
  if (v !== EVIDENCE_VERSION && v !== 1 && v !== 2) {
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw new InputError(`${name}: not saved imap-doctor evidence (evidenceVersion ${JSON.stringify(v)})`);
    const age =
      v > EVIDENCE_VERSION
        ? 'a newer imap-doctor: update imap-doctor'
        : 'an older imap-doctor: run the diagnosis again';
    throw new InputError(
      `${name} holds evidence version ${v}; this imap-doctor (${VERSION}) re-judges versions 1 to ${EVIDENCE_VERSION} only. It comes from ${age}`,
    );
  }
  const problem = await schemaProblem(value, 'report.schema.json', `evidenceV${String(v)}`);
  if (problem) throw new InputError(`${name} is not valid imap-doctor evidence (version ${v}): ${problem}`);
  checkDate(value.startedAt, name);
  const ev = v === 1 ? fromVersion1(value) : (value as unknown as RunEvidence);
  return upgradeProbeErrors({
    ...ev,
    evidenceVersion: EVIDENCE_VERSION,
    discovery: upgradeDiscovery(ev.discovery),
    endpoints: ev.endpoints.map(upgradeEndpoint),
  });
}

/** An endpoint's TLS sessions as older versions wrote them (words for "no certificate"), in today's shape. */
function upgradeEndpoint(e: EndpointEvidence): EndpointEvidence {
  const tls = (o: Outcome<TlsInfo> | undefined): Outcome<TlsInfo> | undefined =>
    o?.state === 'ok' ? { ...o, value: upgradeTls(o.value) } : o;
  const addresses = e.addresses.map((a) => ({
    ...a,
    ...(a.tls ? { tls: tls(a.tls) } : {}),
    ...(a.starttlsTls ? { starttlsTls: tls(a.starttlsTls) } : {}),
    ...(a.legacyTls ? { legacyTls: tls(a.legacyTls) } : {}),
  }));
  return { ...e, addresses };
}

/** Discovery as versions before evidence 3 wrote it (English notes), in today's shape. */
function upgradeDiscovery<D extends DiscoveryEvidence | null | undefined>(d: D): D {
  return d ? { ...d, sources: d.sources.map(upgradeFacts) } : d;
}

/**
 * Version 1 evidence, read as version 2: an endpoint whose probe crashed was written as a made-up
 * lookup (via 'none' or 'crashed', statuses 'error'); it becomes what it was, a crash.
 */
function fromVersion1(value: Record<string, unknown>): RunEvidence {
  const ev = value as unknown as RunEvidence;
  const endpoints = ev.endpoints.map((e) => {
    const r = e.resolve as { via?: string; ms: number; at?: number; error?: ProbeError };
    if ((r.via !== 'none' && r.via !== 'crashed') || r.error?.code !== 'INTERNAL') return e;
    const crashed: ResolveCrashed = {
      crashed: r.via === 'crashed' ? 'resolve' : 'probe',
      ...(r.at !== undefined ? { at: r.at } : {}),
      ms: r.ms,
      addresses: [],
      error: r.error,
    };
    return { ...e, resolve: crashed };
  });
  return { ...ev, evidenceVersion: EVIDENCE_VERSION, endpoints };
}
