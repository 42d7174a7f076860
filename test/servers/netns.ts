/**
 * Network-namespace scenarios (iproute2 + iptables nf_tables; root only). `createNetns()` makes a server namespace
 * joined to the root namespace by a veth /30 (10.231.x.y, unique per call), optionally a client namespace joined to
 * the server by a second /30 (10.232.x.y) and IPv6 (fd00:231/232:…::/64, nodad). `destroy()` kills every child it
 * started and deletes the namespaces (their veths go with them); an exit hook and `cleanStaleNetns()` cover crashes.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NETNS_PREFIX = 'imapdoc-';

export interface NetnsSide {
  ns: string;
  /** IPv4 address of this namespace on the link. */
  ip: string;
  ip6?: string;
}

export interface Listener {
  pid: number;
  ns: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

export type ListenerKind =
  /** Accepts and holds the connection, never writes. */
  | { kind: 'tcp' }
  /** Writes `greeting` (default `* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] imap-doctor netns ready.`), answers `<tag> BAD` per line. */
  | { kind: 'imap'; greeting?: string }
  /** HTTPS (cert/key PEM paths) answering 200 `ok` to everything. */
  | { kind: 'https'; cert: string; key: string }
  | { kind: 'http' };

export interface NetnsLab {
  /** Unique id (pid-counter) used in every name. */
  id: string;
  /** The server namespace as seen from the root namespace (root side is `rootIp`). */
  server: NetnsSide;
  rootIp: string;
  rootIp6?: string;
  /** Present with `client: true`: the client namespace and the server's address on that link. */
  client?: NetnsSide & { serverIp: string; serverIp6?: string };
  /** Runs a command inside a namespace (`ip netns exec`). */
  exec(ns: string, cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }>;
  /** `iptables <args>` inside the namespace, e.g. ['-A','INPUT','-p','tcp','--dport','993','-j','DROP']. */
  iptables(ns: string, args: string[]): Promise<void>;
  ip6tables(ns: string, args: string[]): Promise<void>;
  /** Writes /proc/sys/<key> inside the namespace, e.g. ('net/ipv4/tcp_syn_retries', '2'). */
  sysctl(ns: string, key: string, value: string): Promise<void>;
  /** Starts a process inside the namespace as a child of this process; destroy() kills it. */
  spawn(ns: string, cmd: string, args: string[]): ChildProcess;
  /** A tiny Node listener inside the namespace; resolves when it listens. host defaults to '0.0.0.0'. */
  listen(ns: string, port: number, spec: ListenerKind, host?: string): Promise<Listener>;
  destroy(): Promise<void>;
}

const allLabs = new Set<{ namespaces: string[]; children: Set<ChildProcess> }>();
let hookInstalled = false;
let counter = 0;
let staleSwept = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on('exit', () => {
    for (const lab of allLabs) {
      for (const c of lab.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const ns of lab.namespaces) {
        try {
          execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
        } catch {
          // already gone
        }
      }
    }
  });
}

async function ip(args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`ip ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

/** Running (a zombie counts as dead: PID 1 does not reap here). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Deletes `imapdoc-<pid>-…` namespaces whose creating process is gone (killing what still runs inside). */
export async function cleanStaleNetns(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  const removed: string[] = [];
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${NETNS_PREFIX}(?:probe-)?(\\d+)-`).exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      const pids = (await run('ip', ['netns', 'pids', name])).stdout.split('\n').filter(Boolean).map(Number);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await ip(['netns', 'del', name]);
      removed.push(name);
    } catch {
      // raced with another cleaner
    }
  }
  return removed;
}

async function rootAddresses(): Promise<string> {
  return (await run('ip', ['-o', 'addr', 'show'])).stdout;
}

