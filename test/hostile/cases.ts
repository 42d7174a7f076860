/**
 * The hostile matrix, shared by the end-to-end test (test/e2e/hostile.test.ts asserts behaviour) and
 * the bench (bench/robustness.ts measures wall time and peak RSS): each case starts the misbehaving
 * server it needs (a fake only where no real server behaves so), names the CLI arguments, the finding
 * codes the report must hold, and says afterwards what the doctor sent it.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Report } from '../../src/model/report.js';
import { LIMITS } from '../../src/limits.js';
import { probeErrorText } from '../../src/catalogue/probe-why.js';
import { paccTxtName, paccUrl } from '../../src/discovery/pacc.js';
import { uaacTxt } from '../../src/discovery/parse-pacc.js';
import { startDnsServer, type DnsTestServer } from '../servers/dns-server.js';
import {
  scripts,
  startFakeImap,
  type FakeImapServer,
  type HandlersScript,
  type ReplyLine,
} from '../servers/fake-imap.js';
import { autoconfigXml, type HttpsTestServer } from '../servers/https-server.js';
import { startTcpServer } from '../servers/tcp-server.js';
import type { LabInfo } from '../servers/lab.js';

export const D = 'example.test';
const HOST = `imap.${D}`;
/** Every case runs with these bounds; "ends within --deadline + 1 s" is measured against DEADLINE_MS. */
export const TIMEOUT_MS = 1000;
export const DEADLINE_MS = 6000;

export interface HostileEnv {
  lab: LabInfo;
  /** Shared loopback DNS server: zone and knobs are set by each case. */
  dns: DnsTestServer;
  /** Shared HTTPS/HTTP server (127.77.x.y:443/80): routes are set by each case. */
  web: HttpsTestServer;
  /** The password of the cases that log in: a canary no output may hold. */
  password: string;
}

export interface CaseRun {
  args: string[];
  env?: Record<string, string>;
  /** What the doctor sent the hostile server, in a few words. */
  sent(): string;
  close(): Promise<void>;
}

export interface HostileCase {
  id: string;
  group: 'IMAP' | 'HTTP' | 'DNS' | 'steering';
  what: string;
  /** Finding codes the report must hold. */
  expect: string[];
  /** More about the report (throws when it is wrong). */
  check?: (r: Report) => void;
  setup(h: HostileEnv): Promise<CaseRun>;
}

const bounds = ['--timeout', String(TIMEOUT_MS), '--deadline', String(DEADLINE_MS)];

/** The CLI arguments for a run against one server named by the user, pinned to 127.0.0.1. */
function hostArgs(h: HostileEnv, port: number, security: 'tls' | 'starttls', login = false): string[] {
  return [
    `alice@${D}`,
    '--host',
    HOST,
    '--resolve',
    `${HOST}=127.0.0.1`,
    '--port',
    String(port),
    '--security',
    security,
    '--ca-file',
    h.lab.certs.ca.crt,
    ...(login ? [] : ['--no-login']),
    ...bounds,
  ];
}

/** The CLI arguments for discovery through the shared DNS server, without the ISPDB. */
function discoveryArgs(h: HostileEnv): string[] {
  return [`alice@${D}`, '--dns', h.dns.address, '--no-ispdb', '--ca-file', h.lab.certs.ca.crt, '--no-login', ...bounds];
}

function commandsOf(f: FakeImapServer): string {
  const names = f.commands.map((c) => c.name);
  return names.length === 0
    ? `${f.connections()} connection(s), no command`
    : `${f.connections()} connection(s): ${[...new Set(names)].join(', ')}`;
}

async function fake(
  h: HostileEnv,
  mode: 'plain' | 'tls',
  script: Parameters<typeof startFakeImap>[0]['script'],
): Promise<FakeImapServer> {
  return startFakeImap({
    host: '127.0.0.1',
    port: 0,
    mode,
    script,
    ...(mode === 'tls' ? { cert: h.lab.certs.good.crt, key: h.lab.certs.good.key } : {}),
  });
}

