/**
 * The evidence corpus: real runs of the CLI against the lab (Dovecot, hostile fakes, loopback DNS
 * and HTTPS), saved with --save-evidence into test/corpus/<name>.evidence.json by
 * `npm run corpus`, then re-judged by test/unit/report/judge.corpus.test.ts on every `npm test` without any
 * server. Each scenario says what the run must conclude; the script refuses to save one that
 * does not, and the test holds today's checks to it. Pairs are before/after runs for `diff`.
 */
import type { Zone } from '../servers/dns-server.js';
import type { FakeMode, FakeScript } from '../servers/fake-imap.js';
import { scripts } from '../servers/fake-imap.js';
import { autoconfigXml, type Route } from '../servers/https-server.js';
import type { LabInfo } from '../servers/lab.js';
import type { MaildirSpec, MessageSpec } from '../servers/maildir.js';

/** What a scenario's arguments can refer to once the servers are up. */
export interface World {
  lab: LabInfo;
  /** Port of this scenario's fake server, when it has one. */
  fakePort?: number;
  /** The loopback DNS server (ip:port) and HTTPS server address, for discovery scenarios. */
  dns?: string;
  webIp?: string;
}

export interface CorpusScenario {
  name: string;
  /** Login with the lab password (default), or without any password. */
  password?: false;
  fake?: { mode: FakeMode; script: () => FakeScript; tls?: boolean };
  /** Discovery from the address alone: the DNS zone and the HTTPS routes (webIp fills them). */
  discovery?: (webIp: string, good: string) => { zone: Zone; routes: Route[] };
  args: (w: World) => string[];
  /** A lab user's mailbox to fill before the run (sync scenarios: each its own user). */
  mailbox?: { user: (lab: LabInfo) => string; spec: MaildirSpec };
  /** What the run must conclude: its exit code and its first error finding (null: none). */
  exit: number;
  firstError: string | null;
}

const T = '1500';
const D = 'example.test';

/** The lab host name pinned to one lab address, trusting the lab CA. */
function pinned(w: World, ip: keyof LabInfo['hosts'], ...more: string[]): string[] {
  const lab = w.lab;
  return [lab.users.alice, '--host', lab.hostname, '--resolve', `${lab.hostname}=${String(lab.hosts[ip])}`, '--ca-file', lab.certs.ca.crt, '--timeout', T, ...more];
}

function fakeArgs(w: World, security: string): string[] {
  return [w.lab.users.alice, '--host', w.lab.hosts.good, '--port', String(w.fakePort), '--security', security, '--ca-file', w.lab.certs.ca.crt, '--timeout', '800'];
}

/** A sync scenario: a lab user of the sync instances with its own mailbox, on 993. */
function sync(name: string, user: keyof LabInfo['syncUsers'], host: keyof LabInfo['hosts'], spec: MaildirSpec, o: { exit: number; firstError: string | null; more?: string[] }): CorpusScenario {
  return {
    name,
    mailbox: { user: (lab) => lab.syncUsers[user], spec },
    args: (w) => [w.lab.syncUsers[user], ...pinned(w, host, '--port', '993', ...(o.more ?? [])).slice(1)],
    exit: o.exit,
    firstError: o.firstError,
  };
}
const mails = (n: number, bytes: number): MessageSpec[] => Array.from({ length: n }, (_, i) => ({ bytes, where: i % 2 ? 'cur' : 'new', flags: 'S', daysAgo: 1 }));

const tlsCert = (code: string, host: keyof LabInfo['hosts'], name: string): CorpusScenario => ({ name, args: (w) => pinned(w, host, '--port', '993'), exit: 1, firstError: code });