/** Node source for the in-namespace listeners (argv: kind host port a b). */
const LISTENER_SOURCE = String.raw`
const [kind, host, port, a, b] = process.argv.slice(1);
const net = require('node:net'), fs = require('node:fs');
let server;
if (kind === 'https' || kind === 'http') {
  const mod = require(kind === 'https' ? 'node:https' : 'node:http');
  const opts = kind === 'https' ? { cert: fs.readFileSync(a), key: fs.readFileSync(b) } : {};
  server = mod.createServer(opts, (req, res) => res.end('ok\n'));
} else {
  server = net.createServer((s) => {
    s.on('error', () => {});
    if (kind !== 'imap') return;
    s.write((a || '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] imap-doctor netns ready.') + '\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 2);
        s.write((line.split(' ')[0] || '*') + ' BAD netns listener\r\n');
      }
    });
  });
}
server.listen(Number(port), host, () => console.log('LISTENING ' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * `v4Base` is the first two octets of the server link's /30 (default 10.231); the --no-private tests use
 * 198.18 (RFC 2544's benchmarking range), which is neither loopback nor private.
 */
export async function createNetns(opts: { client?: boolean; ipv6?: boolean; v4Base?: string } = {}): Promise<NetnsLab> {
  installExitHook();
  if (!staleSwept) {
    staleSwept = true;
    await cleanStaleNetns();
  }
  const n = ++counter;
  const id = `${process.pid}-${n}`;
  const short = `${process.pid.toString(36)}${n.toString(36)}`;
  const serverNs = `${NETNS_PREFIX}${id}-s`;
  const clientNs = `${NETNS_PREFIX}${id}-c`;
  const rec = { namespaces: [] as string[], children: new Set<ChildProcess>() };
  allLabs.add(rec);

  // A /30 per call: pick from the pid and counter, skip any that the root namespace already uses.
  const used = await rootAddresses();
  let slot = (process.pid * 31 + n * 7) % 16384;
  const at = (base: string, host: number): string => `${base}.${slot >> 6}.${(slot & 63) * 4 + host}`;
  const base = opts.v4Base ?? '10.231';
  while (used.includes(`inet ${at(base, 1)}/`) || used.includes(`inet ${at(base, 2)}/`)) slot = (slot + 1) % 16384;
  const hex = slot.toString(16);

  const destroy = async (): Promise<void> => {
    await Promise.all(
      [...rec.children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => c.kill('SIGKILL'), 2000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    for (const ns of rec.namespaces.splice(0)) {
      try {
        await ip(['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
    allLabs.delete(rec);
  };

  try {
    await ip(['netns', 'add', serverNs]);
    rec.namespaces.push(serverNs);
    const rootIf = `idv${short}rs`;
    const srvIf = `idv${short}sr`;
    await ip(['link', 'add', rootIf, 'type', 'veth', 'peer', 'name', srvIf]);
    await ip(['link', 'set', srvIf, 'netns', serverNs]);
    await ip(['addr', 'add', `${at(base, 1)}/30`, 'dev', rootIf]);
    await ip(['-n', serverNs, 'addr', 'add', `${at(base, 2)}/30`, 'dev', srvIf]);
    if (opts.ipv6) {
      await ip(['addr', 'add', `fd00:231:${hex}::1/64`, 'dev', rootIf, 'nodad']);
      await ip(['-n', serverNs, 'addr', 'add', `fd00:231:${hex}::2/64`, 'dev', srvIf, 'nodad']);
    }
    await ip(['link', 'set', rootIf, 'up']);
    await ip(['-n', serverNs, 'link', 'set', 'lo', 'up']);
    await ip(['-n', serverNs, 'link', 'set', srvIf, 'up']);

    let client: NetnsLab['client'];
    if (opts.client) {
      await ip(['netns', 'add', clientNs]);
      rec.namespaces.push(clientNs);
      const cIf = `idv${short}cs`;
      const sIf = `idv${short}sc`;
      await ip(['-n', clientNs, 'link', 'add', cIf, 'type', 'veth', 'peer', 'name', sIf]);
      await ip(['-n', clientNs, 'link', 'set', sIf, 'netns', serverNs]);
      await ip(['-n', clientNs, 'addr', 'add', `${at('10.232', 1)}/30`, 'dev', cIf]);
      await ip(['-n', serverNs, 'addr', 'add', `${at('10.232', 2)}/30`, 'dev', sIf]);
      if (opts.ipv6) {
        await ip(['-n', clientNs, 'addr', 'add', `fd00:232:${hex}::1/64`, 'dev', cIf, 'nodad']);
        await ip(['-n', serverNs, 'addr', 'add', `fd00:232:${hex}::2/64`, 'dev', sIf, 'nodad']);
      }
      await ip(['-n', clientNs, 'link', 'set', 'lo', 'up']);
      await ip(['-n', clientNs, 'link', 'set', cIf, 'up']);
      await ip(['-n', serverNs, 'link', 'set', sIf, 'up']);
      client = {
        ns: clientNs,
        ip: at('10.232', 1),
        serverIp: at('10.232', 2),
        ...(opts.ipv6 ? { ip6: `fd00:232:${hex}::1`, serverIp6: `fd00:232:${hex}::2` } : {}),
      };
    }

    const exec = async (ns: string, cmd: string, args: string[]): Promise<{ stdout: string; stderr: string }> => {
      try {
        return await run('ip', ['netns', 'exec', ns, cmd, ...args]);
      } catch (err) {
        const e = err as Error & { stderr?: string };
        throw new Error(`[${ns}] ${cmd} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
      }
    };
    const spawnIn = (ns: string, cmd: string, args: string[]): ChildProcess => {
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.on('error', () => undefined);
      rec.children.add(child);
      child.once('exit', () => rec.children.delete(child));
      return child;
    };

    return {
      id,
      server: { ns: serverNs, ip: at(base, 2), ...(opts.ipv6 ? { ip6: `fd00:231:${hex}::2` } : {}) },
      rootIp: at(base, 1),
      ...(opts.ipv6 ? { rootIp6: `fd00:231:${hex}::1` } : {}),
      ...(client ? { client } : {}),
      exec,
      iptables: async (ns, args) => void (await exec(ns, 'iptables', args)),
      ip6tables: async (ns, args) => void (await exec(ns, 'ip6tables', args)),
      sysctl: async (ns, key, value) => void (await exec(ns, 'sh', ['-c', `echo ${value} > /proc/sys/${key}`])),
      spawn: spawnIn,
      listen: (ns, port, spec, host = '0.0.0.0') => {
        const extra =
          spec.kind === 'https' ? [spec.cert, spec.key] : spec.kind === 'imap' && spec.greeting ? [spec.greeting] : [];
        const child = spawnIn(ns, process.execPath, ['-e', LISTENER_SOURCE, spec.kind, host, String(port), ...extra]);
        return new Promise<Listener>((resolve, reject) => {
          let out = '';
          const fail = (why: string): void => reject(new Error(`listener in ${ns} ${why}: ${out.trim()}`));
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            fail('did not start in 5 s');
          }, 5000);
          child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
          child.stdout?.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /LISTENING (\d+)/.exec(out);
            if (!m) return;
            clearTimeout(timer);
            resolve({
              pid: child.pid ?? -1,
              ns,
              host,
              port: Number(m[1]),
              stop: () =>
                new Promise<void>((res) => {
                  if (child.exitCode !== null || child.signalCode !== null) return res();
                  child.once('exit', () => res());
                  child.kill('SIGTERM');
                }),
            });
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            fail(`exited with ${code}`);
          });
        });
      },
      destroy,
    };
  } catch (err) {
    await destroy();
    throw err;
  }
}