/** One IMAP case against a scripted fake. */
function imapCase(
  id: string,
  what: string,
  expect: string[],
  security: 'tls' | 'starttls',
  script: () => Parameters<typeof startFakeImap>[0]['script'],
  more: Partial<HostileCase> = {},
  login = false,
): HostileCase {
  return {
    id,
    group: 'IMAP',
    what,
    expect,
    ...more,
    setup: async (h) => {
      const f = await fake(h, security === 'tls' ? 'tls' : 'plain', script());
      return {
        args: hostArgs(h, f.port, security, login),
        ...(login ? { env: { IMAP_DOCTOR_PASSWORD: h.password } } : {}),
        sent: () => commandsOf(f),
        close: () => f.close(),
      };
    },
  };
}

/** Folders the sync-flood case lists: more than LIMITS.syncUntaggedLines keeps. */
const SYNC_FOLDERS = LIMITS.syncUntaggedLines + 1000;
/** imapflow reads some 5,000–10,000 untagged responses a second: the flood's LIST gets a --timeout (and --deadline) it can finish in under load. */
const SYNC_BOUNDS = ['--timeout', '8000', '--deadline', '20000'];
/** Terminal escapes a folder name could carry: clear screen, OSC 52 (write the clipboard), C1 CSI, a right-to-left override. */
const NAME_ESCAPES = '\x1b[2J\x1b]52;c;cHduZWQ=\x07\u009b31m\u202e';

/** A logged-in server whose sync answers are as large and as hostile as they can be while valid. */
function syncFlood(): HandlersScript['replies'] {
  const caps = 'IMAP4rev1 NAMESPACE SPECIAL-USE LIST-EXTENDED QUOTA';
  const half = (p: string) => p.slice(0, Math.ceil(p.length / 2) + 1);
  return {
    AUTHENTICATE: [`OK [CAPABILITY ${caps}] Logged in`],
    CAPABILITY: [`* CAPABILITY ${caps}`, 'OK done'],
    LIST: (c, ctx): ReplyLine[] => {
      // imapflow's own LIST before EXAMINE names INBOX; the sync probe's asks for "*".
      if (!c.args.includes('*')) return ['* LIST () "/" INBOX', 'OK done'];
      const p = ctx.credentials?.pass ?? '';
      const folder = (i: number) => `* LIST (\\HasNoChildren \\Archive) "/" "Archive ${i}${NAME_ESCAPES}"`;
      return [
        `* LIST (\\Sent) "/" "Sent ${p}"`,
        `* LIST (\\Drafts) "/" "Drafts ${half(p).toUpperCase()}"`,
        ...Array.from({ length: SYNC_FOLDERS }, (_, i) => folder(i)),
        `OK LIST done, ${half(p)}`,
      ];
    },
    GETQUOTAROOT: (_c, ctx): ReplyLine[] => {
      const roots = Array.from({ length: 2000 }, (_, i) => `r${i}${ctx.credentials?.pass ?? ''}`);
      return [
        `* QUOTAROOT INBOX ${roots.join(' ')}`,
        ...roots.map((r) => `* QUOTA ${r} (STORAGE 1 100 MESSAGE 1 100)`),
        'OK done',
      ];
    },
    UID: (_c, ctx): ReplyLine[] => ['* SEARCH 1 2 3', `OK searched ${(ctx.credentials?.pass ?? '').toUpperCase()}`],
  };
}

