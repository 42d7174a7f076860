/**
 * The launcher's early DNS queries (dist/early.js, loaded by bin/imap-doctor.js before dist/cli.js; issue
 * #9: the first packet leaves within 60 ms). Only for a command line that is, without doubt, the plain
 * diagnosis of one address that will go on to discovery: an allow-list of options with values that pass
 * the command line's own checks, one address that parses, no password prompt ahead. Then discovery's first
 * questions (discovery/first-questions.ts; with --host, the host's A and AAAA instead) go to the server its
 * resolver asks first (the first --dns, else the first resolv.conf server), byte for byte as the resolver
 * would send them, and the resolver takes them over (dns/early.ts). Anything else — a subcommand, --batch,
 * --help, an unknown option, a value in doubt — sends nothing. No commander here, and nothing that can
 * fail the run.
 */
import { ipVersion, normaliseHost, parseAddress } from './address.js';
import { sendEarly } from './dns/early.js';
import { RUN_DNSSEC, type Question } from './dns/query.js';
import { formatServer, normalizeName, parseServerSpec, systemServers, type RecordType } from './dns/resolver.js';
import { firstQuestions } from './discovery/first-questions.js';
import { parseIspdbUrl } from './discovery/ispdb-url.js';
import { readCaFile } from './util/pem.js';
import { OPTION_RANGES } from './options.js';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { succeeds } from './util/succeeds.js';

/** Options that change nothing before discovery's first questions, each with the check of its value (true: passes). */
const VALUED: Record<string, (v: string) => boolean> = {
  '--dns': (v) => succeeds(() => formatServer(parseServerSpec(v))),
  '--ca-file': (v) => !('problem' in readCaFile(v)),
  '--ispdb-url': (v) => succeeds(() => parseIspdbUrl(v)),
  '--user': () => true,
  '--timeout': (v) => wholeIn(v, OPTION_RANGES.timeout),
  '--deadline': (v) => wholeIn(v, OPTION_RANGES.deadline),
  '--host': (v) => normaliseHost(v) !== null,
  '--port': (v) => wholeIn(v, OPTION_RANGES.port),
  // commander's choices for --security (src/cli.ts).
  '--security': (v) => ['tls', 'starttls', 'plain'].includes(v),
  '--save-evidence': writable,
};
const FLAGS = new Set([
  '--json',
  '--verbose',
  '--quiet',
  '--no-color',
  '--transcript',
  '--redact',
  '--include-evidence',
  '--no-login',
  '--guess',
  '--send-address',
  '--no-ispdb',
]);

/** What commander's intIn accepts. */
function wholeIn(v: string, [min, max]: readonly [number, number]): boolean {
  return /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
}

/** Whether the run's openEvidenceFile can open `file` for writing (a file that can be written, or a new one in a writable directory). */
function writable(file: string): boolean {
  return succeeds(() => {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw new Error('a directory');
    if (!st && !statSync(path.dirname(file)).isDirectory()) throw new Error('no directory');
    accessSync(st ? file : path.dirname(file), constants.W_OK);
  });
}

export interface EarlyPlan {
  /** 'ip:port' of the server. */
  server: string;
  questions: Question[];
}

interface Parsed {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

/** The command line by the allow-list, or undefined at the first thing outside it. */
function parseArgv(argv: readonly string[]): Parsed | undefined {
  const p: Parsed = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) {
      p.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const check = VALUED[name];
    if (FLAGS.has(arg)) p.flags.add(arg);
    else if (check) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('-')) || !check(value)) return undefined;
      p.values.set(name, [...(p.values.get(name) ?? []), value]);
    } else return undefined;
  }
  return p;
}

/**
 * What to send early for this command line (argv without node and the script), or undefined when
 * nothing may be sent. `stdinIsTty`: a password prompt would come first unless a secret is in the env
 * or the login is off.
 */
export function earlyPlan(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  stdinIsTty: boolean,
): EarlyPlan | undefined {
  const p = parseArgv(argv);
  if (!p || p.positional.length !== 1 || (p.flags.has('--verbose') && p.flags.has('--quiet'))) return undefined;
  const prompts =
    stdinIsTty && !p.flags.has('--no-login') && env.IMAP_DOCTOR_PASSWORD === undefined && !env.IMAP_DOCTOR_OAUTH_TOKEN;
  if (prompts) return undefined;
  let domain: string;
  try {
    domain = parseAddress(p.positional[0] as string).domain;
  } catch {
    return undefined;
  }
  const first = firstAsked(p, domain);
  const server = p.values.get('--dns')?.[0] ?? systemServers()[0];
  if (!first || server === undefined) return undefined;
  const questions = first.map((q) => ({ name: normalizeName(q.name), type: q.type, edns: true }));
  return { server: formatServer(parseServerSpec(server)), questions };
}

/** Discovery's first questions, or with --host its A and AAAA (nothing for an IP address; as src/cli.ts, the last --host counts). */
function firstAsked(p: Parsed, domain: string): Array<{ name: string; type: RecordType }> | undefined {
  const hosts = p.values.get('--host');
  if (!hosts) return p.values.has('--port') || p.values.has('--security') ? undefined : firstQuestions(domain);
  const host = normaliseHost(hosts[hosts.length - 1] as string);
  if (host === null || ipVersion(host) !== 0) return undefined;
  return [
    { name: host, type: 'A' },
    { name: host, type: 'AAAA' },
  ];
}

/** Sends the plan's queries, if any, as discovery's resolver would (EDNS on, RUN_DNSSEC's bits). Never throws. */
export function startEarly(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  stdinIsTty: boolean,
): void {
  try {
    const plan = earlyPlan(argv, env, stdinIsTty);
    if (plan) sendEarly(plan.server, plan.questions, RUN_DNSSEC);
  } catch {
    // The run asks for itself.
  }
}
