/**
 * Dovecot 2.3 instances for the lab, run in the foreground (`dovecot -F -c conf`) as children of this process.
 * `writeDovecotFiles` writes common.conf, the users file and the per-instance configs A–D; `startDovecot` starts one
 * and resolves once a greeting `* OK … <its own login_greeting>` arrives (a bare open port is not trusted);
 * `stop()` sends SIGTERM, waits ≤5 s, then SIGKILL. Every instance has its own base_dir/state_dir/log under `root`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { CertSet } from './certs.js';

export interface DovecotUserSet {
  /** Correct password of alice, locked and disabled (the canary). */
  password: string;
  /** Password of other@example.test. */
  otherPassword: string;
  alice: string;
  /** Correct password → `NO [ALERT] <lockedReason>` (deny passdb); wrong password → AUTHENTICATIONFAILED. */
  locked: string;
  other: string;
  /** Correct password → `NO [CONTACTADMIN] <lockedReason>` (nologin); same password as alice. */
  disabled: string;
  lockedReason: string;
  /** Users of the sync instances (same password as alice), each with its own mailbox state: see SYNC_USERS. */
  sync: SyncUsers;
}

/** Users of the sync tests: each test fills its own maildir, so parallel tests never share a mailbox. */
export interface SyncUsers {
  healthy: string;
  quota95: string;
  quota101: string;
  quota10: string;
  plain: string;
  many: string;
  sessions: string;
  minimal: string;
}

export const SYNC_USERS: SyncUsers = {
  healthy: 'healthy@example.test',
  quota95: 'quota95@example.test',
  quota101: 'quota101@example.test',
  quota10: 'quota10@example.test',
  plain: 'plain@example.test',
  many: 'many@example.test',
  sessions: 'sessions@example.test',
  minimal: 'minimal@example.test',
};

export interface DovecotInstanceSpec {
  /** Short name: a, b, c, d. */
  name: string;
  /** login_greeting; also the readiness proof. */
  greeting: string;
  listen: string[];
  /** Plain/STARTTLS port (readiness is checked here, on listen[0], from 127.0.0.1). */
  imapPort: number;
  /** Implicit TLS port, 0 for none. */
  imapsPort: number;
  /** Absolute path of the config file to start. */
  conf: string;
  logPath: string;
  /** Extra environment for the master (imported into the children through import_environment). */
  env: Record<string, string>;
}

export interface DovecotInstance {
  spec: DovecotInstanceSpec;
  pid: number;
  /** The readiness greeting line (CRLF stripped) as seen from 127.0.0.1 on the plain port. */
  greetingLine: string;
  /** Milliseconds from spawn to the greeting. */
  startMs: number;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort when the test process exits without teardown: never leave a Dovecot master behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
}

export const LAB_USERS = {
  alice: 'alice@example.test',
  locked: 'locked@example.test',
  other: 'other@example.test',
  disabled: 'disabled@example.test',
  lockedReason: 'Your account has been locked by the administrator.',
  sync: SYNC_USERS,
} as const;

/** Environment variable carrying the lock reason into Dovecot's auth process (import_environment). */
const LOCK_REASON_ENV = 'IMAPDOC_LOCK_REASON';

function localBlock(ip: string, lines: string[]): string {
  return [`local ${ip} {`, ...lines.map((l) => `  ${l}`), '}'].join('\n');
}

function certLines(crt: string, key: string): string[] {
  return [`ssl_cert = <${crt}`, `ssl_key = <${key}`];
}

function listeners(imapPort: number, imapsPort: number): string {
  return [
    'service imap-login {',
    '  inet_listener imap {',
    `    port = ${imapPort}`,
    '  }',
    '  inet_listener imaps {',
    `    port = ${imapsPort}`,
    '    ssl = yes',
    '  }',
    '}',
  ].join('\n');
}

/** Every lab address. Block 0 is the documented layout (127.0.0.x, ::1); block b uses 127.b.0.x and no IPv6. */
export interface LabHosts {
  /** A: cert good (served without the CA). */
  good: string;
  /** A on ::1 (block 0 only). */
  goodV6: string | null;
  expired: string;
  wrongName: string;
  selfSigned: string;
  /** B: plaintext only, LOGINDISABLED for other client IPs. */
  loginDisabled: string;
  /** C: TLS 1.0 only. */
  tls10: string;
  unknownCa: string;
  /** Leaf only, the intermediate is missing (AIA points at the lab's HTTP server). */
  chainIncomplete: string;
  /** Leaf + Avast-named root. */
  intercepted: string;
  expiringSoon: string;
  /** RSA-1024/SHA-1 leaf; null when Dovecot would not serve it. */
  weak: string | null;
  notYetValid: string;
  /** D: every login answers NO [UNAVAILABLE]. */
  tempfail: string;
  /** E: quota plugin (100 KiB per user), no special-use marks, mail_max_userip_connections = 3. */
  sync: string;
  /** F: like A, but IDLE, CONDSTORE and QRESYNC removed from the announced capabilities. */
  minimal: string;
}