/** The sync evidence stayed within its bounds (LIMITS.syncUntaggedLines lines kept, LIMITS.syncFolders folders, LIMITS.syncItems of each list), the secret and the escapes out of it. */
function syncFloodBounded(r: Report): void {
  const sync = r.sync?.probe;
  if (sync?.folders.state !== 'ok') throw new Error(`the LIST was not read: ${JSON.stringify(sync?.folders)}`);
  const f = sync.folders.value;
  if (!f.truncated || f.count > LIMITS.syncUntaggedLines || f.folders.length !== LIMITS.syncFolders)
    throw new Error(`folders not bounded: ${JSON.stringify({ ...f, folders: f.folders.length })}`);
  if (
    sync.quota.state !== 'ok' ||
    sync.quota.value.roots.length !== LIMITS.syncItems ||
    sync.quota.value.quotas.length !== LIMITS.syncItems
  )
    throw new Error(`quota not bounded: ${JSON.stringify(sync.quota).slice(0, 300)}`);
  // The password's pieces (in folder names, quota roots, replies) are masked or their text hidden.
  if (/hostile-[0-9a-f]{4}/i.test(JSON.stringify(sync)))
    throw new Error('a piece of the password in the sync evidence');
  // The probe turns C0 controls into ?; C1 and bidi controls stay in the evidence (JSON escapes them, the renderers make them visible).
  if (!f.folders.some((x) => x.name.includes('?]52;c;') && x.name.includes('\u009b31m\u202e')))
    throw new Error(`folder names: ${JSON.stringify(f.folders[5])}`);
}

/** The case with more CLI arguments after its own (a later --timeout wins). */
function withArgs(extra: string[], c: HostileCase): HostileCase {
  return {
    ...c,
    setup: async (h) => {
      const run = await c.setup(h);
      return { ...run, args: [...run.args, ...extra] };
    },
  };
}

/** Plain-HTTP autoconfig (http://autoconfig.D/mail/config-v1.1.xml) answering with `route`. */
type HostileRoute = Omit<import('../servers/https-server.js').Route, 'host' | 'path'>;

function httpCase(
  id: string,
  what: string,
  expect: string[],
  route: HostileRoute | (() => HostileRoute),
  more: Partial<HostileCase> = {},
): HostileCase {
  return {
    id,
    group: 'HTTP',
    what,
    expect,
    ...more,
    setup: async (h) => {
      h.dns.zone = { [D]: {}, [`autoconfig.${D}`]: { A: [h.web.ip] } };
      h.web.routes = [
        {
          scheme: 'http',
          host: `autoconfig.${D}`,
          path: '/mail/config-v1.1.xml',
          ...(typeof route === 'function' ? route() : route),
        },
      ];
      h.web.clearLog();
      return {
        args: discoveryArgs(h),
        sent: () =>
          `${h.web.requests.length} request(s): ${[...new Set(h.web.requests.map((r) => `${r.method} ${r.scheme}://${r.host}${r.path}`))].join(', ')}`,
        close: async () => {},
      };
    },
  };
}

/** DNS for the user's --host through the shared server with `knobs`, or a server of its own. */
function dnsCase(
  id: string,
  what: string,
  expect: string[],
  zone: (h: HostileEnv) => Record<string, object>,
  knobs: Parameters<DnsTestServer['set']>[0] = {},
  more: Partial<HostileCase> & { udpOnly?: boolean; host?: string } = {},
): HostileCase {
  return {
    id,
    group: 'DNS',
    what,
    expect,
    ...more,
    setup: async (h) => {
      const own = more.udpOnly ? await startDnsServer({ tcp: false }) : null;
      const dns = own ?? h.dns;
      dns.reset();
      dns.zone = zone(h);
      dns.set(knobs);
      return {
        args: [
          `alice@${D}`,
          '--host',
          more.host ?? HOST,
          '--dns',
          dns.address,
          '--port',
          '993',
          '--security',
          'tls',
          '--no-login',
          ...bounds,
        ],
        sent: () =>
          `${dns.queries.length} DNS queries (${[...new Set(dns.queries.map((q) => `${q.type}/${q.transport}`))].join(', ')})`,
        close: async () => {
          await own?.close();
        },
      };
    },
  };
}

const lines = (n: number, text: string) => Array.from({ length: n }, () => text);

/**
 * A check: the login, which the server ends with OK, failed instead: the bound named in `what` stopped the
 * reading (imapflow's own defaults, 1 GiB, would have read it and logged in).
 */
function failedLogin(what: string): (r: Report) => void {
  return (r) => {
    const login = r.endpoints[0]?.login;
    if (login?.state !== 'attempted' || login.ok || !/exceed|too large|maximum/i.test(probeErrorText(login.error)))
      throw new Error(`${what} was read: ${JSON.stringify(login)}`);
  };
}

