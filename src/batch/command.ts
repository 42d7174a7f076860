/**
 * `imap-doctor --batch <file|->`, the command-line side: reads the list (and --credentials-file),
 * runs it (run.ts) on shared discovery, probes and DNS (share.ts), and prints each report the
 * moment it is ready — NDJSON with --format json, one line per address otherwise — then the summary
 * (stdout for text, stderr for JSON) and returns the worst exit code. Touches no `process` state:
 * cli.ts hands in the streams, the scrubbed writers and its option parsing.
 */
import { readFileSync } from 'node:fs';
import { InputError, parseAddress } from '../address.js';
import type { Backstop } from '../backstop.js';
import type { DoctorDeps } from '../doctor.js';
import { createDiscoverer, discoveryNetwork, hostLookupFor } from '../discovery/index.js';
import type { LookupAll } from '../dns/system-resolver.js';
import { noEvents } from '../events.js';
import { LIMITS } from '../limits.js';
import type { Report } from '../model/report.js';
import type { RunEvidence } from '../model/run-evidence.js';
import { createFetcher } from '../discovery/http.js';
import { addressPolicy, DEFAULTS, type RunOptions } from '../options.js';
import { createTrustStore } from '../probes/trust.js';
import type { Display } from '../render/format.js';
import { inertJson } from '../render/visible.js';
import type { Secret } from '../util/secret.js';
import { VERSION } from '../version.js';
import { readCredentialsFile } from './credentials.js';
import { parseBatchList, type BatchEntry } from './input.js';
import { createBatchBar, type BatchBar } from './progress.js';
import { runBatch } from './run.js';
import { createBatchShare, type BatchShare, type ShareStats } from './share.js';
import { NODE_IO } from '../io.js';
import { countReport, emptyTally, reportLine, summaryText, worseExit, type Tally } from './summary.js';

export type BatchCredentials = Pick<RunOptions, 'credentials' | 'noLoginReason' | 'batch'>;

/** What cli.ts hands the batch: its streams, scrubbed writers, and how it turns flags into options. */
export interface BatchCli {
  x: Record<string, unknown>;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  stderr: { isTTY?: boolean; columns?: number };
  /** Where out() writes in the end, for its backpressure ('drain'). */
  stdout: { writableNeedDrain?: boolean; once?: (event: 'drain', fn: () => void) => unknown };
  out(s: string): void;
  err(s: string): void;
  /** stderr for the bar (scrubbed, its escape sequences kept). */
  progress: NodeJS.WritableStream;
  /** Every form of a secret of the batch: scrubbed from every output before the first run. */
  addSecretForms(forms: string[]): void;
  optionsFor(address: string, host: string | undefined, creds: BatchCredentials): Promise<RunOptions>;
  /** The report as it leaves the doctor: scrubbed, redacted on request, evidence in when asked. */
  shown(report: Report, evidence: RunEvidence | undefined): Report;
  exitCodeFor(r: Report): number;
  display: Display;
  uid: number;
  node: string;
  lookup?: LookupAll;
  onSigint?: (fn: () => void) => void;
  backstop?: (fd?: number, perAddress?: boolean) => Backstop;
}

/** Options that name one account or one file, which a batch cannot apply to every line. */
const NOT_IN_BATCH: Array<[string, string]> = [
  ['user', "--user (each line's address is its login name)"],
  ['passwordStdin', '--password-stdin (use --credentials-file)'],
  ['oauthToken', '--oauth-token'],
  ['saveEvidence', '--save-evidence (use --include-evidence: each JSON report then carries its evidence)'],
];

function refuseConflicts(x: Record<string, unknown>, address: string | undefined, d: Display): void {
  if (address !== undefined)
    throw new InputError(`--batch reads the addresses from its list; leave out the address "${address}"`);
  for (const [key, text] of NOT_IN_BATCH)
    if (x[key] !== undefined && x[key] !== false) throw new InputError(`${text} cannot be used with --batch`);
  if (d.format === 'markdown' || d.format === 'html') {
    throw new InputError(
      `--batch prints text or JSON (NDJSON, one report per line); for ${d.format}, save the JSON lines and render one with imap-doctor show --format ${d.format}`,
    );
  }
  if (x.credentialsFile !== undefined && x.login === false)
    throw new InputError('--credentials-file and --no-login contradict each other; use one');
}

