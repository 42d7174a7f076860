/**
 * Catalogue: is the account healthy for sync after the login? Push (IDLE), fast resync
 * (CONDSTORE/QRESYNC), the folders apps look for (special-use), storage (quota), server-side
 * search and concurrent sessions — each judged from read-only commands, with its RFC.
 */
import { hp, str, type CatalogueEntry, type P, type ParamValue } from './types.js';
import { list } from './provider-words.js';

const pct = (p: P): string => `${str(p.percent)}%`;

/** "STORAGE 95 of 100" → with its unit where RFC 9208 defines one (STORAGE counts KiB). */
function resourceText(p: P): string {
  const unit = str(p.resource) === 'STORAGE' ? ' KiB' : str(p.resource) === 'MESSAGE' ? ' messages' : '';
  return `${str(p.resource)} ${str(p.usage)}${unit} of ${str(p.limit)}${unit} (${pct(p)})`;
}

/** The roles that have an unmarked look-alike, as role → "folder". */
function lookAlikeMap(p: P): string {
  const looks = list(p.lookAlikes);
  return list(p.missing)
    .flatMap((r, i) => (looks[i] ? [`${r} → "${looks[i]}"`] : []))
    .join(', ');
}

const plural = (n: ParamValue | undefined, one: string): string => `${str(n)} ${one}${Number(n) === 1 ? '' : 's'}`;

/** Each missing role, with the unmarked folder that looks like it. */
function missingRoles(p: P): string {
  const looks = list(p.lookAlikes);
  return list(p.missing)
    .map((r, i) => (looks[i] ? `${r} (there is an unmarked "${looks[i]}")` : r))
    .join(', ');
}

const IDLE_BREAK: Record<string, string> = {
  refused: 'the server (or something in between) refused the IDLE command',
  'no-continuation': 'IDLE was sent but the "+" continuation that starts push never came',
  'no-reply-after-done': 'IDLE started, but after DONE the tagged reply that ends it never came',
};