export function labIp(block: number, n: number): string {
  return `127.${block}.0.${n}`;
}

export function labHosts(block: number, opts: { weak: boolean } = { weak: true }): LabHosts {
  const at = (n: number): string => labIp(block, n);
  return {
    good: at(2),
    goodV6: block === 0 ? '::1' : null,
    expired: at(3),
    wrongName: at(4),
    selfSigned: at(5),
    loginDisabled: at(6),
    tls10: at(7),
    unknownCa: at(8),
    chainIncomplete: at(9),
    intercepted: at(10),
    expiringSoon: at(11),
    weak: opts.weak ? at(12) : null,
    notYetValid: at(13),
    tempfail: at(14),
    sync: at(20),
    minimal: at(21),
  };
}

export interface DovecotFiles {
  specs: {
    a: DovecotInstanceSpec;
    b: DovecotInstanceSpec;
    c: DovecotInstanceSpec;
    d: DovecotInstanceSpec;
    e: DovecotInstanceSpec;
    f: DovecotInstanceSpec;
  };
  usersFile: string;
  homeRoot: string;
}

/**
 * Writes every file the four lab instances need under `root` (which must be traversable by uid 65534 and by the
 * dovecot user: the caller makes it 0755). `hosts.weak` null leaves the weak address out of instance A.
 */
