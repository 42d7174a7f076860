/**
 * The read-only commands the doctor may send after a login, as data: a command is a verb and
 * arguments (atoms, quoted strings, parenthesised lists), serialised the same way by every
 * transport. `assertReadOnly` is the allow-list every transport applies before anything reaches
 * the wire: CAPABILITY, ID, NAMESPACE, EXAMINE, STATUS, LIST, XLIST, GETQUOTAROOT, SEARCH and
 * UID SEARCH, IDLE, NOOP, LOGOUT — nothing that selects for writing, stores, appends, copies,
 * moves, expunges, creates, deletes, renames or subscribes. Pure.
 */
import type { SyncSkip } from '../../model/sync.js';

/** An atom, a quoted string, or a parenthesised list (RFC 9051 §4). */
export type Arg = string | { quoted: string } | readonly Arg[];

export interface WireCommand {
  /** The command name: one word, or UID followed by one (UID SEARCH). */
  verb: string;
  args: readonly Arg[];
}

/** Commands that change nothing on the server (RFC 9051 §6): the only ones the sync probe may send. */
export const READ_ONLY_VERBS: ReadonlySet<string> = new Set([
  'CAPABILITY',
  'ID',
  'NAMESPACE',
  'EXAMINE',
  'STATUS',
  'LIST',
  'XLIST',
  'GETQUOTAROOT',
  'SEARCH',
  'UID SEARCH',
  'IDLE',
  'NOOP',
  'LOGOUT',
]);

export class ReadOnlyViolation extends Error {
  constructor(what: string) {
    super(`refused to send ${what}: only read-only commands are allowed after the login`);
    this.name = 'ReadOnlyViolation';
  }
}

const ATOM = /^[!#$&'+,./0-9:;<=>?@A-Z^_`a-z|}~\\*%-]+$/;

function checkArg(a: Arg): void {
  if (typeof a === 'string') {
    if (!ATOM.test(a))
      throw new ReadOnlyViolation(`an argument that is not an atom (${JSON.stringify(a.slice(0, 40))})`);
  } else if (Array.isArray(a)) {
    (a as readonly Arg[]).forEach(checkArg);
  } else if (/[\r\n\0]/.test((a as { quoted: string }).quoted)) {
    throw new ReadOnlyViolation('a quoted string with a line break');
  }
}

/** Throws unless the command is on the allow-list and no argument could smuggle in another command. */
export function assertReadOnly(c: WireCommand): void {
  const verb = c.verb.toUpperCase().replace(/\s+/g, ' ').trim();
  if (!READ_ONLY_VERBS.has(verb) || verb !== c.verb) throw new ReadOnlyViolation(JSON.stringify(c.verb.slice(0, 40)));
  c.args.forEach(checkArg);
}

function argText(a: Arg): string {
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return `(${(a as readonly Arg[]).map(argText).join(' ')})`;
  return `"${(a as { quoted: string }).quoted.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

/** The command line without its tag, as it goes on the wire (and into the evidence's timings). */
export function commandText(c: WireCommand): string {
  return [c.verb, ...c.args.map(argText)].join(' ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An IMAP date (RFC 9051 §9 date-text: 5-Dec-2026), in UTC. */
export function imapDate(d: Date): string {
  return `${d.getUTCDate()}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
}

/** Capability names implied by IMAP4rev2 (RFC 9051 Appendix E): a rev2 server has them all. */
const IN_REV2 = new Set([
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'ESEARCH',
  'MOVE',
  'SPECIAL-USE',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'ENABLE',
  'UNSELECT',
  'SASL-IR',
  'BINARY',
  'SEARCHRES',
  'LITERAL-',
]);

/** Does the server offer this capability (a QUOTA=RES-* form counts as QUOTA; IMAP4rev2 implies its base set)? */
export function offers(caps: readonly string[], name: string): boolean {
  const up = caps.map((c) => c.toUpperCase());
  const n = name.toUpperCase();
  if (up.includes(n)) return true;
  if (n === 'QUOTA' && up.some((c) => c.startsWith('QUOTA=RES-'))) return true;
  if (n === 'CONDSTORE' && up.includes('QRESYNC')) return true;
  return up.includes('IMAP4REV2') && IN_REV2.has(n);
}

export type Planned<T> = T | { skip: SyncSkip };

export interface SyncPlan {
  namespace: Planned<{ command: WireCommand }>;
  folders: { command: WireCommand; via: 'list-special-use' | 'xlist' | 'list' };
  quota: Planned<{ command: WireCommand }>;
  search: Planned<{ command: WireCommand; via: 'esearch' | 'search'; since: string }>;
  idle: Planned<{ command: WireCommand }>;
}

function foldersCommand(caps: readonly string[]): SyncPlan['folders'] {
  const args: Arg[] = [{ quoted: '' }, { quoted: '*' }];
  if (offers(caps, 'SPECIAL-USE') && offers(caps, 'LIST-EXTENDED'))
    return { command: { verb: 'LIST', args: [...args, 'RETURN', ['SPECIAL-USE']] }, via: 'list-special-use' };
  if (!offers(caps, 'SPECIAL-USE') && offers(caps, 'XLIST')) return { command: { verb: 'XLIST', args }, via: 'xlist' };
  return { command: { verb: 'LIST', args }, via: 'list' };
}

/**
 * What to send after a login, from the capabilities the server announced once logged in: NAMESPACE
 * (RFC 2342); LIST "" "*" RETURN (SPECIAL-USE) (RFC 6154 §5.1, RFC 5258), else XLIST where only that
 * exists, else a plain LIST; GETQUOTAROOT INBOX (RFC 9208 §4.3); one UID SEARCH SINCE a week ago,
 * as ESEARCH RETURN (COUNT) where offered (RFC 4731); IDLE last (RFC 2177). SEARCH and IDLE need
 * INBOX open (EXAMINE); what is not sent says why.
 */
export function syncPlan(caps: readonly string[], o: { mailboxOpen: boolean; now: Date }): SyncPlan {
  const since = imapDate(new Date(o.now.getTime() - 7 * 86_400_000));
  const esearch = offers(caps, 'ESEARCH');
  const noMailbox = { skip: 'no-mailbox' as const };
  const notAdvertised = { skip: 'not-advertised' as const };
  return {
    namespace: offers(caps, 'NAMESPACE') ? { command: { verb: 'NAMESPACE', args: [] } } : notAdvertised,
    folders: foldersCommand(caps),
    quota: offers(caps, 'QUOTA') ? { command: { verb: 'GETQUOTAROOT', args: ['INBOX'] } } : notAdvertised,
    search: !o.mailboxOpen
      ? noMailbox
      : {
          command: { verb: 'UID SEARCH', args: esearch ? ['RETURN', ['COUNT'], 'SINCE', since] : ['SINCE', since] },
          via: esearch ? 'esearch' : 'search',
          since,
        },
    idle: !offers(caps, 'IDLE') ? notAdvertised : !o.mailboxOpen ? noMailbox : { command: { verb: 'IDLE', args: [] } },
  };
}
