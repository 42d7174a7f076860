/**
 * The whole lab for one test run: temp dir, AIA server, certificates, Dovecot A–D. `startLab()` resolves once
 * every instance greets; `stop()` tears everything down and deletes the temp dir. `LabInfo` is plain JSON, handed
 * to tests through vitest's provide/inject (`inject('lab')`). Concurrent runs on one machine take different address
 * blocks (127.0.0.x first, then 127.1.0.x, …) through lock files, so tests must read addresses from `LabInfo.hosts`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAiaServer, type AiaServer } from './aia-server.js';
import { makeCerts, type CertSet } from './certs.js';
import {
  LAB_USERS,
  labHosts,
  labIp,
  startDovecot,
  writeDovecotFiles,
  type DovecotInstance,
  type LabHosts,
  type SyncUsers,
} from './dovecot.js';

export type { LabHosts } from './dovecot.js';
export type { CertSet, CertFiles } from './certs.js';

export type DovecotName = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

export interface LabInfo {
  /** Temp dir of this run (deleted at teardown). */
  dir: string;
  /** Address block: 0 = 127.0.0.x (+ ::1); b = 127.b.0.x when another run holds block 0. */
  block: number;
  /** Name in every lab certificate (resolve it yourself: the lab runs no DNS). */
  hostname: 'imap.example.test';
  /** Correct password of alice, locked and disabled. Unique per run: the canary to grep for in any output. */
  password: string;
  /** Password of users.other. */
  otherPassword: string;
  users: { alice: string; locked: string; other: string; disabled: string };
  /** Users of the sync tests (password: `password`), one mailbox state each. */
  syncUsers: SyncUsers;
  /** locked → `NO [ALERT] <lockedReason>`, disabled → `NO [CONTACTADMIN] <lockedReason>` (correct password only). */
  lockedReason: string;
  ports: { imap: 143; imaps: 993 };
  hosts: LabHosts;
  /** Full greeting lines seen from 127.0.0.1 on port 143 (A/C/D/E/F advertise STARTTLS there, B LOGINDISABLED). */
  greetings: Record<DovecotName, string>;
  /** The login_greeting text of each instance. */
  greetingTexts: Record<DovecotName, string>;
  certs: CertSet;
  aia: { port: number; url: string };
  /** Why hosts.weak is null, when it is. */
  weakNote: string | null;
  dovecot: Record<DovecotName, { conf: string; log: string; pid: number; listen: string[]; startMs: number }>;
  /** Milliseconds from startLab() to all servers ready. */
  startMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabInfo | null;
    labSkipReason: string | null;
  }
}

export interface Lab {
  info: LabInfo;
  stop(): Promise<void>;
}

const MAX_BLOCKS = 8;
const LOCK_PREFIX = 'imapdoc-lab-block-';

interface LockRecord {
  pid: number;
  dir: string;
  children: number[];
}

function lockPath(block: number): string {
  return path.join(os.tmpdir(), `${LOCK_PREFIX}${block}.lock`);
}