export async function writeDovecotFiles(
  root: string,
  certs: CertSet,
  users: DovecotUserSet,
  hosts: LabHosts,
): Promise<DovecotFiles> {
  await mkdir(root, { recursive: true });
  const homeRoot = path.join(root, 'home');
  await mkdir(homeRoot, { recursive: true });
  await chmod(homeRoot, 0o1777);
  const usersFile = path.join(root, 'users');
  await writeFile(
    usersFile,
    [
      `${users.alice}:{PLAIN}${users.password}::::::`,
      `${users.locked}:{PLAIN}${users.password}::::::`,
      `${users.other}:{PLAIN}${users.otherPassword}::::::`,
      // passwd-file splits extra fields on spaces, so the reason comes from the environment (see startDovecot).
      `${users.disabled}:{PLAIN}${users.password}::::::nologin reason=%{env:${LOCK_REASON_ENV}}`,
      ...Object.values(users.sync).map((u) => `${u}:{PLAIN}${users.password}::::::`),
      '',
    ].join('\n'),
  );
  // A deny passdb that matches gives fail code user_disabled; with a reason, imap-login answers NO [ALERT] <reason>.
  const denyFile = path.join(root, 'deny-users');
  await writeFile(denyFile, `${users.locked}:::::::reason=%{env:${LOCK_REASON_ENV}}\n`);
  const tempfailScript = path.join(root, 'tempfail-checkpassword.sh');
  await writeFile(tempfailScript, '#!/bin/sh\n# checkpassword protocol: exit 111 = temporary failure\nexit 111\n');
  await chmod(tempfailScript, 0o755);
  await Promise.all([usersFile, denyFile].map((f) => chmod(f, 0o644)));

  const common = path.join(root, 'common.conf');
  await writeFile(
    common,
    [
      'protocols = imap',
      'auth_mechanisms = plain login',
      'ssl_dh = </usr/share/dovecot/dh.pem',
      'userdb {',
      '  driver = static',
      `  args = uid=65534 gid=65534 home=${homeRoot}/%u`,
      '}',
      'first_valid_uid = 1',
      'mail_location = maildir:~/Maildir',
      'auth_verbose = yes',
      'auth_failure_delay = 0',
      'service anvil {',
      '  unix_listener anvil-auth-penalty {',
      '    mode = 0',
      '  }',
      '}',
      'service auth {',
      '  process_min_avail = 1',
      '}',
      '',
    ].join('\n'),
  );
  // Password first (a wrong password stays AUTHENTICATIONFAILED), then the deny list for a correct one.
  const goodPassdb = [
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN username_format=%u ${usersFile}`,
    '  result_success = continue-ok',
    '  result_failure = return-fail',
    '}',
    'passdb {',
    '  driver = passwd-file',
    '  deny = yes',
    `  args = ${denyFile}`,
    '}',
  ].join('\n');
  // D: every lookup is a temporary failure (a missing passwd-file would only be "unknown user").
  const brokenPassdb = ['passdb {', '  driver = checkpassword', `  args = ${tempfailScript}`, '}'].join('\n');

  const header = (name: string, greeting: string, listen: string[], logPath: string, importEnv: string[]): string =>
    [
      `!include ${common}`,
      `base_dir = ${path.join(root, `run-${name}`)}`,
      `state_dir = ${path.join(root, `state-${name}`)}`,
      `instance_name = imapdoc-${name}`,
      `log_path = ${logPath}`,
      `login_greeting = ${greeting}`,
      `listen = ${listen.join(', ')}`,
      `import_environment = ${importEnv.join(' ')}`,
    ].join('\n');

  const make = async (
    name: string,
    greeting: string,
    listen: string[],
    imapPort: number,
    imapsPort: number,
    body: string[],
    importEnv: string[] = ['TZ', LOCK_REASON_ENV],
  ): Promise<DovecotInstanceSpec> => {
    const logPath = path.join(root, `${name}.log`);
    const conf = path.join(root, `${name}.conf`);
    await mkdir(path.join(root, `state-${name}`), { recursive: true });
    await writeFile(
      conf,
      [header(name, greeting, listen, logPath, importEnv), ...body, listeners(imapPort, imapsPort), ''].join('\n'),
    );
    return {
      name,
      greeting,
      listen,
      imapPort,
      imapsPort,
      conf,
      logPath,
      env: { [LOCK_REASON_ENV]: users.lockedReason },
    };
  };

  const aLocals: string[] = [
    localBlock(hosts.expired, certLines(certs.expired.crt, certs.expired.key)),
    localBlock(hosts.wrongName, certLines(certs.wrongName.crt, certs.wrongName.key)),
    localBlock(hosts.selfSigned, certLines(certs.selfSigned.crt, certs.selfSigned.key)),
    localBlock(hosts.unknownCa, certLines(certs.unknownCa.crt, certs.unknownCa.key)),
    localBlock(hosts.chainIncomplete, certLines(certs.chainIncomplete.crt, certs.chainIncomplete.key)),
    localBlock(hosts.intercepted, certLines(certs.intercepted.chain, certs.intercepted.key)),
    localBlock(hosts.expiringSoon, certLines(certs.expiringSoon.crt, certs.expiringSoon.key)),
    localBlock(hosts.notYetValid, certLines(certs.notYetValid.crt, certs.notYetValid.key)),
  ];
  if (hosts.weak) {
    aLocals.push(
      localBlock(hosts.weak, [...certLines(certs.weak.crt, certs.weak.key), 'ssl_cipher_list = DEFAULT:@SECLEVEL=0']),
    );
  }
  const aListen = [
    hosts.good,
    hosts.expired,
    hosts.wrongName,
    hosts.selfSigned,
    hosts.unknownCa,
    hosts.chainIncomplete,
    hosts.intercepted,
    hosts.expiringSoon,
    ...(hosts.weak ? [hosts.weak] : []),
    hosts.notYetValid,
    ...(hosts.goodV6 ? [hosts.goodV6] : []),
  ];
  const a = await make('a', 'imap-doctor lab A ready.', aListen, 143, 993, [
    goodPassdb,
    'ssl = yes',
    'disable_plaintext_auth = no',
    ...certLines(certs.good.crt, certs.good.key),
    SPECIAL_USE_NAMESPACE,
    ...aLocals,
  ]);

  const b = await make('b', 'imap-doctor lab B ready.', [hosts.loginDisabled], 143, 0, [
    goodPassdb,
    'ssl = no',
    'disable_plaintext_auth = yes',
  ]);

  const tls10Cnf = path.join(root, 'tls10-openssl.cnf');
  await writeFile(
    tls10Cnf,
    [
      'openssl_conf = openssl_init',
      '[openssl_init]',
      'ssl_conf = ssl_sect',
      '[ssl_sect]',
      'system_default = sd',
      '[sd]',
      'MinProtocol = TLSv1',
      'MaxProtocol = TLSv1',
      'CipherString = DEFAULT:@SECLEVEL=0',
      '',
    ].join('\n'),
  );
  const c = await make(
    'c',
    'imap-doctor lab C ready.',
    [hosts.tls10],
    143,
    993,
    [
      goodPassdb,
      'ssl = yes',
      'disable_plaintext_auth = no',
      ...certLines(certs.good.crt, certs.good.key),
      'ssl_min_protocol = TLSv1',
      'ssl_cipher_list = DEFAULT:@SECLEVEL=0',
    ],
    ['TZ', LOCK_REASON_ENV, `OPENSSL_CONF=${tls10Cnf}`],
  );

  const d = await make('d', 'imap-doctor lab D ready.', [hosts.tempfail], 143, 993, [
    brokenPassdb,
    'ssl = yes',
    'disable_plaintext_auth = no',
    ...certLines(certs.good.crt, certs.good.key),
  ]);

  const { e, f } = await syncInstances(make, hosts, certs, goodPassdb);
  return { specs: { a, b, c, d, e, f }, usersFile, homeRoot };
}

/**
 * The inbox namespace with the five special-use folders marked and created at login (RFC 6154;
 * Dovecot's `auto = create`), as mail providers set it up: a healthy account shows every role.
 */
const SPECIAL_USE_NAMESPACE = [
  'namespace inbox {',
  '  inbox = yes',
  ...(['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'] as const).flatMap((m) => [
    `  mailbox ${m} {`,
    `    special_use = \\${m}`,
    '    auto = create',
    '  }',
  ]),
  '}',
].join('\n');

/** Dovecot 2.3's capabilities after login, without IDLE, CONDSTORE and QRESYNC (an older or stripped-down server). */
const MINIMAL_CAPABILITIES =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE';

/** Storage quota of every user on E, in KiB (RFC 9208 STORAGE units). */
export const SYNC_QUOTA_KIB = 100;

type Make = (
  name: string,
  greeting: string,
  listen: string[],
  imapPort: number,
  imapsPort: number,
  body: string[],
) => Promise<DovecotInstanceSpec>;

/** E (quota, plain folders, a low session limit) and F (no IDLE, no CONDSTORE/QRESYNC), for the sync probe's tests. */
async function syncInstances(
  make: Make,
  hosts: LabHosts,
  certs: CertSet,
  passdb: string,
): Promise<{ e: DovecotInstanceSpec; f: DovecotInstanceSpec }> {
  const tlsLines = ['ssl = yes', 'disable_plaintext_auth = no', ...certLines(certs.good.crt, certs.good.key)];
  const e = await make('e', 'imap-doctor lab E ready.', [hosts.sync], 143, 993, [
    passdb,
    ...tlsLines,
    'mail_plugins = $mail_plugins quota',
    'protocol imap {',
    '  mail_plugins = $mail_plugins imap_quota',
    '}',
    'plugin {',
    '  quota = maildir:User quota',
    `  quota_rule = *:storage=${SYNC_QUOTA_KIB}K`,
    '}',
    'mail_max_userip_connections = 3',
  ]);
  const f = await make('f', 'imap-doctor lab F ready.', [hosts.minimal], 143, 993, [
    passdb,
    ...tlsLines,
    SPECIAL_USE_NAMESPACE,
    `imap_capability = ${MINIMAL_CAPABILITIES}`,
  ]);
  return { e, f };
}

/** Reads the first line a server sends; null on timeout, close or error. */
export function readGreeting(
  host: string,
  port: number,
  timeoutMs: number,
  localAddress?: string,
): Promise<string | null> {
  return new Promise((resolve) => {
    let buf = '';
    let done = false;
    const sock = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    const finish = (v: string | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      const i = buf.indexOf('\r\n');
      if (i >= 0) finish(buf.slice(0, i));
    });
    sock.on('error', () => finish(null));
    sock.on('close', () => finish(null));
  });
}

async function tail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM, ≤timeoutMs for the exit, then SIGKILL. */
export async function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, timeoutMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 2000);
  }
}

export async function startDovecot(spec: DovecotInstanceSpec, readyTimeoutMs = 30_000): Promise<DovecotInstance> {
  installExitHook();
  const t0 = Date.now();
  const child = spawn('dovecot', ['-F', '-c', spec.conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...spec.env },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = (): Promise<void> => stopChild(child);

  const host = spec.listen[0] ?? '127.0.0.1';
  const deadline = t0 + readyTimeoutMs;
  let last: string | null = null;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    last = await Promise.race([
      readGreeting(host, spec.imapPort, 2000, '127.0.0.1'),
      spawnError.then((e) => `spawn error: ${e.message}`),
    ]);
    if (last?.startsWith('* OK') && last.includes(spec.greeting)) {
      return { spec, pid: child.pid ?? -1, greetingLine: last, startMs: Date.now() - t0, stop };
    }
    if (last?.startsWith('spawn error')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  const why = child.exitCode !== null ? `exited with ${child.exitCode}` : `no greeting within ${readyTimeoutMs} ms`;
  throw new Error(
    `dovecot ${spec.name} (${spec.conf}) ${why}; last line: ${JSON.stringify(last)}\n${stderr.trim()}\n${await tail(spec.logPath)}`,
  );
}
