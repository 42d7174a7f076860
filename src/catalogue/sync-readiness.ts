/**
 * Catalogue: the words of the "Sync readiness" table and of "For apps and integrations" — what
 * each capability gives a mail app (with its RFC), and the advice for a third-party tool from the
 * judged data (login method, push or poll interval, incremental sync, session headroom).
 */
import type { IntegrationsReport } from '../model/report.js';

export interface SyncCapabilityText {
  name: string;
  rfc: string;
  /** What it gives an app, in a few words. */
  gives: string;
}

/** The capabilities that decide sync quality, in table order. */
export const SYNC_CAPABILITIES: readonly SyncCapabilityText[] = [
  { name: 'IDLE', rfc: 'RFC 2177', gives: 'push: new mail shows up at once' },
  { name: 'CONDSTORE', rfc: 'RFC 7162', gives: 'resync only what changed (flags)' },
  { name: 'QRESYNC', rfc: 'RFC 7162', gives: 'resync changes and deletions in one step' },
  { name: 'UIDPLUS', rfc: 'RFC 4315', gives: 'apps learn the id of what they store' },
  { name: 'MOVE', rfc: 'RFC 6851', gives: 'moving mail is one safe step' },
  { name: 'SPECIAL-USE', rfc: 'RFC 6154', gives: 'apps find Sent, Drafts, Trash, Junk, Archive' },
  { name: 'LIST-STATUS', rfc: 'RFC 5819', gives: 'all folder counts in one command' },
  { name: 'ESEARCH', rfc: 'RFC 4731', gives: 'compact search results' },
  { name: 'UTF8=ACCEPT', rfc: 'RFC 6855', gives: 'international addresses and folder names' },
  { name: 'COMPRESS=DEFLATE', rfc: 'RFC 4978', gives: 'less data on slow links' },
  { name: 'NOTIFY', rfc: 'RFC 5465', gives: 'push for every folder, not only one' },
  { name: 'QUOTA', rfc: 'RFC 9208', gives: 'apps can show how full the mailbox is' },
];

const LOGIN_WORDS: Record<IntegrationsReport['login']['method'], string> = {
  password: "the account's password",
  'app-password': 'an app password (the normal password is refused)',
  'app-password-if-2fa': 'the password, or an app password once two-step sign-in is on',
  oauth: 'OAuth 2 sign-in (XOAUTH2/OAUTHBEARER); passwords are refused',
  'authorization-code': 'an authorization code from the web settings instead of the password',
  bridge: 'a local bridge program with its own password',
};

/** The four lines of "For apps and integrations", keyed by topic. */
export function integrationAdvice(i: IntegrationsReport): Array<[string, string]> {
  const login =
    i.login.from === 'provider'
      ? `${i.login.provider ?? 'The provider'} requires ${LOGIN_WORDS[i.login.method]}.`
      : `${LOGIN_WORDS[i.login.method].replace(/^\w/, (c) => c.toUpperCase())} worked here${i.login.mechanism ? ` (${i.login.mechanism})` : ''}; no provider rule is known for this server.`;
  const push =
    i.push === 'idle'
      ? 'IDLE works: keep one connection idling on INBOX and re-issue IDLE at least every 29 minutes (RFC 2177 §3).'
      : `${i.push === 'idle-broken' ? 'IDLE is announced but broken' : 'No IDLE'}: poll instead, e.g. every 5 to 15 minutes with NOOP or STATUS on one open connection (a connection idle longer than 30 minutes may be dropped, RFC 9051 §5.4).`;
  const resync =
    i.incremental === 'qresync'
      ? 'QRESYNC: after a pause, one SELECT … QRESYNC brings changed flags and deleted messages; store HIGHESTMODSEQ and UIDVALIDITY per folder.'
      : i.incremental === 'condstore'
        ? 'CONDSTORE only: fetch changes with CHANGEDSINCE, but find deleted messages by comparing the UID list.'
        : 'No CONDSTORE/QRESYNC: every sync must rescan the flags and UIDs of every message it keeps.';
  const sessions =
    i.sessions === 'not-tested'
      ? 'Not tested: run with --sessions <n> to see whether n sessions fit at once.'
      : i.sessions === 'ok'
        ? 'Every session asked for with --sessions opened at once.'
        : 'Fewer sessions than asked for could be open at once: give the integration its own account or close unused apps.';
  return [
    ['Login', login],
    ['Push', push],
    ['Resync', resync],
    ['Sessions', sessions],
  ];
}