let bomb: Buffer | undefined;
/** 100 MB of zeros, gzipped (about 100 KB), made once and only when a case needs it. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(100 * 1024 * 1024));
  return bomb;
}
const many = (n: number) => Array.from({ length: n }, (_, i) => `127.88.${(i >> 8) & 255}.${(i & 255) + 1}`);

/**
 * --oauth-discover --no-private against a server whose OAUTHBEARER error names metadata on 127.0.0.1: the
 * challenge is read, the URL is not connected to (a listener there counts), and it is said so once.
 */
function oauthMetadataLoopback(): HostileCase {
  let connections = 0;
  return {
    id: 'steer-oauth-metadata-loopback',
    group: 'steering',
    what: "--oauth-discover --no-private: the server's OAUTHBEARER error names https://127.0.0.1:<port>/… as its openid-configuration",
    expect: ['PRIVATE_ADDRESS_REFUSED'],
    check: (r) => {
      const p = r.endpoints[0]?.oauthProbe;
      if (!p?.challenge?.['openid-configuration']?.startsWith('https://127.0.0.1:'))
        throw new Error(`the challenge was not read: ${JSON.stringify(p)}`);
      if (!p.issuer || p.issuer.fetches.some((f) => f.problem !== 'refused'))
        throw new Error(`the loopback metadata URL was not refused: ${JSON.stringify(p.issuer)}`);
      if (connections > 0) throw new Error(`the loopback metadata server was connected to ${connections} time(s)`);
      if (r.findings.some((f) => f.code === 'OAUTH_METADATA_INVALID'))
        throw new Error('a refused fetch was reported as invalid metadata');
    },
    setup: async (h) => {
      connections = 0;
      const metadata = await startTcpServer(() => connections++);
      const challenge = Buffer.from(
        JSON.stringify({
          status: 'invalid_token',
          'openid-configuration': `https://127.0.0.1:${metadata.port}/.well-known/openid-configuration`,
        }),
      ).toString('base64');
      const imap = await fake(
        h,
        'tls',
        scripts.handlers({
          capabilities: 'IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=PLAIN',
          replies: { AUTHENTICATE: [`+ ${challenge}`, 'NO [AUTHENTICATIONFAILED] invalid token'] },
        }),
      );
      // The IMAP host's address comes from DNS (not --resolve), so 127.0.0.1 is not an address the user named.
      h.dns.zone = { [HOST]: { A: ['127.0.0.1'] } };
      return {
        args: [
          `alice@${D}`,
          '--host',
          HOST,
          '--dns',
          h.dns.address,
          '--port',
          String(imap.port),
          '--security',
          'tls',
          '--ca-file',
          h.lab.certs.ca.crt,
          '--oauth-discover',
          '--no-private',
          ...bounds,
        ],
        env: { IMAP_DOCTOR_PASSWORD: h.password },
        sent: () => `IMAP: ${commandsOf(imap)}; metadata server: ${connections} connection(s)`,
        close: async () => {
          await imap.close();
          await metadata.close();
        },
      };
    },
  };
}

