/**
 * getaddrinfo (what mail apps use: /etc/hosts, nsswitch, the system resolver) in a helper process.
 * getaddrinfo cannot be cancelled, and a lookup stuck in libuv's thread pool holds the process after
 * its report: exit() joins the pool, so a resolver that never answers kept the run alive for tens of
 * seconds. In a child process a stuck lookup is simply abandoned: `close()` kills the child. Where no
 * child can be started (inside a single executable) the lookup runs in-process as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import { createRequire } from 'node:module';
import type { LookupAll } from './system-resolver.js';

export interface LookupHelper {
  lookup: LookupAll;
  /** Start the helper now (it starts on the first lookup otherwise), so that lookup does not wait for it. */
  warm(): void;
  /** Kill the helper (and with it any lookup still pending). */
  close(): void;
}

/** The helper's program: one JSON line in ({id, name, family}), one JSON line out per lookup. */
function helperMain(req: NodeRequire): void {
  const dns = req('node:dns') as typeof import('node:dns');
  const rl = (req('node:readline') as typeof import('node:readline')).createInterface({ input: process.stdin });
  rl.on('line', (line: string) => {
    const { id, name, family } = JSON.parse(line) as { id: number; name: string; family: 4 | 6 };
    dns.lookup(name, { family, all: true }, (err, addresses) => {
      const e = err as NodeJS.ErrnoException | null;
      process.stdout.write(
        `${JSON.stringify(e ? { id, error: { code: e.code, errno: e.errno, message: e.message } } : { id, addresses })}\n`,
      );
    });
  });
  rl.on('close', () => process.exit(0));
}

type Reply = { id: number; addresses?: LookupAddress[]; error?: { code?: string; errno?: number; message: string } };

type Pending = Map<number, { resolve: (a: LookupAddress[]) => void; reject: (e: Error) => void }>;

/** Settles each pending lookup with the helper's answer line for it (an error keeps its code for the classification). */
function readReplies(c: ChildProcess, pending: Pending): void {
  let buf = '';
  c.stdout?.setEncoding('utf8');
  c.stdout?.on('data', (d: string) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const r = JSON.parse(buf.slice(0, nl)) as Reply;
      buf = buf.slice(nl + 1);
      const p = pending.get(r.id);
      pending.delete(r.id);
      if (r.error) p?.reject(Object.assign(new Error(r.error.message), { code: r.error.code, errno: r.error.errno }));
      else p?.resolve(r.addresses ?? []);
    }
  });
}

/** Is this process a single executable (Node SEA), where `node -e` cannot be started? */
function inSingleExecutable(): boolean {
  try {
    // Any absolute path will do to load a built-in; import.meta.url is not there inside a bundle.
    return (createRequire(process.execPath)('node:sea') as { isSea(): boolean }).isSea();
  } catch {
    return false;
  }
}

/**
 * The helper's environment: the run's, without NODE_EXTRA_CA_CERTS. The helper makes no TLS connection,
 * and Node reads and parses that file before anything else at every start (~40 ms of CPU for a system
 * bundle such as /etc/ssl/certs/ca-certificates.crt, a third of what the helper costs).
 */
export function helperEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const { NODE_EXTRA_CA_CERTS: _notForTheHelper, ...rest } = env;
  return rest;
}

/** `env`: the run's environment (cli.ts passes process.env), handed to the helper as helperEnv makes it. */
export function createLookupHelper(env: Readonly<Record<string, string | undefined>>): LookupHelper {
  let child: ChildProcess | null = null;
  let failed = inSingleExecutable();
  let next = 0;
  const pending: Pending = new Map();
  const abandon = (why: string) => {
    for (const p of pending.values()) p.reject(Object.assign(new Error(why), { code: 'ELOOKUPHELPER' }));
    pending.clear();
  };
  const start = (): ChildProcess | null => {
    if (child || failed) return child;
    try {
      child = spawn(process.execPath, ['-e', `(${helperMain.toString()})(require)`], {
        stdio: ['pipe', 'pipe', 'ignore'],
        env: helperEnv(env),
      });
    } catch {
      failed = true;
      return null;
    }
    const c = child;
    c.on('error', () => {
      failed = true;
      abandon('the lookup helper could not start');
    });
    c.on('exit', () => {
      // Ended early (it is only ever killed at the end): what is pending fails, the rest runs in-process.
      child = null;
      failed = true;
      abandon('the lookup helper ended');
    });
    c.stdin?.on('error', () => {});
    readReplies(c, pending);
    // Never what keeps the process alive: the run's own timeouts bound every lookup.
    c.unref();
    (c.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    (c.stdout as unknown as { unref?: () => void } | null)?.unref?.();
    return c;
  };
  const lookup: LookupAll = (name, o) => {
    const c = start();
    if (!c?.stdin) return dnsPromises.lookup(name, o);
    const id = next++;
    return new Promise<LookupAddress[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      c.stdin?.write(`${JSON.stringify({ id, name, family: o.family })}\n`);
    });
  };
  return {
    lookup,
    warm: () => void start(),
    close: () => {
      child?.kill('SIGKILL');
      child = null;
    },
  };
}
