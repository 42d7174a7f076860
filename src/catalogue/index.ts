/**
 * The catalogue: every finding code users, tickets and scripts see, with its text. Codes are
 * stable and never change meaning; the FindingCode type is derived from the entries.
 */
import type { CatalogueEntry, P, Params } from './types.js';
import { transport } from './transport.js';
import { network } from './network.js';
import { tls } from './tls.js';
import { imap } from './imap.js';
import { auth } from './auth.js';
import { discovery } from './discovery.js';
import { doctor } from './doctor.js';
import { dane, oauth, pacc, publishedAuth } from './standards.js';
import { sync } from './sync.js';
import { wordErrorParams } from './probe-why.js';

export const CATALOGUE = {
  ...discovery,
  ...pacc,
  ...transport,
  ...network,
  ...tls,
  ...dane,
  ...imap,
  ...auth,
  ...publishedAuth,
  ...oauth,
  ...sync,
  ...doctor,
} satisfies Record<string, CatalogueEntry>;

export type FindingCode = keyof typeof CATALOGUE;

export const AREAS: Record<string, readonly string[]> = {
  discovery: [...Object.keys(discovery), ...Object.keys(pacc)],
  transport: Object.keys(transport),
  network: Object.keys(network),
  tls: [...Object.keys(tls), ...Object.keys(dane)],
  imap: Object.keys(imap),
  auth: [...Object.keys(auth), ...Object.keys(publishedAuth), ...Object.keys(oauth)],
  sync: Object.keys(sync),
  doctor: Object.keys(doctor),
};

export function isFindingCode(s: string): s is FindingCode {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, s);
}

export function entry(code: FindingCode): CatalogueEntry {
  return CATALOGUE[code];
}

export interface RenderedText {
  title: string;
  explanation: string;
  fix: string[];
}

/** Render an entry's texts; a throwing text function is a doctor bug, reported as such. */
export function renderEntry(
  code: FindingCode,
  params: Params,
  subject: { host?: string; port?: number; security?: string; address?: string },
): RenderedText {
  const e = entry(code);
  const p: P = { ...wordErrorParams(params), ...subject };
  return { title: e.title(p), explanation: e.explain(p), fix: e.fix(p) };
}

export type { CatalogueEntry, Severity, Actor, Params, ParamValue } from './types.js';
export { ACTOR_LABEL } from './types.js';
