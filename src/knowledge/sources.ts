/**
 * The knowledge base's dates and the helpers entries use to cite what they were read from. One
 * `KNOWLEDGE_DATE` for the whole base: docs/providers.md flags any entry last checked more than
 * 12 months before it. Sources are public pages, public GitHub threads and Thunderbird's ISPDB
 * (the snapshot in ../shared/fixtures/ispdb is of the commit below); quotes are as found.
 */
import type { Source } from './types.js';

/** When the knowledge base as a whole was last reviewed against its sources. */
export const KNOWLEDGE_DATE = '2026-12-06';

/** The day the entries' sources were read for this review. */
export const CHECKED = '2026-12-06';

/** Entries last checked longer ago than this before KNOWLEDGE_DATE are flagged as stale. */
export const STALE_AFTER_MONTHS = 12;

/** thunderbird/autoconfig commit of the ISPDB snapshot (../shared/fixtures/ispdb/README.md). */
export const ISPDB_COMMIT = 'c6ad796';

/** A file of Thunderbird's ISPDB, quoted. */
export function ispdb(file: string, quote: string): Source {
  return { url: `https://github.com/thunderbird/autoconfig/blob/${ISPDB_COMMIT}/ispdb/${file}`, quote };
}

/** The ISPDB file a source cites, or undefined when it cites something else. */
export function ispdbFile(s: Source): string | undefined {
  const m = /^https:\/\/github\.com\/thunderbird\/autoconfig\/blob\/[0-9a-f]+\/ispdb\/([^/]+\.xml)$/.exec(s.url);
  return m?.[1];
}

/** A public GitHub issue or pull request thread ("owner/repo#123"), quoted. */
export function thread(ref: string, quote: string, via?: string): Source {
  const m = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(ref);
  if (!m) throw new Error(`not a thread reference: ${ref}`);
  return { url: `https://github.com/${m[1]}/issues/${m[2]}`, quote, ...(via ? { via } : {}) };
}

/** A public GitHub pull request ("owner/repo#123"), quoted. */
export function pull(ref: string, quote: string, via?: string): Source {
  return { ...thread(ref, quote, via), url: thread(ref, quote).url.replace('/issues/', '/pull/') };
}

/** A web page, quoted; `via` when the copy read was a mirror or a thread quoting it. */
export function page(url: string, quote: string, via?: string): Source {
  return { url, quote, ...(via ? { via } : {}) };
}
