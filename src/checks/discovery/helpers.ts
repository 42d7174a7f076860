/**
 * Shared reading of discovery evidence for the discovery checks: which sources publish, how an
 * endpoint fared (reached IMAP at all, or verified), and which kind of record or file a source is.
 * Pure.
 */
import { CONFIG_SOURCE_IDS, isSourceOf, type SourceId, type SourceResult } from '../../model/discovery.js';
import type { EndpointEvidence, Security } from '../../model/evidence.js';
import { endpointId } from '../../model/evidence.js';
import type { CheckContext } from '../types.js';
import { working } from '../../model/reading.js';
export { cutShort, reachesImap } from '../../model/reading.js';

/** Sources whose settings someone published on purpose (not our provider knowledge, not guesses). */
export const PUBLISHING: ReadonlySet<string> = new Set<SourceId>([
  'srv-imaps',
  'srv-imap',
  ...CONFIG_SOURCE_IDS,
  'autodiscover',
  'autodiscover-domain',
  'autodiscover-srv',
  'pacc',
]);

/** The kind of thing to edit for a source: a DNS record, an autoconfig file, the ISPDB, an Autodiscover answer. */
export function fixKind(source: string): 'srv' | 'autoconfig' | 'ispdb' | 'autodiscover' | 'pacc' {
  if (source.startsWith('srv-')) return 'srv';
  if (source === 'pacc') return 'pacc';
  if (source.endsWith('ispdb')) return 'ispdb';
  if (source.startsWith('autodiscover')) return 'autodiscover';
  return 'autoconfig';
}

export function sources<S extends SourceId>(
  ctx: CheckContext,
  ...ids: S[]
): Array<Extract<SourceResult, { source: S }>> {
  return (ctx.discovery?.sources ?? []).filter((s): s is Extract<SourceResult, { source: S }> => isSourceOf(s, ids));
}

/** A verified IMAP session was opened (TLS verified, greeting OK): working without a login. */
export function works(e: EndpointEvidence): boolean {
  return working(e, false);
}

export function endpointOf(
  ctx: CheckContext,
  host: string,
  port: number,
  security: Security,
): EndpointEvidence | undefined {
  const id = endpointId({ host, port, security });
  return ctx.endpoints.find((e) => e.id === id);
}

/** The best-ranked endpoint that works, if any. */
export function bestWorking(ctx: CheckContext): EndpointEvidence | undefined {
  return [...ctx.endpoints].sort((a, b) => a.rank - b.rank).find(works);
}