export const SCENARIOS: CorpusScenario[] = [
  { name: 'healthy', args: (w) => pinned(w, 'good'), exit: 0, firstError: null },
  { name: 'healthy-993', args: (w) => pinned(w, 'good', '--port', '993'), exit: 0, firstError: null },
  { name: 'healthy-993-transcript', args: (w) => pinned(w, 'good', '--port', '993', '--transcript'), exit: 0, firstError: null },
  { name: 'starttls-143', args: (w) => pinned(w, 'good', '--port', '143', '--security', 'starttls'), exit: 0, firstError: null },
  { name: 'no-login', args: (w) => pinned(w, 'good', '--no-login'), exit: 0, firstError: null },
  { name: 'no-password', password: false, args: (w) => pinned(w, 'good', '--port', '993'), exit: 0, firstError: null },
  { name: 'wrong-password', args: (w) => [...pinned(w, 'good'), '--user', w.lab.users.other], exit: 1, firstError: 'AUTH_FAILED' },
  { name: 'wrong-password-redacted', args: (w) => [...pinned(w, 'good', '--redact'), '--user', w.lab.users.other], exit: 1, firstError: 'AUTH_FAILED' },
  { name: 'locked-account', args: (w) => [w.lab.users.locked, ...pinned(w, 'good', '--port', '993').slice(1)], exit: 1, firstError: 'ACCOUNT_LOCKED_OR_RATE_LIMITED' },
  { name: 'disabled-account', args: (w) => [w.lab.users.disabled, ...pinned(w, 'good', '--port', '993').slice(1)], exit: 1, firstError: 'IMAP_DISABLED_BY_ADMIN' },
  { name: 'temporary-failure', args: (w) => pinned(w, 'tempfail', '--port', '993'), exit: 1, firstError: 'AUTH_TEMPORARY_FAILURE' },
  tlsCert('TLS_CERT_EXPIRED', 'expired', 'expired'),
  tlsCert('TLS_HOSTNAME_MISMATCH', 'wrongName', 'wrong-name'),
  tlsCert('TLS_SELF_SIGNED', 'selfSigned', 'self-signed'),
  tlsCert('TLS_UNTRUSTED_ISSUER', 'unknownCa', 'unknown-ca'),
  tlsCert('TLS_CHAIN_INCOMPLETE', 'chainIncomplete', 'chain-incomplete'),
  tlsCert('TLS_CERT_NOT_YET_VALID', 'notYetValid', 'not-yet-valid'),
  tlsCert('TLS_PROTOCOL_TOO_OLD', 'tls10', 'tls10-only'),
  tlsCert('TLS_INTERCEPTED', 'intercepted', 'intercepted'),
  { name: 'expiring-soon', args: (w) => pinned(w, 'expiringSoon', '--port', '993'), exit: 0, firstError: null },
  { name: 'login-disabled-plain', args: (w) => pinned(w, 'loginDisabled', '--port', '143', '--security', 'plain'), exit: 1, firstError: 'AUTH_TLS_REQUIRED' },
  { name: 'tls-on-143', args: (w) => pinned(w, 'good', '--port', '143', '--security', 'tls'), exit: 1, firstError: 'TLS_ON_PLAINTEXT_PORT' },
  { name: 'plaintext-on-993', args: (w) => pinned(w, 'good', '--port', '993', '--security', 'starttls'), exit: 1, firstError: 'PLAINTEXT_ON_TLS_PORT' },
  { name: 'closed-port', args: (w) => pinned(w, 'good', '--port', '1', '--security', 'tls'), exit: 1, firstError: 'TCP_REFUSED' },
  { name: 'silent-server', fake: { mode: 'plain', script: scripts.silent }, args: (w) => fakeArgs(w, 'starttls'), exit: 1, firstError: 'GREETING_TIMEOUT' },
  { name: 'bye-greeting', fake: { mode: 'tls', script: scripts.bye, tls: true }, args: (w) => fakeArgs(w, 'tls'), exit: 1, firstError: 'GREETING_BYE' },
  { name: 'smtp-banner', fake: { mode: 'plain', script: () => scripts.banner('220 mail.example.test ESMTP Postfix') }, args: (w) => fakeArgs(w, 'starttls'), exit: 1, firstError: 'GREETING_NOT_IMAP' },
  { name: 'starttls-injection', fake: { mode: 'starttls', script: () => scripts.starttlsInjection(), tls: true }, args: (w) => fakeArgs(w, 'starttls'), exit: 1, firstError: 'STARTTLS_INJECTION' },
  { name: 'starttls-refused', fake: { mode: 'starttls', script: () => scripts.starttlsRefused(), tls: true }, args: (w) => fakeArgs(w, 'starttls'), exit: 1, firstError: 'STARTTLS_REJECTED' },
  sync('sync-healthy-sessions', 'healthy', 'good', { inbox: mails(3, 2000) }, { exit: 0, firstError: null, more: ['--sessions', '3'] }),
  sync('sync-quota-exceeded', 'quota101', 'sync', { inbox: mails(4, 25 * 1024 + 256) }, { exit: 1, firstError: 'QUOTA_EXCEEDED' }),
  sync('sync-quota-nearly-full', 'quota95', 'sync', { inbox: mails(5, 19 * 1024) }, { exit: 0, firstError: null }),
  sync('sync-plain-folders', 'plain', 'sync', { inbox: mails(1, 1000), folders: { Sent: mails(1, 1000), Drafts: [] } }, { exit: 0, firstError: null }),
  sync('sync-session-limit', 'sessions', 'sync', { inbox: mails(1, 1000) }, { exit: 0, firstError: null, more: ['--sessions', '5'] }),
  sync('sync-no-idle-no-condstore', 'minimal', 'minimal', { inbox: mails(1, 1000) }, { exit: 0, firstError: null }),
  {
    name: 'discovery-autoconfig',
    discovery: (webIp, good) => ({
      zone: { [D]: {}, [`imap.${D}`]: { A: [good] }, [`autoconfig.${D}`]: { A: [webIp] } },
      routes: [{ scheme: 'https', host: `autoconfig.${D}`, path: '/mail/config-v1.1.xml', body: autoconfigXml(D, [['imap', `imap.${D}`, 993, 'SSL']]) }],
    }),
    args: (w) => [w.lab.users.alice, '--dns', String(w.dns), '--no-ispdb', '--ca-file', w.lab.certs.ca.crt, '--timeout', T],
    exit: 0,
    firstError: null,
  },
];

export interface CorpusPair {
  before: string;
  after: string;
  /** diff must call "after" worse (exit 1). */
  worse: boolean;
  gone?: string[];
  appeared?: string[];
  nowWorking?: string[];
  stoppedWorking?: string[];
}

const E993 = 'imap.example.test:993/tls';

export const PAIRS: CorpusPair[] = [
  { before: 'expired', after: 'healthy-993', worse: false, gone: ['TLS_CERT_EXPIRED'], nowWorking: [E993] },
  { before: 'healthy-993', after: 'expired', worse: true, appeared: ['TLS_CERT_EXPIRED'], stoppedWorking: [E993] },
  { before: 'expired', after: 'wrong-name', worse: true, gone: ['TLS_CERT_EXPIRED'], appeared: ['TLS_HOSTNAME_MISMATCH'] },
  { before: 'wrong-password', after: 'healthy', worse: false, gone: ['AUTH_FAILED'], nowWorking: [E993, 'imap.example.test:143/starttls'] },
  { before: 'healthy-993', after: 'expiring-soon', worse: true, appeared: ['TLS_CERT_EXPIRING_SOON'] },
  { before: 'healthy-993', after: 'healthy-993-transcript', worse: false },
  { before: 'sync-quota-nearly-full', after: 'sync-quota-exceeded', worse: true, gone: ['QUOTA_NEARLY_FULL'], appeared: ['QUOTA_EXCEEDED'] },
];