/** Running (a zombie counts as dead: PID 1 does not reap here). */
function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Direct children of `parents` (Dovecot's auth/login/log processes hold the listening sockets too). */
function childrenOf(parents: Set<number>): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parents.has(ppid)) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Kills what a dead run left behind (only masters whose command line names its lab dir, and their children). */
function reapStale(rec: LockRecord): void {
  const masters = new Set<number>();
  for (const pid of rec.children) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(rec.dir)) masters.add(pid);
    } catch {
      // gone
    }
  }
  for (const pid of [...masters, ...childrenOf(masters)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (rec.dir.startsWith(path.join(os.tmpdir(), 'imapdoc-lab-'))) rmSync(rec.dir, { recursive: true, force: true });
}

/** Takes the first free address block (O_EXCL lock file); stale locks of dead runs are reaped. */
function acquireBlock(dir: string): { block: number; update(children: number[]): void; release(): void } {
  for (let block = 0; block < MAX_BLOCKS; block++) {
    const file = lockPath(block);
    for (let attempt = 0; attempt < 2; attempt++) {
      const rec: LockRecord = { pid: process.pid, dir, children: [] };
      try {
        writeFileSync(file, JSON.stringify(rec), { flag: 'wx' });
        return {
          block,
          update: (children) => writeFileSync(file, JSON.stringify({ ...rec, children })),
          release: () => {
            try {
              const cur = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
              if (cur.pid === process.pid && cur.dir === dir) unlinkSync(file);
            } catch {
              // already gone
            }
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        let holder: LockRecord | null = null;
        try {
          holder = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
        } catch {
          holder = null;
        }
        if (holder && pidAlive(holder.pid)) break;
        if (holder) reapStale(holder);
        try {
          unlinkSync(file);
        } catch {
          // someone else reaped it
        }
      }
    }
  }
  throw new Error(`imap-doctor lab: all ${MAX_BLOCKS} address blocks are held by running test runs (${lockPath(0)} …)`);
}

const TOOLS = { dovecot: 'dovecot-imapd', openssl: 'openssl', iptables: 'iptables', ip: 'iproute2' } as const;

/** Is this program on PATH (or in the sbin directories)? */
export function hasProgram(bin: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  return dirs.some((d) => {
    try {
      accessSync(path.join(d, bin), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** What is missing among root and the given tools, or null. Sync so require.ts can use it too. */
export function missingPrerequisites(tools: (keyof typeof TOOLS)[]): string | null {
  const missing: string[] = [];
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0)
    missing.push(`not running as root (uid ${uid}): Dovecot on ports 143/993 and network namespaces need root`);
  for (const bin of tools) if (!hasProgram(bin)) missing.push(`${bin} not installed (apt-get install ${TOOLS[bin]})`);
  return missing.length ? missing.join('; ') : null;
}

/** What the lab lacks (root, dovecot, openssl, iptables, ip), or null. */
export function labPrerequisites(): string | null {
  return missingPrerequisites(['dovecot', 'openssl', 'iptables', 'ip']);
}

/** Clears lab temp dirs whose owner died without a lock file (e.g. killed between mkdtemp and lock). */
function sweepOrphanDirs(): void {
  const held = new Set<string>();
  for (const f of readdirSync(os.tmpdir())) {
    if (!f.startsWith(LOCK_PREFIX)) continue;
    try {
      held.add((JSON.parse(readFileSync(path.join(os.tmpdir(), f), 'utf8')) as LockRecord).dir);
    } catch {
      // unreadable lock: leave everything alone
      return;
    }
  }
  for (const f of readdirSync(os.tmpdir())) {
    const full = path.join(os.tmpdir(), f);
    const m = /^imapdoc-lab-(\d+)-/.exec(f);
    if (m && !held.has(full) && !pidAlive(Number(m[1]))) rmSync(full, { recursive: true, force: true });
  }
}

function canary(): string {
  return `Cn7-${randomBytes(9).toString('base64url')}-pw!`;
}

/** Does Dovecot accept the weak (RSA-1024/SHA-1, SECLEVEL=0) local block? Checked with `doveconf`. */
function doveconfOk(conf: string): string | null {
  try {
    execFileSync('doveconf', ['-c', conf, '-n'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return null;
  } catch (err) {
    return ((err as { stderr?: Buffer }).stderr?.toString() ?? String(err)).trim();
  }
}

export async function startLab(): Promise<Lab> {
  const t0 = Date.now();
  sweepOrphanDirs();
  const dir = await mkdtemp(path.join(os.tmpdir(), `imapdoc-lab-${process.pid}-`));
  await chmod(dir, 0o755);
  let lock: ReturnType<typeof acquireBlock>;
  try {
    lock = acquireBlock(dir);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const instances: DovecotInstance[] = [];
  let aia: AiaServer | null = null;

  const stop = async (): Promise<void> => {
    await Promise.all(instances.splice(0).map((i) => i.stop()));
    await aia?.close();
    aia = null;
    lock.release();
    // A mail process may still be writing its index files for a moment after its master stopped.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  const onExit = (): void => {
    lock.release();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  try {
    aia = await startAiaServer();
    const block = lock.block;
    const certs = await makeCerts(path.join(dir, 'certs'), {
      aiaPort: aia.port,
      ip: (n) => labIp(block, n),
      ipv6Loopback: block === 0,
    });
    aia.serve('/intermediate.der', certs.chainIncomplete.intermediateDer);

    const users = {
      ...LAB_USERS,
      password: canary(),
      otherPassword: `Other-${randomBytes(6).toString('base64url')}-9`,
    };
    const root = path.join(dir, 'dovecot');
    let hosts = labHosts(block);
    let files = await writeDovecotFiles(root, certs, users, hosts);
    let weakNote: string | null = null;
    const refusal = doveconfOk(files.specs.a.conf);
    if (refusal) {
      weakNote = `instance A refused the weak local block: ${refusal}`;
      hosts = labHosts(block, { weak: false });
      files = await writeDovecotFiles(root, certs, users, hosts);
    }

    const started = await Promise.allSettled(Object.values(files.specs).map((spec) => startDovecot(spec)));
    for (const r of started) if (r.status === 'fulfilled') instances.push(r.value);
    lock.update(instances.map((i) => i.pid));
    const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length)
      throw new Error(failed.map((f) => String((f.reason as Error).message ?? f.reason)).join('\n---\n'));

    const byName = Object.fromEntries(instances.map((i) => [i.spec.name, i])) as Record<DovecotName, DovecotInstance>;
    const names: DovecotName[] = ['a', 'b', 'c', 'd', 'e', 'f'];
    const info: LabInfo = {
      dir,
      block,
      hostname: 'imap.example.test',
      password: users.password,
      otherPassword: users.otherPassword,
      users: { alice: users.alice, locked: users.locked, other: users.other, disabled: users.disabled },
      syncUsers: users.sync,
      lockedReason: users.lockedReason,
      ports: { imap: 143, imaps: 993 },
      hosts,
      greetings: Object.fromEntries(names.map((n) => [n, byName[n].greetingLine])) as Record<DovecotName, string>,
      greetingTexts: Object.fromEntries(names.map((n) => [n, byName[n].spec.greeting])) as Record<DovecotName, string>,
      certs,
      aia: { port: aia.port, url: certs.chainIncomplete.aiaUrl },
      weakNote,
      dovecot: Object.fromEntries(
        names.map((n) => {
          const i = byName[n];
          return [n, { conf: i.spec.conf, log: i.spec.logPath, pid: i.pid, listen: i.spec.listen, startMs: i.startMs }];
        }),
      ) as LabInfo['dovecot'],
      startMs: Date.now() - t0,
    };
    return {
      info,
      stop: async () => {
        process.off('exit', onExit);
        await stop();
      },
    };
  } catch (err) {
    process.off('exit', onExit);
    await stop();
    throw err;
  }
}
