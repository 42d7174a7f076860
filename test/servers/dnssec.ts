/**
 * A DNSSEC lab for tests, from Debian packages: zones signed with ldns-keygen/ldns-signzone (ldnsutils),
 * served by nsd, and unbound as the validating resolver with the test trust anchors (the zones' KSK
 * DS records; a zone can be given a wrong anchor, or have chosen signatures corrupted, to make its
 * answers bogus). Both run in the foreground as children of the test process, on a random 127.78.x.y
 * (nsd on :5353, unbound on :53), retried on a collision, so concurrent test runs never meet. Only
 * for tests. `resolver` is what `--dns` takes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { RECURSION_DESIRED, decode, encode } from 'dns-packet';
import { stopChild } from './dovecot.js';
import { hasProgram } from './lab.js';

const run = promisify(execFile);

export interface DnssecZone {
  /** The zone apex, e.g. 'example.test'. */
  origin: string;
  /** Zone-file lines (owner names absolute with a trailing dot, or relative to the origin). SOA and NS are added. */
  records: string[];
  /** 'signed': valid signatures and a matching anchor; 'unsigned': no anchor, answers are insecure; 'wrong-anchor': signed, but unbound trusts another key (every answer bogus). */
  signing: 'signed' | 'unsigned' | 'wrong-anchor';
  /** RRsets whose signatures are corrupted after signing (bogus on their own): owner (absolute, no dot) and type. */
  corrupt?: Array<{ name: string; type: string }>;
}

export interface DnssecLab {
  /** unbound, 'ip:53': the validating resolver to pass as --dns. */
  resolver: string;
  /** nsd, 'ip:5353'. */
  authoritative: string;
  dir: string;
  stop(): Promise<void>;
}

const TOOLS: Record<string, string> = {
  nsd: 'nsd',
  'ldns-signzone': 'ldnsutils',
  'ldns-keygen': 'ldnsutils',
  unbound: 'unbound',
};

/** What the DNSSEC lab lacks (root, nsd, ldnsutils, unbound), or null. */
export function dnssecPrerequisites(): string | null {
  const missing: string[] = [];
  if ((process.getuid?.() ?? -1) !== 0)
    missing.push('not running as root (unbound and nsd bind port 53 and run without dropping privileges)');
  for (const [bin, pkg] of Object.entries(TOOLS))
    if (!hasProgram(bin)) missing.push(`${bin} not installed (apt-get install ${pkg})`);
  return missing.length > 0 ? missing.join('; ') : null;
}

async function keygen(dir: string, origin: string, ksk: boolean): Promise<string> {
  const { stdout } = await run('ldns-keygen', ['-a', 'ECDSAP256SHA256', ...(ksk ? ['-k'] : []), origin], { cwd: dir });
  return stdout.trim();
}