export const sync = {
  IDLE_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `Push works on ${hp(p)}: IDLE answered in ${str(p.continuationMs)} ms`,
    explain: (p) =>
      `IDLE was entered (continuation after ${str(p.continuationMs)} ms) and left again with DONE (tagged OK after ${str(p.doneMs)} ms), so apps are told about new mail at once.`,
    fix: () => [],
    refs: ['RFC 2177'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', continuationMs: 4, doneMs: 2 },
  },
  IDLE_NOT_SUPPORTED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${hp(p)} does not offer push (no IDLE)`,
    explain: () =>
      'After the login the server does not announce IDLE, the command that lets it tell an app about new mail at once. New mail appears only when an app asks (polls), so it arrives late on phones and in integrations, and polling costs battery and connections.',
    fix: () => [
      'In the mail app, check for new mail every few minutes (more often only costs battery and server load).',
      'Mail admin: enable IDLE (Dovecot announces it unless `imap_capability` leaves it out).',
    ],
    refs: ['RFC 2177', 'RFC 9051 §6.3.13'],
    example: { host: 'imap.example.com', port: 993, security: 'tls' },
  },
  IDLE_REJECTED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${hp(p)} announces push (IDLE) but it does not work`,
    explain: (p) =>
      `The server lists IDLE, but ${IDLE_BREAK[str(p.broke)] ?? IDLE_BREAK.refused} (${str(p.error)}). ` +
      'Apps that rely on IDLE then miss new mail until they reconnect, or hang. This is typical of a proxy, load balancer or security software that does not pass long-lived IMAP commands through.',
    fix: () => [
      'If you connect through a VPN, antivirus "mail shield" or company proxy, try once without it.',
      'Mail admin: let IMAP proxies and load balancers pass IDLE and DONE through and keep idle connections open for at least 30 minutes (RFC 9051 §5.4).',
      'Until it is fixed, set the mail app to check for new mail every few minutes instead of push.',
    ],
    refs: ['RFC 2177 §3', 'RFC 9051 §5.4'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      broke: 'no-continuation',
      error: 'no answer within the step timeout',
      timeoutMs: 8000,
    },
  },
  CONDSTORE_NOT_SUPPORTED: {
    severity: 'info',
    who: 'mail-admin',
    title: (p) => `${hp(p)} has no fast resync (no CONDSTORE/QRESYNC)`,
    explain: () =>
      'Without CONDSTORE, an app cannot ask "what changed since last time"; every device rescans the flags (read, flagged, answered) of every message on each sync, which is slow on large folders and on phones.',
    fix: () => ['Mail admin: enable CONDSTORE and QRESYNC (Dovecot has both built in; check `imap_capability`).'],
    refs: ['RFC 7162'],
    example: { host: 'imap.example.com', port: 993, security: 'tls' },
  },
  FOLDERS_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `${str(p.count)}${p.truncated === true ? '+' : ''} folders listed on ${hp(p)}`,
    explain: (p) =>
      `Namespace prefix "${str(p.prefix)}", hierarchy delimiter "${str(p.delimiter) || '(none)'}"${str(p.prefix) ? ` — folders live under "${str(p.prefix)}", so an app's "IMAP path prefix" should be empty or exactly that` : ' — no "INBOX." prefix to set in apps'}. ` +
      `Marked folders: ${list(p.roles).join(', ') || 'none'}.`,
    fix: () => [],
    refs: ['RFC 2342', 'RFC 6154'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      count: 7,
      truncated: false,
      delimiter: '/',
      prefix: '',
      namespace: true,
      via: 'list-special-use',
      roles: ['Sent=Sent', 'Drafts=Drafts', 'Trash=Trash', 'Junk=Junk', 'Archive=Archive'],
    },
  },
  SPECIAL_USE_MISSING: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `No folder is marked as ${list(p.missing).join(', ')} on ${hp(p)}`,
    explain: (p) =>
      `Mail apps find the folders for sent mail, drafts, deleted mail, spam and archive by their special-use marks${p.advertised === true ? '' : ', which this server does not offer at all'}. Missing: ${missingRoles(p)}. ` +
      'Without the mark each app guesses or creates its own folder: an unmarked "Sent Items" makes another app create "Sent", and the copies split between devices.',
    fix: (p) => [
      lookAlikeMap(p)
        ? `In each mail app, choose the existing folder for each role (${lookAlikeMap(p)}) instead of letting it create a new one.`
        : 'In each mail app, choose the same folder for each role (the same names on every device), so the apps do not each create their own.',
      'Mail admin: mark the folders (Dovecot: `mailbox "Sent Items" { special_use = \\Sent }` in the inbox namespace, and `auto = subscribe` to create missing ones).',
    ],
    refs: ['RFC 6154 §2'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      missing: ['Sent', 'Trash', 'Junk'],
      lookAlikes: ['Sent Items', '', 'Spam'],
      advertised: true,
    },
  },
  FOLDER_LIST_FAILED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${hp(p)} could not list the folders`,
    explain: (p) =>
      `${str(p.command)} failed: ${str(p.error)}. Apps cannot see or sync any folder but INBOX while this fails.`,
    fix: () => [
      'Mail admin: the server log names the error of the LIST command (often a broken folder index or a permission problem on the mail store).',
    ],
    refs: ['RFC 9051 §6.3.9'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      command: 'LIST "" "*" RETURN (SPECIAL-USE)',
      error: 'a3 NO [SERVERBUG] Internal error occurred.',
    },
  },
  FOLDERS_MANY: {
    severity: 'info',
    who: 'you',
    title: (p) => `The account has ${p.truncated === true ? 'more than ' : ''}${str(p.count)} folders`,
    explain: (p) =>
      `Apps sync folder by folder, so from ${str(p.threshold)} folders on the first sync of a new device or integration is slow and every later sync checks many folders.`,
    fix: () => [
      'Merge or archive folders you no longer use.',
      'In apps and integrations, sync only the folders you need (subscribe to fewer folders).',
    ],
    example: { count: 1450, truncated: false, threshold: 1000 },
  },
  QUOTA_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `Storage on ${hp(p)}: ${resourceText(p)}`,
    explain: (p) => `The quota of INBOX ("${str(p.root)}"): ${list(p.resources).join('; ')}.`,
    fix: () => [],
    refs: ['RFC 9208'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      root: 'User quota',
      resource: 'STORAGE',
      usage: 812000,
      limit: 15728640,
      percent: 5,
      resources: ['STORAGE 812000 of 15728640 (5%)'],
    },
  },
  QUOTA_NEARLY_FULL: {
    severity: 'warning',
    who: 'you',
    title: (p) => `The mailbox is nearly full: ${resourceText(p)}`,
    explain: (p) =>
      `The quota of INBOX ("${str(p.root)}") is ${pct(p)} used (${list(p.resources).join('; ')}). Once it is full, new mail bounces or is delayed and apps fail to store copies of sent mail.${p.storageLimit ? ` ${str(p.storageLimit)}` : ''}`,
    fix: () => [
      'Delete large old messages and empty the Trash (deleted mail counts until the Trash is emptied).',
      'Or buy more storage from the provider, or ask the mail admin for a larger quota.',
    ],
    refs: ['RFC 9208 §5.1'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      root: 'User quota',
      resource: 'STORAGE',
      usage: 95,
      limit: 100,
      percent: 95,
      resources: ['STORAGE 95 of 100 (95%)'],
    },
  },
  QUOTA_EXCEEDED: {
    severity: 'error',
    who: 'you',
    title: (p) => `The mailbox is full: ${resourceText(p)}`,
    explain: (p) =>
      `The quota of INBOX ("${str(p.root)}") is used up (${list(p.resources).join('; ')}). New mail now bounces or is delayed by the sending servers, and apps fail to store copies of sent mail (the Sent folder) and drafts.${p.storageLimit ? ` ${str(p.storageLimit)}` : ''}`,
    fix: () => [
      'Delete large old messages and empty the Trash now (deleted mail counts until the Trash is emptied); then ask senders to resend what bounced.',
      'Or buy more storage from the provider, or ask the mail admin for a larger quota.',
    ],
    refs: ['RFC 9208 §5.1', 'RFC 5530 OVERQUOTA'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      root: 'User quota',
      resource: 'STORAGE',
      usage: 101,
      limit: 100,
      percent: 101,
      resources: ['STORAGE 101 of 100 (101%)'],
    },
  },
  SEARCH_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) =>
      `Server-side search works on ${hp(p)}: ${plural(p.count, 'message')} since ${str(p.since)} in ${str(p.ms)} ms`,
    explain: (p) =>
      `${str(p.command)} on INBOX answered in ${str(p.ms)} ms${p.via === 'esearch' ? ' (ESEARCH: only the count came back)' : ''}.`,
    fix: () => [],
    refs: ['RFC 9051 §6.4.4', 'RFC 4731'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      count: 42,
      ms: 12,
      since: '28-Nov-2026',
      via: 'esearch',
      command: 'UID SEARCH RETURN (COUNT) SINCE 28-Nov-2026',
    },
  },
  SEARCH_FAILED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `Server-side search failed on ${hp(p)}`,
    explain: (p) =>
      `${str(p.command)} on INBOX failed: ${str(p.error)}. Apps that search on the server (phones, webmail-like clients, integrations) then find nothing.`,
    fix: () => [
      'Mail admin: check the search backend and its indexes (Dovecot: the fts plugin and `doveadm fts rescan`), and the server log for the SEARCH error.',
    ],
    refs: ['RFC 9051 §6.4.4'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      command: 'UID SEARCH SINCE 28-Nov-2026',
      error: 'a5 NO [SERVERBUG] Search failed',
    },
  },
  SESSIONS_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `${str(p.opened)} sessions were open at once on ${hp(p)}`,
    explain: (p) =>
      `All ${str(p.requested)} logins asked for with --sessions worked at the same time, so that many devices and integrations can stay connected together.`,
    fix: () => [],
    example: { host: 'imap.example.com', port: 993, security: 'tls', requested: 5, opened: 5 },
  },
  SESSION_LIMIT_LOW: {
    severity: 'warning',
    who: 'you',
    title: (p) => `Only ${str(p.opened)} of ${str(p.requested)} sessions could be open at once on ${hp(p)}`,
    explain: (p) =>
      `Login number ${Number(p.opened) + 1} was refused while the others were still open${p.response ? `: "${str(p.response)}"` : ''}. ` +
      'Every phone, computer and integration keeps at least one connection (apps often several), so one more device or a CRM sync fails to connect, at random, while the others stay online.' +
      (p.sessionLimit ? ` ${str(p.sessionLimit)}` : ''),
    fix: () => [
      'Close mail apps and integrations you no longer use, and limit each app to fewer connections where it has that setting.',
      "Give integrations (CRM, helpdesk) their own account, or the provider's API where there is one.",
      'Mail admin: raise the per-user limit (Dovecot: `mail_max_userip_connections`, 10 by default, counts per user and IP address).',
    ],
    refs: ['RFC 5530 LIMIT'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      requested: 5,
      opened: 3,
      response: 'a1 NO [LIMIT] Maximum number of connections from user+IP exceeded (mail_max_userip_connections=3)',
    },
  },
} satisfies Record<string, CatalogueEntry>;