/** The list's text: a file, or standard input for `-`, bounded in size. */
async function readList(source: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (source !== '-') {
    try {
      return readFileSync(source, 'utf8').slice(0, DEFAULTS.batchListChars);
    } catch (e) {
      throw new InputError(`--batch ${source}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  let text = '';
  for await (const c of stdin) {
    text += typeof c === 'string' ? c : (c as Buffer).toString('utf8');
    if (text.length > DEFAULTS.batchListChars) break;
  }
  return text.slice(0, DEFAULTS.batchListChars);
}

/** Each address's credentials: its line of --credentials-file, or no login (and why). */
function credentialsOf(b: BatchCli, entries: readonly BatchEntry[]): (address: string) => BatchCredentials {
  const file = typeof b.x.credentialsFile === 'string' ? b.x.credentialsFile : undefined;
  if (b.x.login === false) return () => ({ credentials: null, noLoginReason: 'disabled', batch: true });
  if (!file) {
    b.err('imap-doctor: no --credentials-file: the batch runs without logins (as --no-login)\n');
    return () => ({ credentials: null, noLoginReason: 'batch', batch: true });
  }
  const secrets = readCredentialsFile(file, b.uid);
  for (const e of entries) {
    const key = parseAddress(e.address).address;
    const s = secrets.get(key);
    if (s) b.addSecretForms([...new Set([...s.variants(e.address), ...s.variants(key)])]);
  }
  return (address) => {
    const s: Secret | undefined = secrets.get(parseAddress(address).address);
    return s
      ? { credentials: { user: address, password: s, from: 'credentials-file' }, batch: true }
      : { credentials: null, noLoginReason: 'batch', batch: true };
  };
}

/** The doctor's deps of every address, on one DNS cache, one discovery per domain, one probe per endpoint. */
function sharedDeps(
  b: BatchCli,
  opts: RunOptions,
): { share: BatchShare; doctor: Omit<DoctorDeps, 'onClock' | 'onEvidence' | 'onProgress'> } {
  const share = createBatchShare({
    deadlineMs: opts.deadlineMs,
    timeoutMs: opts.timeoutMs,
    maxEntries: DEFAULTS.batchSharedEntries,
  });
  const net = discoveryNetwork(opts, b.lookup);
  const resolver = share.resolver(net.resolver);
  // With --dns, host lookups are A/AAAA queries to the same servers: one cache for both.
  const lookup = share.lookup(opts.dnsServers.length > 0 ? hostLookupFor(resolver) : net.lookup);
  // One trust store and one HTTPS client for the batch: a secure context costs milliseconds to build.
  const trust = createTrustStore(opts.caPem);
  const fetcher = createFetcher({
    lookup,
    trust,
    maxBytes: DEFAULTS.maxBodyBytes,
    maxRedirects: DEFAULTS.maxRedirects,
    policy: addressPolicy({ ...opts, host: undefined }),
    io: NODE_IO,
  });
  const discover = share.discover(createDiscoverer({ resolver, lookup, fetcher }));
  // No `standards` deps: DANE's TLSA/DNSSEC questions and OAuth issuer metadata are per-run extras a
  // batch leaves out (they would repeat per address outside the shared cache); docs/batch.md says so.
  return {
    share,
    doctor: {
      lookup,
      discover,
      probe: share.probe(),
      trust,
      emit: noEvents,
      io: NODE_IO,
      version: VERSION,
      node: b.node,
    },
  };
}

export async function runBatchCommand(b: BatchCli, address: string | undefined): Promise<number> {
  const source = String(b.x.batch);
  refuseConflicts(b.x, address, b.display);
  const list = parseBatchList(await readList(source, b.stdin));
  for (const bad of list.bad) b.err(`imap-doctor: --batch ${source}, line ${bad.line}: ${bad.message}\n`);
  if (list.entries.length === 0)
    throw new InputError(
      `--batch ${source}: no address in the list${list.bad.length > 0 ? ' (every line had an error)' : ''}`,
    );
  const creds = credentialsOf(b, list.entries);
  return printBatch(b, list.entries, list.bad.length, creds);
}

/** After the next turn of the event loop, and once stdout has drained if a reader is slow (no report piles up in memory). */
function drained(stdout: BatchCli['stdout']): Promise<void> {
  return new Promise((resolve) => {
    if (stdout.writableNeedDrain && stdout.once) stdout.once('drain', () => resolve());
    else setImmediate(resolve);
  });
}

/** Where the batch's output goes: stdout (claimed from the backstop first), the bar, and the backstop's own copy. */
interface BatchOutput {
  json: boolean;
  write(s: string): void;
  bar: BatchBar;
  backstop: Backstop | undefined;
}

/** What the batch knows so far (the tally, the worst exit code, the runs in flight), its summary, and what each run, report or bad line changes. */
function createBatchState(
  b: BatchCli,
  out: BatchOutput,
  f: { total: number; badLines: number; t0: number; stats: () => ShareStats },
) {
  const tally: Tally = { ...emptyTally(), badLines: f.badLines };
  const state = {
    tally,
    exit: f.badLines > 0 ? 2 : 0,
    running: 0,
    summary: (final: boolean, interrupted?: { notStarted: number }): string =>
      summaryText({
        tally,
        total: f.total,
        ms: performance.now() - f.t0,
        exit: final ? state.exit : worseExit(state.exit, 3),
        share: f.stats(),
        ...(interrupted ? { interrupted } : {}),
      }),
    onStart: (_e: BatchEntry, opts: RunOptions): void => {
      state.running++;
      // Fires only past every guard of the runs themselves: the main thread must be blocked.
      out.backstop?.arm(opts.deadlineMs + 2 * LIMITS.backstopGraceMs);
    },
    onReport: (_e: BatchEntry, _opts: RunOptions, report: Report, evidence: RunEvidence | undefined): void => {
      state.running--;
      const r = b.shown(report, evidence);
      state.exit = worseExit(state.exit, b.exitCodeFor(r));
      countReport(tally, r);
      out.write(out.json ? inertJson(r, 0) : `${reportLine(r, b.display.text.color)}\n`);
      out.bar.update(tally.ok + tally.warning + tally.error, tally.warning + tally.error, state.running);
      out.backstop?.feed(
        `imap-doctor: the batch stopped (blocked past --deadline); what finished:\n${state.summary(false)}`,
        worseExit(state.exit, 3),
      );
    },
    onBadLine: (line: number, message: string): void => {
      tally.badLines++;
      state.exit = worseExit(state.exit, 2);
      b.err(`imap-doctor: --batch line ${line}: ${message}\n`);
    },
  };
  return state;
}

/** Runs the entries, printing as they finish; the summary last. Returns the batch's exit code. */
async function printBatch(
  b: BatchCli,
  entries: BatchEntry[],
  badLines: number,
  creds: (address: string) => BatchCredentials,
): Promise<number> {
  const json = b.display.format === 'json';
  const t0 = performance.now();
  let shared: ReturnType<typeof sharedDeps> | undefined;
  const bar = await createBatchBar(b.progress, {
    enabled: b.stderr.isTTY === true && (b.stderr.columns ?? 0) > 0 && !b.x.quiet && !b.env.CI,
    color: b.display.text.color,
    total: entries.length,
  });
  // The backstop prints the summary where it would go if the main thread is ever blocked.
  const backstop = b.backstop?.(json ? 2 : 1, true);
  const write = (s: string) => {
    if (backstop && !backstop.claim()) return;
    b.out(s);
    backstop?.release();
  };
  const stats = () => shared?.share.stats() ?? { discoveries: 0, probes: 0, lookups: 0, queries: 0, reused: 0 };
  const state = createBatchState(b, { json, write, bar, backstop }, { total: entries.length, badLines, t0, stats });
  const run = runBatch(entries, {
    concurrency: (b.x.concurrency as number | undefined) ?? DEFAULTS.batchConcurrency,
    ready: () => drained(b.stdout),
    share: () => shared?.share,
    optionsFor: async (e) => {
      const opts = await b.optionsFor(e.address, e.host, creds(e.address));
      shared ??= sharedDeps(b, opts);
      return opts;
    },
    doctor: () => (shared as ReturnType<typeof sharedDeps>).doctor,
    onStart: state.onStart,
    onReport: state.onReport,
    onBadLine: state.onBadLine,
  });
  b.onSigint?.(() => run.interrupt());
  await run.done;
  bar.stop();
  backstop?.disarm();
  const interrupted = run.interrupted ? { notStarted: run.counts().notStarted } : undefined;
  if (interrupted) state.exit = 130;
  const text = state.summary(true, interrupted);
  if (json) b.err(text);
  else write(`\n${text}`);
  return state.exit;
}