export const HOSTILE_CASES: HostileCase[] = [
  {
    id: 'imap-greeting-drip',
    group: 'IMAP',
    what: 'a greeting dripped at 1 byte/s',
    expect: ['GREETING_TIMEOUT'],
    setup: async (h) => {
      const s = await startTcpServer((sock) => {
        const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write('*')), 1000);
        sock.on('close', () => clearInterval(t));
      });
      return {
        args: hostArgs(h, s.port, 'starttls'),
        sent: () => `${s.received()} bytes (TLS tried on a second connection)`,
        close: s.close,
      };
    },
  },
  {
    id: 'imap-flood-after-timeout',
    group: 'IMAP',
    what: 'silence until the greeting timeout, then 64 MB without a newline',
    expect: ['GREETING_TIMEOUT'],
    setup: async (h) => {
      const block = Buffer.alloc(1024 * 1024, 'x');
      const s = await startTcpServer((sock, n) => {
        if (n !== 1) return;
        setTimeout(() => {
          let left = 64;
          const pump = () => {
            while (left > 0 && !sock.destroyed && sock.write(block)) left--;
            if (left > 0 && !sock.destroyed) sock.once('drain', pump);
          };
          pump();
        }, TIMEOUT_MS + 200);
      });
      return { args: hostArgs(h, s.port, 'starttls'), sent: () => `${s.received()} bytes`, close: s.close };
    },
  },
  imapCase(
    'imap-untagged-10000',
    '10,000 untagged lines before the CAPABILITY reply',
    ['IMAP_PROTOCOL_ERROR'],
    'starttls',
    () => scripts.handlers({ replies: { CAPABILITY: [...lines(10_000, '* NO [ALERT] flood'), 'OK done'] } }),
  ),
  {
    id: 'imap-tls-then-close',
    group: 'IMAP',
    what: 'TLS accepted, then the connection closed',
    expect: ['CONN_CLOSED_BEFORE_GREETING'],
    setup: async (h) => {
      let handshakes = 0;
      const server = tls.createServer(
        { cert: readFileSync(h.lab.certs.good.crt), key: readFileSync(h.lab.certs.good.key) },
        (s) => {
          handshakes++;
          s.on('error', () => {});
          s.end();
        },
      );
      server.on('tlsClientError', () => {});
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as net.AddressInfo).port;
      return {
        args: hostArgs(h, port, 'tls'),
        sent: () => `${handshakes} TLS handshake(s), nothing after`,
        close: () => new Promise((r) => server.close(() => r())),
      };
    },
  },
  imapCase('imap-bye-during-starttls', 'BYE in answer to STARTTLS', ['IMAP_PROTOCOL_ERROR'], 'starttls', () =>
    scripts.handlers({ advertiseStarttls: true, replies: { STARTTLS: ['* BYE going away now'] } }),
  ),
  imapCase('imap-literal-greeting', 'a {4294967295} literal in the greeting', ['GREETING_OK'], 'starttls', () =>
    scripts.handlers({ greeting: '* OK {4294967295}', advertiseStarttls: false }),
  ),
  imapCase('imap-literal-capability', 'a {4294967295} literal in CAPABILITY', ['GREETING_OK'], 'starttls', () =>
    scripts.handlers({ replies: { CAPABILITY: ['* CAPABILITY IMAP4rev1 AUTH=PLAIN {4294967295}', 'OK done'] } }),
  ),
  imapCase(
    'imap-login-literal',
    'a 100 KB literal during the login, then OK (imapflow)',
    ['LOGIN_INCOMPLETE'],
    'tls',
    () =>
      scripts.handlers({
        replies: { AUTHENTICATE: [{ raw: `* OK [ALERT] {100000}\r\n${'l'.repeat(100_000)}` }, 'OK authenticated'] },
      }),
    { check: failedLogin(`a literal over LIMITS.loginLiteralBytes (${LIMITS.loginLiteralBytes})`) },
    true,
  ),
  imapCase(
    'imap-login-big-response',
    'one response of five 60 KB literals during the login, then OK (imapflow)',
    ['LOGIN_INCOMPLETE'],
    'tls',
    () =>
      scripts.handlers({
        replies: {
          AUTHENTICATE: [
            { raw: `* OK [ALERT] ${Array.from({ length: 5 }, () => `{60000}\r\n${'z'.repeat(60_000)}`).join(' ')}` },
            'OK authenticated',
          ],
        },
      }),
    { check: failedLogin(`a response over LIMITS.loginResponseBytes (${LIMITS.loginResponseBytes})`) },
    true,
  ),
  imapCase(
    'imap-login-long-line',
    'a 200 KB line during the login, then OK (imapflow)',
    ['LOGIN_INCOMPLETE'],
    'tls',
    () => scripts.handlers({ replies: { AUTHENTICATE: [{ raw: `* OK ${'x'.repeat(200_000)}` }, 'OK authenticated'] } }),
    { check: failedLogin(`a line over LIMITS.loginLineBytes (${LIMITS.loginLineBytes})`) },
    true,
  ),
  {
    id: 'imap-login-drip',
    group: 'IMAP',
    what: 'the login answered one byte at a time, forever',
    expect: ['LOGIN_INCOMPLETE'],
    check: (r) => {
      const login = r.endpoints[0]?.login;
      // TIMEOUT, not ABORTED: the login's own bound (LIMITS.loginSteps step timeouts) ended it before the run deadline.
      if (login?.state !== 'attempted' || login.error?.code !== 'TIMEOUT')
        throw new Error(`the login was not bounded by LIMITS.loginSteps: ${JSON.stringify(login)}`);
    },
    setup: async (h) => {
      const seen: string[] = [];
      const server = tls.createServer(
        { cert: readFileSync(h.lab.certs.good.crt), key: readFileSync(h.lab.certs.good.key) },
        (sock) => {
          sock.on('error', () => {});
          sock.write('* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] drip ready\r\n');
          let buf = '';
          sock.on('data', (d: Buffer) => {
            buf += d.toString('latin1');
            for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
              const [tag = '*', cmd = ''] = buf.slice(0, nl).split(' ');
              buf = buf.slice(nl + 2);
              seen.push(cmd.toUpperCase());
              if (cmd.toUpperCase() === 'AUTHENTICATE') {
                // One byte at a time, never a line: imapflow's inactivity timeout never fires.
                sock.write('* OK ');
                const t = setInterval(() => (sock.destroyed ? clearInterval(t) : sock.write('.')), 200);
                sock.on('close', () => clearInterval(t));
              } else
                sock.write(
                  `${cmd.toUpperCase() === 'CAPABILITY' ? '* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\n' : ''}${tag} OK done\r\n`,
                );
            }
          });
        },
      );
      server.on('tlsClientError', () => {});
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as net.AddressInfo).port;
      return {
        args: hostArgs(h, port, 'tls', true),
        env: { IMAP_DOCTOR_PASSWORD: h.password },
        sent: () => `${[...new Set(seen)].join(', ')}`,
        close: () => new Promise((r) => server.close(() => r())),
      };
    },
  },
  imapCase(
    'imap-password-echo',
    'the password echoed in NO [code], ALERT and BYE (upper case, NFD, truncated)',
    ['AUTH_FAILED'],
    'tls',
    () =>
      scripts.handlers({
        replies: {
          AUTHENTICATE: (_c, ctx): ReplyLine[] => {
            const p = ctx.credentials?.pass ?? '';
            return [
              `* OK [ALERT] ${'long '.repeat(1000)}`,
              ...lines(LIMITS.alerts + 5, `* OK [ALERT] wrong: ${p.normalize('NFD')}`),
              `NO [AUTHENTICATIONFAILED] bad password ${p.toUpperCase()}`,
              `* BYE ${p.slice(0, Math.ceil(p.length / 2) + 1)}`,
            ];
          },
        },
      }),
    {
      check: (r) => {
        const login = r.endpoints[0]?.login;
        if (login?.state !== 'attempted' || login.alerts.length > LIMITS.alerts)
          throw new Error(`alerts not capped at LIMITS.alerts: ${JSON.stringify(login)}`);
        if (login.alerts.some((a) => a.length > LIMITS.alertChars))
          throw new Error(`an alert longer than LIMITS.alertChars (${LIMITS.alertChars})`);
      },
    },
    true,
  ),
  withArgs(
    SYNC_BOUNDS,
    imapCase(
      'imap-sync-flood',
      `after the login: ${SYNC_FOLDERS.toLocaleString('en-US')} special-use folders named with ESC, OSC 52 and bidi overrides, 2,000 quota roots, the password in folder names and replies`,
      ['AUTH_OK', 'FOLDERS_MANY', 'SEARCH_OK'],
      'tls',
      () => scripts.handlers({ replies: syncFlood() }),
      { check: syncFloodBounded },
      true,
    ),
  ),
  httpCase('http-gzip-bomb', 'a gzip bomb (100 MB of zeros, never decompressed)', ['AUTOCONFIG_INVALID'], () => ({
    body: gzipBomb(),
    headers: { 'Content-Encoding': 'gzip' },
  })),
  httpCase(
    'http-slowloris',
    'response headers dripped 1 byte per 100 ms, forever',
    ['DISCOVERY_NOTHING_FOUND'],
    { dripMs: 100 },
    {
      check: (r) => {
        const s = r.discovery?.sources.find((x) => x.source === 'autoconfig-http');
        if (s?.status !== 'timeout') throw new Error(`slowloris source should time out, got ${s?.status}`);
      },
    },
  ),
  httpCase(
    'http-redirect-loop',
    'a redirect to itself, forever',
    ['DISCOVERY_NOTHING_FOUND'],
    { status: 302, headers: { Location: `http://autoconfig.${D}/mail/config-v1.1.xml` } },
    {
      check: (r) => {
        const s = r.discovery?.sources.find((x) => x.source === 'autoconfig-http');
        if (s?.error?.code !== 'HTTP_REDIRECT_LIMIT' || (s.hops?.length ?? 0) > LIMITS.httpRedirects + 1)
          throw new Error(`redirect loop not cut at LIMITS.httpRedirects: ${JSON.stringify(s?.hops)}`);
      },
    },
  ),
  httpCase(
    'http-100mb-body',
    'a 100 MB body',
    ['AUTOCONFIG_INVALID'],
    { bytes: 100 * 1024 * 1024 },
    {
      check: (r) => {
        const s = r.discovery?.sources.find((x) => x.source === 'autoconfig-http');
        if (s?.invalid?.reason !== 'too-large')
          throw new Error(
            `a body over LIMITS.httpBodyBytes (${LIMITS.httpBodyBytes}) should be too-large, got ${JSON.stringify(s?.invalid)}`,
          );
      },
    },
  ),
  httpCase(
    'http-header-flood',
    'a 64 KiB response header',
    ['DISCOVERY_NOTHING_FOUND'],
    {
      headers: { 'X-Flood': 'y'.repeat(LIMITS.httpHeaderBytes * 4) },
      body: autoconfigXml(D, [['imap', HOST, 993, 'SSL']]),
    },
    {
      check: (r) => {
        const s = r.discovery?.sources.find((x) => x.source === 'autoconfig-http');
        if (s?.status === 'found') throw new Error('a header over LIMITS.httpHeaderBytes was accepted');
      },
    },
  ),
  httpCase(
    'http-invalid-utf8',
    'invalid UTF-8 in the settings file',
    ['AUTOCONFIG_FOUND'],
    {
      body: Buffer.from(autoconfigXml(D, [['imap', HOST, 993, 'SSL']]).replace(`${D} mail`, 'BAD\u00ffNAME'), 'latin1'),
    },
    {
      check: (r) => {
        const s = r.discovery?.sources.find((x) => x.source === 'autoconfig-http');
        if (!String(s?.facts?.displayName).includes('\ufffd'))
          throw new Error(`invalid UTF-8 not replaced: ${String(s?.facts?.displayName)}`);
      },
    },
  ),
  httpCase('http-redos-body', 'the whitespace ReDoS body (60 newlines and "!")', ['AUTOCONFIG_INVALID'], {
    body: `${'\n'.repeat(60)}!`,
  }),
  {
    id: 'pacc-100mb-body',
    group: 'HTTP',
    what: 'a 100 MB PACC document (its TXT digest published)',
    expect: ['PACC_INVALID'],
    check: (r) => {
      const s = r.discovery?.sources.find((x) => x.source === 'pacc');
      const f = r.findings.find((x) => x.code === 'PACC_INVALID');
      if (s?.invalid?.reason !== 'too-large' || f?.params.reason !== 'too-large' || s.servers.length > 0)
        throw new Error(`the PACC body was not cut at LIMITS.paccBytes: ${JSON.stringify(s)}`);
    },
    setup: async (h) => {
      const url = new URL(paccUrl(D));
      h.dns.zone = {
        [D]: {},
        [url.hostname]: { A: [h.web.ip] },
        [paccTxtName(D)]: { TXT: [uaacTxt(Buffer.alloc(32).toString('base64'))] },
      };
      h.web.routes = [
        {
          scheme: 'https',
          host: url.hostname,
          path: url.pathname,
          contentType: 'application/json',
          bytes: 100 * 1024 * 1024,
        },
      ];
      h.web.clearLog();
      return {
        args: discoveryArgs(h),
        sent: () => `${h.web.requests.filter((q) => q.host === url.hostname).length} request(s) for the PACC document`,
        close: async () => {},
      };
    },
  },
  dnsCase(
    'dns-wrong-ids',
    'every answer with a mismatched id',
    ['DNS_LOOKUP_FAILED'],
    () => ({ [HOST]: { A: ['127.0.0.1'] } }),
    { wrongId: true },
  ),
  dnsCase(
    'dns-other-names',
    'answers for another name (spoofing)',
    ['DNS_NO_ADDRESS'],
    () => ({ [HOST]: { A: ['127.0.0.1'] } }),
    { answerOwner: 'evil.example' },
  ),
  dnsCase('dns-cname-loop', 'a CNAME loop', ['DNS_LOOKUP_FAILED'], () => ({
    [HOST]: { CNAME: `loop.${D}` },
    [`loop.${D}`]: { CNAME: HOST },
  })),
  // A short owner name: the test server does not compress names, and 2,000 records must fit one TCP message.
  dnsCase(
    'dns-2000-a',
    '2,000 A records (over TCP)',
    ['TCP_REFUSED'],
    () => ({ [`m.${D}`]: { A: many(2000) } }),
    {},
    {
      host: `m.${D}`,
      check: (r) => {
        const e = r.endpoints[0];
        if (
          e?.addresses.length !== LIMITS.addressesPerFamily ||
          e.resolve.notProbed?.length !== LIMITS.dnsRecords - LIMITS.addressesPerFamily
        )
          throw new Error(`addresses not capped: ${e?.addresses.length} probed`);
      },
    },
  ),
  dnsCase(
    'dns-compression-loop',
    'a compression pointer loop',
    ['DNS_LOOKUP_FAILED'],
    () => ({ [HOST]: { A: ['127.0.0.1'] } }),
    { compressionLoop: true },
  ),
  dnsCase(
    'dns-truncated-tcp-refused',
    'truncation with DNS over TCP refused',
    ['DNS_LOOKUP_FAILED'],
    () => ({ [HOST]: { A: ['127.0.0.1'] } }),
    { truncate: true },
    { udpOnly: true },
  ),
  {
    id: 'steer-ip-literal',
    group: 'steering',
    what: 'plain-HTTP autoconfig naming 10.0.0.5:993',
    expect: ['UNVERIFIED_TARGET_REFUSED'],
    check: (r) => {
      if (r.endpoints.some((e) => e.host === '10.0.0.5'))
        throw new Error('the IP address from an unverified source was probed');
    },
    setup: async (h) => {
      h.dns.zone = { [D]: {}, [`autoconfig.${D}`]: { A: [h.web.ip] } };
      h.web.routes = [
        {
          scheme: 'http',
          host: `autoconfig.${D}`,
          path: '/mail/config-v1.1.xml',
          body: autoconfigXml(D, [['imap', '10.0.0.5', 993, 'SSL']]),
        },
      ];
      return { args: discoveryArgs(h), sent: () => 'nothing to 10.0.0.5', close: async () => {} };
    },
  },
  {
    id: 'steer-srv-port',
    group: 'steering',
    what: 'an unsigned SRV record naming port 25',
    expect: ['UNVERIFIED_TARGET_REFUSED'],
    check: (r) => {
      if (r.endpoints.some((e) => e.port === 25)) throw new Error('port 25 from an unsigned SRV record was probed');
    },
    setup: async (h) => {
      h.dns.reset();
      h.dns.zone = {
        [D]: {},
        [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 0, port: 25, target: HOST }] },
        [HOST]: { A: ['127.0.0.1'] },
      };
      return { args: discoveryArgs(h), sent: () => 'nothing to port 25', close: async () => {} };
    },
  },
  oauthMetadataLoopback(),
];

/** A fresh canary for the cases that log in. */
export function hostilePassword(): string {
  return `Hostile-${randomBytes(6).toString('hex')}-Canary`;
}