/** The RRSIG of (name, type) with its signature's first character changed. */
function corruptSignatures(text: string, corrupt: Array<{ name: string; type: string }>): string {
  return text
    .split('\n')
    .map((line) => {
      const f = line.split(/\s+/);
      const hit = f[3] === 'RRSIG' && corrupt.some((c) => f[0] === `${c.name}.` && f[4] === c.type);
      if (!hit) return line;
      const cut = line.lastIndexOf(' ');
      const sig = line.slice(cut + 1);
      return `${line.slice(0, cut + 1)}${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    })
    .join('\n');
}

/** Writes the zone file (signed when asked) and returns [zone file name, trust-anchor file or null]. */
async function prepareZone(dir: string, ip: string, z: DnssecZone): Promise<[string, string | null]> {
  const file = `${z.origin}.zone`;
  const head = [
    `$ORIGIN ${z.origin}.`,
    '$TTL 60',
    `@ IN SOA ns.${z.origin}. hostmaster.${z.origin}. 1 3600 600 86400 60`,
    `@ IN NS ns.${z.origin}.`,
    `ns IN A ${ip}`,
  ];
  await writeFile(path.join(dir, file), [...head, ...z.records, ''].join('\n'));
  if (z.signing === 'unsigned') return [file, null];
  const ksk = await keygen(dir, z.origin, true);
  const zsk = await keygen(dir, z.origin, false);
  await run('ldns-signzone', ['-o', `${z.origin}.`, file, zsk, ksk], { cwd: dir });
  const signed = `${file}.signed`;
  if (z.corrupt?.length)
    await writeFile(
      path.join(dir, signed),
      corruptSignatures(await readFile(path.join(dir, signed), 'utf8'), z.corrupt),
    );
  const anchorKey = z.signing === 'wrong-anchor' ? await keygen(dir, z.origin, true) : ksk;
  return [signed, path.join(dir, `${anchorKey}.ds`)];
}

function nsdConf(dir: string, ip: string, zones: Array<[DnssecZone, string]>): string {
  return [
    'server:',
    `  ip-address: ${ip}@5353`,
    '  port: 5353',
    '  do-ip6: no',
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    '  database: ""',
    `  zonelistfile: "${dir}/zone.list"`,
    `  xfrdfile: "${dir}/xfrd.state"`,
    `  xfrdir: "${dir}"`,
    `  pidfile: "${dir}/nsd.pid"`,
    `  logfile: "${dir}/nsd.log"`,
    '  server-count: 1',
    '  verbosity: 1',
    'remote-control:',
    '  control-enable: no',
    ...zones.flatMap(([z, file]) => ['zone:', `  name: ${z.origin}`, `  zonefile: ${file}`]),
    '',
  ].join('\n');
}

function unboundConf(dir: string, ip: string, zones: Array<[DnssecZone, string | null]>): string {
  return [
    'server:',
    `  interface: ${ip}@53`,
    '  do-ip6: no',
    '  do-daemonize: no',
    '  username: ""',
    '  chroot: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${dir}/unbound.pid"`,
    '  use-syslog: no',
    '  logfile: ""',
    '  verbosity: 1',
    '  num-threads: 1',
    '  so-reuseport: no',
    '  outgoing-range: 64',
    '  access-control: 127.0.0.0/8 allow',
    '  do-not-query-localhost: no',
    '  module-config: "validator iterator"',
    '  qname-minimisation: no',
    // Nothing outside the test zones is ever asked on the internet.
    '  local-zone: "." static',
    ...zones.flatMap(([z, anchor]) => [
      `  local-zone: "${z.origin}." transparent`,
      ...(anchor ? [`  trust-anchor-file: "${anchor}"`] : []),
    ]),
    'remote-control:',
    '  control-enable: no',
    ...zones.flatMap(([z]) => ['stub-zone:', `  name: "${z.origin}"`, `  stub-addr: ${ip}@5353`]),
    '',
  ].join('\n');
}

/** One SOA question; true when the server answered NOERROR. */
function answers(ip: string, port: number, name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const timer = setTimeout(() => finish(false), 300);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    s.on('error', () => finish(false));
    s.on('message', (m) => finish(((decode(m).flags ?? 0) & 0xf) === 0));
    s.send(
      encode({ type: 'query', id: randomInt(0, 65536), flags: RECURSION_DESIRED, questions: [{ type: 'SOA', name }] }),
      port,
      ip,
    );
  });
}

function startChild(cmd: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  child.on('error', (e) => (out += `spawn error: ${e.message}`));
  return { child, output: () => out };
}

async function waitReady(ip: string, port: number, name: string, child: ChildProcess, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await answers(ip, port, name)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** One attempt on one address; null when a server would not come up there (another run holds it). */
async function tryStart(dir: string, ip: string, zones: DnssecZone[]): Promise<DnssecLab | null> {
  const prepared = await Promise.all(zones.map(async (z) => [z, ...(await prepareZone(dir, ip, z))] as const));
  await writeFile(
    path.join(dir, 'nsd.conf'),
    nsdConf(
      dir,
      ip,
      prepared.map(([z, file]) => [z, file]),
    ),
  );
  await writeFile(
    path.join(dir, 'unbound.conf'),
    unboundConf(
      dir,
      ip,
      prepared.map(([z, , anchor]) => [z, anchor]),
    ),
  );
  const first = `${zones[0]?.origin ?? 'test'}.`;
  const nsd = startChild('nsd', ['-d', '-c', path.join(dir, 'nsd.conf')]);
  live.add(nsd.child);
  if (!(await waitReady(ip, 5353, first, nsd.child))) {
    await stopChild(nsd.child);
    const log = await readFile(path.join(dir, 'nsd.log'), 'utf8').catch(() => '');
    if (!/already in use|can't bind|cannot bind/i.test(`${log}${nsd.output()}`))
      throw new Error(`nsd did not start: ${`${log}${nsd.output()}`.trim()}`);
    return null;
  }
  const unbound = startChild('unbound', ['-d', '-c', path.join(dir, 'unbound.conf')]);
  live.add(unbound.child);
  if (!(await waitReady(ip, 53, first, unbound.child))) {
    await Promise.all([stopChild(unbound.child), stopChild(nsd.child)]);
    if (!/address already in use|could not open ports/i.test(unbound.output()))
      throw new Error(`unbound did not start: ${unbound.output().trim()}`);
    return null;
  }
  return {
    resolver: `${ip}:53`,
    authoritative: `${ip}:5353`,
    dir,
    stop: async () => {
      await Promise.all([stopChild(unbound.child), stopChild(nsd.child)]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startDnssecLab(zones: DnssecZone[]): Promise<DnssecLab> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'imapdoc-dnssec-'));
    const ip = `127.78.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const lab = await tryStart(dir, ip, zones).catch(async (err: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw err;
    });
    if (lab) return lab;
    await rm(dir, { recursive: true, force: true });
  }
  throw new Error('DNSSEC lab: no free 127.78.x.y address after 20 tries');
}
