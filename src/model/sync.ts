/**
 * Evidence of the post-login sync probe: what the read-only commands after the login answered
 * (NAMESPACE, LIST with special-use, GETQUOTAROOT, one cheap SEARCH, IDLE), and the extra
 * concurrent sessions of --sessions. Plain data with timings, no prose and no secret; every field
 * is optional on the login attempt, so evidence saved before it existed still re-judges.
 */
import type { ProbeError, TaggedResponse } from './evidence.js';

/** One read-only step: it answered (ok), the server refused it or the connection failed (failed), or it was not sent (skipped). */
export type SyncStep<T> =
  | { state: 'ok'; value: T; ms: number }
  | { state: 'failed'; error: ProbeError; response?: TaggedResponse; ms: number }
  | { state: 'skipped'; reason: SyncSkip };

/** The folder roles mail apps look for (RFC 6154 §2). */
export type FolderRole = 'Sent' | 'Drafts' | 'Trash' | 'Junk' | 'Archive';

/** Why a step was not sent: the capability is not advertised, INBOX did not open, or an earlier step broke the connection. */
export type SyncSkip = 'not-advertised' | 'no-mailbox' | 'connection-lost';

/** One namespace of NAMESPACE (RFC 2342): the prefix folders live under, and its hierarchy delimiter (null: flat). */
export interface NamespaceEntry {
  prefix: string;
  delimiter: string | null;
}

export interface NamespaceInfo {
  personal: NamespaceEntry[];
  other: NamespaceEntry[];
  shared: NamespaceEntry[];
}

/** A folder the judgement needs: one with a special-use attribute, or one whose name looks like a role. */
export interface FolderEvidence {
  /** The name as the server lists it, modified UTF-7 decoded (RFC 3501 §5.1.3). */
  name: string;
  /** Its attributes as sent (\Sent, \HasNoChildren, …; XLIST's \Spam, \AllMail, …). */
  attributes: string[];
}

export interface FolderListEvidence {
  /** Which listing answered: LIST … RETURN (SPECIAL-USE) (RFC 6154), XLIST (Gmail's older form), or a plain LIST. */
  via: 'list-special-use' | 'xlist' | 'list';
  /** Folders listed (INBOX included). */
  count: number;
  /** More lines came than were read (the count is a lower bound). */
  truncated: boolean;
  /** The hierarchy delimiter of the listed folders (null: flat namespace). */
  delimiter: string | null;
  /** Special-use folders and folders named like a role (at most a bounded number), for the role check. */
  folders: FolderEvidence[];
}

/** One resource of a quota root (RFC 9208 §5.1): STORAGE in KiB, MESSAGE in messages, … */
export interface QuotaResource {
  name: string;
  usage: number;
  limit: number;
}

export interface QuotaEvidence {
  /** The quota roots INBOX belongs to (QUOTAROOT). */
  roots: string[];
  quotas: Array<{ root: string; resources: QuotaResource[] }>;
}

export interface SearchEvidence {
  /** ESEARCH with RETURN (COUNT) (RFC 4731), or a plain UID SEARCH. */
  via: 'esearch' | 'search';
  /** The SINCE date as sent (RFC 9051 date: 1-Jan-2026). */
  since: string;
  /** Messages that matched. */
  count: number;
}

/** IDLE (RFC 2177): the continuation the server sent, then the tagged reply after DONE. */
export interface IdleEvidence {
  /** ms from sending IDLE to the "+" continuation. */
  continuationMs: number;
  /** ms from sending DONE to the tagged reply. */
  doneMs: number;
  response: TaggedResponse;
}

/** Where the IDLE exchange broke: the server refused it, no continuation came, or no tagged reply after DONE. */
export type IdleBreak = 'refused' | 'no-continuation' | 'no-reply-after-done';

/** One command of the probe as sent (without its tag) and how long its answer took, for the cost. */
export interface SyncCommandTiming {
  command: string;
  ms: number;
}

export interface SyncEvidence {
  namespace: SyncStep<NamespaceInfo>;
  folders: SyncStep<FolderListEvidence>;
  quota: SyncStep<QuotaEvidence>;
  search: SyncStep<SearchEvidence>;
  /** A failed IDLE says where it broke in `idleBreak`. */
  idle: SyncStep<IdleEvidence>;
  idleBreak?: IdleBreak;
  /** Every command sent, in order, with its time: the probe's cost in round trips. */
  commands: SyncCommandTiming[];
  ms: number;
}

/** One extra session of --sessions: a full login on the same endpoint, held open while the next one logs in. */
export interface SessionAttempt {
  ok: boolean;
  ms: number;
  response?: TaggedResponse;
  /** An untagged BYE the server sent instead (RFC 9051 §7.1.5). */
  bye?: string;
  error?: ProbeError;
}

export interface SessionsEvidence {
  /** Sessions asked for (--sessions n), the login that worked included. */
  requested: number;
  /** Sessions that were open at once, the login that worked included. */
  opened: number;
  /** The extra logins in order; they stop at the first one that fails. */
  attempts: SessionAttempt[];
}
