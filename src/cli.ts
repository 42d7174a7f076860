/**
 * The command line: the only module that touches `process` (argv, env, stdin/stdout/stderr,
 * exit code). Parses options with commander, gathers the password without ever taking it from
 * argv, runs the doctor, prints one report to stdout (progress only on a TTY stderr) and maps
 * the verdict to the exit code. Every byte written passes a last-line secret scrubber.
 */
import { setFlagsFromString } from 'node:v8';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { InputError, normaliseHost, parseAddress } from './address.js';
import type { RunProgress } from './doctor.js';
import type { Security } from './model/evidence.js';
import type { Report } from './model/report.js';
import {
  DEFAULTS,
  FAIL_ON,
  FAIL_ON_TEXT,
  OUTPUT_FORMATS,
  REFERENCE_TEXT,
  defaultRunOptions,
  deadlineFor,
  parseReference,
  typedValues,
  OPTION_RANGES,
  type Credentials,
  type FailOn,
  type Reference,
  type RunOptions,
} from './options.js';
import { helpText } from './help.js';
import { cliSpec, type CliSpec } from './render/cli-spec.js';
import { renderCompletion, SHELLS, type Shell } from './render/completion.js';
import { readCaFile } from './util/pem.js';
import { addDiscoveryOptions, asArg, discoveryOptionsFrom } from './discovery/cli-options.js';
import { addPublishCommand } from './publish/cli-command.js';
import type { DisplayFlags, Screen } from './render/format.js';
import type { RunEvidence } from './model/run-evidence.js';
import type { SupportDeps } from './show/command.js';
import { addSupportCommands } from './show/register.js';
import { evidenceJson, openEvidenceFile, writeEvidence } from './show/save.js';
import { createProgress } from './render/progress.js';
import { Secret, scrub, scrubDeep, textForms } from './util/secret.js';
import { defaultStoreIsBundled, setNodeStoreBundled } from './util/node-ca-store.js';
import { startBackstop, startWorkerBackstop, type Backstop } from './backstop.js';
import { createLookupHelper } from './dns/lookup-helper.js';
import type { LookupAll } from './dns/system-resolver.js';
import { thrown, type InternalWhere } from './errors/classify.js';
import type { RunEvent } from './events.js';
import { visible } from './render/visible.js';
import { VERSION } from './version.js';
import { LIMITS } from './limits.js';
import { isIP, isIPv6 } from 'node:net';
import { addBatchOptions } from './batch/cli-options.js';
import type { BatchCli, BatchCredentials } from './batch/command.js';

export interface CliIo {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (b: boolean) => unknown };
  onSigint?: (fn: () => void) => void;
  /**
   * Starts the deadline backstop, printing to `fd` (default stdout); `perAddress`: a batch's, armed again
   * for each address (main() does; tests that run the CLI in-process do not).
   */
  backstop?: (fd?: number, perAddress?: boolean) => Backstop;
  /** getaddrinfo for the run (main() gives the lookup helper, which cannot hold the process); default in-process. */
  lookup?: LookupAll;
  /** Starts the lookup helper ahead of its first lookup, while the run's own code loads. */
  warmLookup?: () => void;
}

export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3, interrupted: 130 } as const;

export { VERSION };

export class UsageError extends Error {}
/** Ctrl-C before the run started (at the password prompt). */
class InterruptedAtPrompt extends Error {}

export function intIn(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}`);
    return n;
  };
}

export function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

type Support = Pick<SupportDeps, 'out' | 'tool' | 'exitCodeFor'>;

function buildProgram(
  io: CliIo,
  run: (address: string | undefined, o: Record<string, unknown>) => Promise<number>,
  explain: (code: string | undefined, o: { list?: boolean }) => Promise<number>,
  support: Support,
  publish: (domain: string, o: Record<string, unknown>) => Promise<number>,
) {
  const program = new Command('imap-doctor');
  program
    .description("Find out why an email account's IMAP connection does not work, and say so in plain words.")
    .version(VERSION, '-V, --version')
    .argument('[address]', 'the email address to diagnose, e.g. alice@example.com (not with --batch)');
  addProbeOptions(program);
  addOutputOptions(program);
  program
    .addHelpText('after', helpText())
    .showHelpAfterError('(run imap-doctor --help for usage)')
    .action(async (address: string | undefined, o: Record<string, unknown>) => void (code = await run(address, o)));
  addDiscoveryOptions(program);
  addBatchOptions(program, { intIn });
  // Options after a subcommand's name belong to it (show --format, diff --json).
  program.enablePositionalOptions();
  program.exitOverride();
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    // An option's value is never echoed back: a password typed as --password=… must not reappear.
    outputError: (s, write) =>
      write(`imap-doctor: ${s.replace(/^error: /, '').replace(/(--?[\w-]+)=\S+?(['"\s]|$)/g, '$1=…$2')}`),
  });
  // After exitOverride and configureOutput: subcommands inherit both when they are created.
  let code: number = EXIT.ok;
  program
    .command('explain')
    .description('explain a finding code (what it means, who must act, how to fix it)')
    .argument('[code]', 'finding code, e.g. TLS_CERT_EXPIRED')
    .option('--list', 'list every finding code')
    .action(async (c: string | undefined, o: { list?: boolean }) => {
      code = await explain(c, o);
    });
  addSupportCommands(program, {
    ...support,
    env: io.env,
    stdout: io.stdout,
    stdin: io.stdin,
    setCode: (c) => (code = c),
  });
  addCompletionCommand(program, io);
  addPublishCommand(program, { intIn, collect }, async (d, o) => void (code = await publish(d, o)));
  return { program, code: () => code };
}

/** The options that choose what is probed and how (--host … --deadline), in --help's order. */
function addProbeOptions(program: Command): Command {
  return program
    .option('--host <name>', 'IMAP server to probe (skips discovery)')
    .option(
      '--port <n>',
      'port to probe (default: 993 for tls, 143 otherwise; both when neither --port nor --security)',
      intIn('--port', ...OPTION_RANGES.port),
    )
    .addOption(
      new Option('--security <mode>', 'tls (implicit TLS), starttls, or plain').choices(['tls', 'starttls', 'plain']),
    )
    .option('--user <name>', 'login name (default: the address)')
    .option('--password-stdin', 'read the password from standard input')
    .option(
      '--oauth-token <token>',
      'log in with this OAuth 2 access token (XOAUTH2/OAUTHBEARER) instead of a password; - reads it from standard input',
    )
    .option('--no-login', 'probe without logging in')
    .option(
      '--sessions <n>',
      `after a login works, hold n sessions at once on that endpoint (n - 1 more logins, stopping at the first refusal) to see how many devices and integrations fit`,
      intIn('--sessions', 1, LIMITS.maxSessions),
    )
    .option('--ca-file <pem>', 'also trust the CA certificates in this PEM file (repeatable)', collect)
    .option(
      '--resolve <host=address>',
      'use this address for host instead of DNS (repeatable; like curl --resolve)',
      collect,
    )
    .option('--reference <host:port>', REFERENCE_TEXT, asArg(parseReference))
    .option(
      '--expiry-warning-days <n>',
      `warn when a certificate expires within n days (default ${DEFAULTS.expiryWarningDays}; 0 turns it off)`,
      intIn('--expiry-warning-days', 0, 3650),
    )
    .option(
      '--timeout <ms>',
      `time limit per network step (default ${DEFAULTS.timeoutMs})`,
      intIn('--timeout', ...OPTION_RANGES.timeout),
    )
    .option(
      '--deadline <ms>',
      `time limit for the whole run (default max(${DEFAULTS.deadlineFloorMs}, ${DEFAULTS.deadlineSteps} × timeout))`,
      intIn('--deadline', ...OPTION_RANGES.deadline),
    );
}

/** The options that shape the report (--json … --no-private), in --help's order. */
function addOutputOptions(program: Command): Command {
  return program
    .addOption(new Option('--json', 'print the report as JSON (same as --format json)').conflicts('format'))
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS))
    .addOption(new Option('--fail-on <level>', FAIL_ON_TEXT).choices([...FAIL_ON]).default(DEFAULTS.failOn))
    .option('--no-color', 'no colours (also when NO_COLOR is set or stdout is not a terminal)')
    .option('--verbose', 'also show what passed and skipped stages')
    .addOption(new Option('--quiet', 'only the verdict, the problems and the working settings').conflicts('verbose'))
    .option('--transcript', 'include the IMAP exchange of each endpoint (credentials masked)')
    .option('--redact', 'mask your username and client IP addresses in the report (server names stay), for tickets')
    .option(
      '--save-evidence <file>',
      'also save the raw evidence to this file, to re-judge later (imap-doctor show --rejudge <file>)',
    )
    .option(
      '--include-evidence',
      'put the raw evidence into the JSON report (an "evidence" section), to re-judge later',
    )
    .option(
      '--no-private',
      'connect to no loopback, link-local, private, ULA or unspecified address (hosts you name exempt): for running it for other people',
    );
}

/** `imap-doctor completion <shell>`: a completion script made from the program's own definitions. */
function addCompletionCommand(program: Command, io: CliIo): void {
  program
    .command('completion')
    .description('print a shell completion script (bash: source <(imap-doctor completion bash))')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices([...SHELLS]))
    .action(async (shell: Shell) => {
      io.stdout.write(renderCompletion(shell, await specOf(program)));
    });
}

/** The command line as data (options, subcommands), for the man page and the completions. */
async function specOf(program: Command): Promise<CliSpec> {
  const { CATALOGUE } = await import('./catalogue/index.js');
  return cliSpec(program, { explain: Object.keys(CATALOGUE), completion: [...SHELLS] });
}

/** The command line's definitions, read from the parser itself (no process state is touched). */
export function commandLineSpec(): Promise<CliSpec> {
  const sink = { write: () => true };
  const io = { argv: [], env: {}, stdout: sink, stderr: sink, stdin: sink } as unknown as CliIo;
  const tool = { name: 'imap-doctor' as const, version: VERSION, node: '' };
  return specOf(
    buildProgram(
      io,
      async () => EXIT.ok,
      async () => EXIT.ok,
      { out: () => {}, tool, exitCodeFor },
      async () => EXIT.ok,
    ).program,
  );
}

/** The first line of standard input (the secret), bounded in size; the rest is never read. */
export async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    chunks.push(b);
    size += b.length;
    if (b.includes(0x0a) || size > LIMITS.secretBytes) break;
  }
  const text = Buffer.concat(chunks).subarray(0, LIMITS.secretBytes).toString('utf8');
  const nl = text.search(/\r?\n/);
  return nl >= 0 ? text.slice(0, nl) : text;
}

/** A hidden prompt on stderr; resolves '' on an empty answer, rejects on Ctrl-C. */
function promptHidden(io: CliIo, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = io.stdin;
    io.stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (d: Buffer | string) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new InterruptedAtPrompt('interrupted at the password prompt'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function parsePins(list: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    const host = normaliseHost(item.slice(0, eq));
    const addrs = item
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim().replace(/^\[(.*)\]$/, '$1'));
    if (eq <= 0 || !host || addrs.length === 0 || addrs.some((a) => isIP(a) === 0)) {
      throw new UsageError(`--resolve "${item}" must look like host=192.0.2.10 or host=192.0.2.10,2001:db8::10`);
    }
    out[host] = [...(out[host] ?? []), ...addrs];
  }
  return out;
}

export function readCaFiles(files: string[]): string[] {
  return files.map((f) => {
    const read = readCaFile(f);
    if ('problem' in read) throw new UsageError(read.problem);
    return read.text;
  });
}

async function gatherCredentials(
  io: CliIo,
  o: Record<string, unknown>,
  user: string,
): Promise<Pick<RunOptions, 'credentials' | 'noLoginReason'>> {
  if (o.login === false) return { credentials: null, noLoginReason: 'disabled' };
  const cred = (password: string, from: Credentials['from']): Pick<RunOptions, 'credentials' | 'noLoginReason'> =>
    password.length === 0
      ? { credentials: null, noLoginReason: 'empty-password' }
      : { credentials: { user, password: new Secret(password), from } };
  const token = (value: string, from: Credentials['from']): Pick<RunOptions, 'credentials' | 'noLoginReason'> =>
    value.length === 0
      ? { credentials: null, noLoginReason: 'empty-password' }
      : { credentials: { user, oauthToken: new Secret(value), from } };
  // An OAuth 2 access token replaces the password: --oauth-token (the value, or - for stdin), then the env.
  if (typeof o.oauthToken === 'string') {
    if (o.oauthToken === '-') {
      if (o.passwordStdin)
        throw new UsageError('--oauth-token - and --password-stdin both want standard input; use one');
      if (io.stdin.isTTY)
        return token(
          (await promptHidden(io, `OAuth access token for ${user} (empty to skip the login): `)).trim(),
          'oauth-stdin',
        );
      return token((await readFirstLine(io.stdin)).trim(), 'oauth-stdin');
    }
    io.stderr.write(
      'imap-doctor: note: a token on the command line is visible to other users of this computer; prefer IMAP_DOCTOR_OAUTH_TOKEN or --oauth-token -\n',
    );
    return token(o.oauthToken.trim(), 'oauth-option');
  }
  if (o.passwordStdin) {
    if (io.stdin.isTTY)
      return cred(await promptHidden(io, `Password for ${user} (empty to skip the login): `), 'prompt');
    return cred(await readFirstLine(io.stdin), 'stdin');
  }
  const envToken = io.env.IMAP_DOCTOR_OAUTH_TOKEN;
  if (envToken !== undefined && envToken.length > 0) return token(envToken.trim(), 'oauth-env');
  const env = io.env.IMAP_DOCTOR_PASSWORD;
  if (env !== undefined) return cred(env, 'env');
  if (io.stdin.isTTY) return cred(await promptHidden(io, `Password for ${user} (empty to skip the login): `), 'prompt');
  return { credentials: null, noLoginReason: 'no-password' };
}

/** `imap-doctor publish`: bad input (a plain Error or an InputError) is a usage error; the text goes through the scrubber. */
async function publishCommand(io: CliIo, o: Output, domain: string, x: Record<string, unknown>): Promise<number> {
  const { publishFromCli } = await import('./publish/command.js');
  const r = await publishFromCli(domain, x, {
    readCaFiles,
    parsePins,
    intIn,
    collect,
    version: VERSION,
    node: process.versions.node,
    ...(io.lookup ? { lookup: io.lookup } : {}),
  }).catch((e: unknown) => {
    throw e instanceof InputError || (e instanceof Error && e.constructor === Error) ? new UsageError(e.message) : e;
  });
  o.out(r.text);
  return r.exitCode;
}

export function exitCodeFor(r: Report, failOn: FailOn = DEFAULTS.failOn): number {
  if (r.findings.some((f) => f.code === 'INTERNAL_ERROR')) return EXIT.internal;
  if (r.findings.some((f) => f.code === 'RUN_INTERRUPTED')) return EXIT.interrupted;
  if (failOn === 'never') return EXIT.ok;
  const bad = r.verdict.status === 'error' || (failOn === 'warning' && r.verdict.status === 'warning');
  return !bad && r.verdict.working ? EXIT.ok : EXIT.problems;
}

/** Every byte the CLI writes goes through these: secrets scrubbed, and on stderr control characters made visible. */
interface Output {
  /** Every form of every secret known so far (the password joins once it is read). */
  forms: string[];
  /** What the user typed (address, user name, host, port): never masked in part. */
  protect: string[];
  out(s: string): void;
  err(s: string): void;
  /** The io for commander and the password prompt, writing through out() and err(). */
  io: CliIo;
  /** stderr for the progress spinner: scrubbed, its own escape sequences kept. */
  progress: NodeJS.WritableStream;
}

function outputFor(io: CliIo): Output {
  // Seeded before anything can print: even a usage error must not echo a secret from the env.
  const forms = [io.env.IMAP_DOCTOR_PASSWORD, io.env.IMAP_DOCTOR_OAUTH_TOKEN]
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .flatMap((v) => new Secret(v).variants());
  // Last line of defence: every string of the report is scrubbed (scrubDeep, in diagnose); free text
  // on stdout/stderr is scrubbed of every form long enough not to mangle ordinary words and numbers.
  const o: Output = {
    forms,
    protect: [],
    out: (s) => void io.stdout.write(scrub(s, textForms(o.forms), o.protect)),
    err: (s) => void io.stderr.write(visible(scrub(s, textForms(o.forms), o.protect))),
    io,
    progress: io.stderr,
  };
  // The spinner writes its own escape sequences: scrubbed, never made visible.
  o.progress = Object.assign(Object.create(io.stderr) as NodeJS.WritableStream, {
    write: (s: string) => io.stderr.write(scrub(s, textForms(o.forms), o.protect)),
  });
  o.io = {
    ...io,
    stdout: { ...io.stdout, write: (s: string) => o.out(s), isTTY: io.stdout.isTTY, columns: io.stdout.columns },
    stderr: Object.assign(Object.create(io.stderr), { write: (s: string) => o.err(s) }),
  };
  return o;
}

export async function runCli(io: CliIo): Promise<number> {
  const o = outputFor(io);
  try {
    return await runCommand(io, o);
  } catch (e) {
    // The last catch goes through the same scrubber as everything else.
    o.err(`imap-doctor: internal error: ${thrown(e).text}\n(please report this bug)\n`);
    return EXIT.internal;
  }
}

async function runCommand(io: CliIo, o: Output): Promise<number> {
  const support = {
    out: o.out,
    tool: { name: 'imap-doctor' as const, version: VERSION, node: process.versions.node },
    exitCodeFor,
  };
  const diagnosis = (address: string | undefined, x: Record<string, unknown>) =>
    x.batch !== undefined ? batch(io, o, address, x) : diagnose(io, o, address, x);
  const { program, code } = buildProgram(
    o.io,
    diagnosis,
    (c, x) => explain(o, c, x),
    support,
    (d, x) => publishCommand(io, o, d, x),
  );
  try {
    await program.parseAsync(io.argv, { from: 'user' });
    return code();
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof UsageError || e instanceof InputError) {
      o.err(`imap-doctor: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof InterruptedAtPrompt) {
      o.err(`imap-doctor: ${e.message}\n`);
      return EXIT.interrupted;
    }
    throw e;
  }
}

async function explain(o: Output, c: string | undefined, x: { list?: boolean }): Promise<number> {
  const [{ CATALOGUE, isFindingCode }, { explainCode, listCodes }] = await Promise.all([
    import('./catalogue/index.js'),
    import('./render/explain.js'),
  ]);
  if (x.list) {
    o.out(listCodes());
    return EXIT.ok;
  }
  if (!c) throw new UsageError('explain needs a finding code (or --list), e.g. imap-doctor explain TLS_CERT_EXPIRED');
  const code = c.trim().toUpperCase();
  if (!isFindingCode(code))
    throw new UsageError(
      `unknown finding code "${c}" (imap-doctor explain --list shows all ${Object.keys(CATALOGUE).length})`,
    );
  o.out(explainCode(code));
  return EXIT.ok;
}

/** The display flags' reading, and the renderer of the format they print (loaded alone). */
interface Rendering {
  displayFrom: typeof import('./render/format.js').displayFrom;
  renderReport: import('./render/format.js').ReportRenderer;
}

/** The display module and the renderer of the format `x` and `io` print, loaded together. */
async function rendering(x: Record<string, unknown>, io: CliIo): Promise<Rendering> {
  const { displayFrom, rendererFor } = await import('./render/format.js');
  return { displayFrom, renderReport: await rendererFor(displayFrom(x, io).format) };
}

/** How the report is printed: the display flags, the renderers, and --redact. */
interface View {
  flags: DisplayFlags;
  screen: Screen;
  render: Rendering;
  /** --redact's masking (loaded with the run): absent without --redact. */
  redact: ((r: Report) => Report) | null;
  /** Which verdicts fail the run (--fail-on): the exit code of every report, the backstop's too. */
  failOn: FailOn;
}

/** The view of the flags: display, renderers, --redact's masking (`redactReport`, loaded with the run) and --fail-on. */
function viewOf(io: CliIo, x: Record<string, unknown>, render: Rendering, redactReport: (r: Report) => Report): View {
  return { flags: x, screen: io, render, redact: x.redact === true ? redactReport : null, failOn: x.failOn as FailOn };
}

/** The options of a diagnosis from the command line; bad input is a UsageError. Reads the password (unless a batch `given` it). */
async function runOptions(
  o: Output,
  addressArg: string | undefined,
  x: Record<string, unknown>,
  given?: BatchCredentials,
): Promise<RunOptions> {
  if (addressArg === undefined)
    throw new UsageError(
      'missing the address to diagnose, e.g. imap-doctor alice@example.com (or --batch <file> for a list)',
    );
  let address;
  try {
    address = parseAddress(addressArg);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  if (x.host === undefined && (x.port !== undefined || x.security !== undefined)) {
    throw new UsageError(
      '--port and --security choose the endpoint on --host; add --host <name> (discovery finds ports itself)',
    );
  }
  let host: string | undefined;
  if (typeof x.host === 'string') {
    host = normaliseHost(x.host) ?? undefined;
    if (!host) throw new UsageError(`--host "${x.host}" is not a valid host name or IP address`);
  }
  const timeoutMs = (x.timeout as number | undefined) ?? DEFAULTS.timeoutMs;
  const caFiles = (x.caFile as string[] | undefined) ?? [];
  const user = typeof x.user === 'string' && x.user.length > 0 ? x.user : address.address;
  let discoveryOptions: Partial<RunOptions>;
  try {
    discoveryOptions = discoveryOptionsFrom(x);
  } catch (e) {
    throw new UsageError(thrown(e).message);
  }
  const base = { ...(host ? { host } : {}), ...(x.port !== undefined ? { port: x.port as number } : {}), user };
  o.protect.push(...typedValues(defaultRunOptions(address.address, base)));
  const creds = given ?? (await gatherCredentials(o.io, x, user));
  if (creds.credentials?.password && !given) o.forms.push(...creds.credentials.password.variants(user));
  if (creds.credentials?.oauthToken) o.forms.push(...creds.credentials.oauthToken.variants(user));
  return defaultRunOptions(address.address, {
    ...base,
    ...(x.security ? { security: x.security as Security } : {}),
    ...creds,
    caPem: readCaFiles(caFiles),
    caFiles,
    timeoutMs,
    deadlineMs: (x.deadline as number | undefined) ?? deadlineFor(timeoutMs),
    pinned: parsePins((x.resolve as string[] | undefined) ?? []),
    ...(x.reference ? { reference: x.reference as Reference } : {}),
    transcript: x.transcript === true,
    redact: x.redact === true,
    noPrivate: x.private === false,
    ...(x.sessions !== undefined ? { sessions: x.sessions as number } : {}),
    ...(x.expiryWarningDays !== undefined ? { expiryWarningDays: x.expiryWarningDays as number } : {}),
    ...discoveryOptions,
  });
}

/** The evidence: where --save-evidence writes it, and whether --include-evidence puts it into the report. */
interface EvidenceOut {
  fd: number | null;
  include: boolean;
}

/**
 * The report as it leaves the doctor: every string scrubbed (what the user typed never in part), the
 * evidence riding inside when it is saved or included (so --redact masks both by the same rules), redacted
 * on request.
 */
function shown(report: Report, evidence: RunEvidence | undefined, view: View, o: Output, out: EvidenceOut): Report {
  let r = scrubDeep(report, o.forms, o.protect);
  if (evidence && (out.fd !== null || out.include)) r.evidence = scrubDeep(evidence, o.forms, o.protect);
  if (view.redact) r = view.redact(r);
  return r;
}

/** The report's text, and the evidence file's text when --save-evidence asked for one. */
function printable(r: Report, view: View, out: EvidenceOut): { text: string; evidence?: string } {
  const saved = out.fd !== null && r.evidence ? evidenceJson(r.evidence) : undefined;
  if (!out.include) delete r.evidence;
  return {
    text: view.render.renderReport(r, view.render.displayFrom(view.flags, view.screen)),
    ...(saved ? { evidence: saved } : {}),
  };
}

/** Where the run is, for the backstop's report. */
function whereOf(e: RunEvent): InternalWhere {
  const graceS = LIMITS.backstopGraceMs / 1000;
  if (e.kind === 'phase') return { step: 'backstop', phase: e.phase, graceS };
  if (e.kind === 'source') return { step: 'backstop', source: e.source, graceS };
  return {
    step: 'backstop',
    stage: e.stage,
    endpoint: e.endpoint,
    ...(e.address ? { address: e.address } : {}),
    graceS,
  };
}

/**
 * Keeps the backstop supplied with the report of what is known so far, at each phase of the run (judging
 * and rendering a partial report costs CPU, so not on every event), so a blocked main thread leaves the
 * report of the phase it was in behind. Each feed waits for the phase's first packets to be sent.
 */
function feedBackstop(b: Backstop, view: View, o: Output, out: EvidenceOut) {
  let progress: RunProgress | undefined;
  let where: InternalWhere = { step: 'backstop', phase: 'starting', graceS: LIMITS.backstopGraceMs / 1000 };
  const feed = () => {
    if (!progress) return;
    const p = progress.partial(where);
    const r = shown(p.report, p.evidence, view, o, out);
    const code = exitCodeFor(r, view.failOn);
    const { text, evidence } = printable(r, view, out);
    b.feed(text, code, evidence);
  };
  return {
    onProgress: (p: RunProgress) => void (progress = p),
    observe: (e: RunEvent) => {
      where = whereOf(e);
      // Not at 'checks': the evidence is complete by then and the report follows at once.
      if (e.kind === 'phase' && e.phase !== 'checks') setImmediate(feed);
    },
  };
}

/** Will the run ask getaddrinfo (no --dns servers, and a host to look up)? */
function looksUpHosts(opts: RunOptions): boolean {
  return opts.dnsServers.length === 0 && !(opts.host && (isIP(opts.host) !== 0 || opts.pinned[opts.host]));
}

/** --batch: the list's addresses, each a diagnosis of its own on shared discovery and probes (src/batch/, loaded only here). */
async function batch(io: CliIo, o: Output, address: string | undefined, x: Record<string, unknown>): Promise<number> {
  // Thousands of short runs in one process: V8 keeps growing the heap for their garbage unless told to
  // favour size, and a batch of 10,000 would end up bigger than one of 1,000.
  setFlagsFromString('--optimize-for-size');
  const [{ runBatchCommand }, { redactReport }, render] = await Promise.all([
    import('./batch/command.js'),
    import('./cli-run.js'),
    rendering(x, io),
  ]);
  const view = viewOf(io, x, render, redactReport);
  const evidenceOut: EvidenceOut = { fd: null, include: x.includeEvidence === true };
  return runBatchCommand(
    {
      x,
      stdin: io.stdin,
      env: io.env,
      stderr: io.stderr as { isTTY?: boolean; columns?: number },
      stdout: io.stdout as BatchCli['stdout'],
      out: o.out,
      err: o.err,
      progress: o.progress,
      addSecretForms: (forms) => o.forms.push(...forms),
      optionsFor: (a, host, creds) => runOptions(o, a, { ...x, ...(host ? { host } : {}) }, creds),
      shown: (report, evidence) => shown(report, evidence, view, o, evidenceOut),
      exitCodeFor: (r) => exitCodeFor(r, view.failOn),
      display: render.displayFrom(x, io),
      uid: process.getuid?.() ?? -1,
      node: process.versions.node,
      ...(io.lookup ? { lookup: io.lookup } : {}),
      ...(io.onSigint ? { onSigint: io.onSigint } : {}),
      ...(io.backstop ? { backstop: io.backstop } : {}),
    },
    address,
  );
}

/**
 * Node's test for IPv6 text (net.isIP: tls.connect runs it on every server name, and the doctor on every
 * host it reads) is one large regular expression, and V8 compiles a regular expression to bytecode at its
 * first use, then to machine code at its second: ~10 ms of CPU for this one, ~3 ms when compiled to
 * machine code at once. A diagnosis makes its first use so, setting V8's flag back at once: every other
 * expression compiles as before.
 */
function compileIpv6Test(execArgv: readonly string[]): void {
  if (execArgv.includes('--no-regexp-tier-up')) return;
  setFlagsFromString('--no-regexp-tier-up');
  isIPv6('imap.example');
  setFlagsFromString('--regexp-tier-up');
}

async function diagnose(
  io: CliIo,
  o: Output,
  addressArg: string | undefined,
  x: Record<string, unknown>,
): Promise<number> {
  // The run's code (the pipeline, and the checks and renderers the backstop is fed with from the start)
  // loads while the lookup helper, when the run will need it, starts beside it.
  const loading = Promise.all([import('./cli-run.js'), import('./report/judge.js'), rendering(x, io)]);
  loading.catch(() => undefined); // a failure surfaces where it is awaited
  compileIpv6Test(process.execArgv);
  const backstop = io.backstop?.();
  const opts = await runOptions(o, addressArg, x);
  if (looksUpHosts(opts)) io.warmLookup?.();
  const [{ runDoctor, discoveryDeps, redactReport, NODE_IO }, , render] = await loading;
  const view = viewOf(io, x, render, redactReport);
  // Opened before anything is probed: a bad path fails at once.
  const evidenceOut: EvidenceOut = {
    fd: typeof x.saveEvidence === 'string' ? openEvidenceFile(x.saveEvidence) : null,
    include: x.includeEvidence === true,
  };
  let evidence: RunEvidence | undefined;
  // A spinner only on a real terminal: a 0-column one (some CI/container TTYs) makes ora spin forever.
  const stderrColumns = (io.stderr as { columns?: number }).columns ?? 0;
  const progress = await createProgress(o.progress, {
    enabled: io.stderr.isTTY === true && stderrColumns > 0 && !x.quiet && !io.env.CI,
    color: x.color !== false && !io.env.NO_COLOR,
  });
  backstop?.arm(opts.deadlineMs, evidenceOut.fd);
  const fed = backstop ? feedBackstop(backstop, view, o, evidenceOut) : undefined;
  const emit = (e: RunEvent) => {
    fed?.observe(e);
    progress.emit(e);
  };
  let report: Report;
  try {
    report = await runDoctor(opts, {
      ...discoveryDeps(opts, emit, io.lookup, NODE_IO),
      emit,
      io: NODE_IO,
      version: VERSION,
      node: process.versions.node,
      onClock: (clock) => io.onSigint?.(() => clock.interrupt()),
      onEvidence: (e) => (evidence = e),
      ...(fed ? { onProgress: fed.onProgress } : {}),
    });
  } finally {
    progress.stop();
  }
  // The backstop printed already (this run overran --deadline + 1 s): one report, one evidence file.
  if (backstop && !backstop.claim()) return exitCodeFor(report, view.failOn);
  backstop?.disarm();
  const r = shown(report, evidence, view, o, evidenceOut);
  if (evidenceOut.fd !== null && r.evidence) writeEvidence(evidenceOut.fd, r.evidence);
  o.out(printable(r, view, evidenceOut).text);
  return exitCodeFor(r, view.failOn);
}

/** Exit status when stdout or stderr was closed early (`… | head`): as other CLIs, 128 + SIGPIPE. */
export const EXIT_CLOSED = 141;

export function main(): void {
  const handlers: Array<() => void> = [];
  let interrupted = 0;
  process.on('SIGINT', () => {
    interrupted++;
    if (interrupted > 1 || handlers.length === 0) process.exit(130);
    for (const h of handlers) h();
  });
  // A closed stdout (`imap-doctor --help | head -1`) ends the run quietly, never with a stack trace.
  let closed = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      closed = e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED';
      process.exit(closed ? EXIT_CLOSED : EXIT.internal);
    });
  }
  const exit = (code: number) => (err?: Error | null) => process.exit(err || closed ? EXIT_CLOSED : code);
  setNodeStoreBundled(
    defaultStoreIsBundled(process.env, process.execArgv, process.config.target_defaults?.defines ?? []),
  );
  const lookups = createLookupHelper(process.env);
  process.on('exit', () => lookups.close());
  runCli({
    lookup: lookups.lookup,
    warmLookup: lookups.warm,
    argv: process.argv.slice(2),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    onSigint: (fn) => handlers.push(fn),
    backstop: (fd, perAddress) => (perAddress ? startWorkerBackstop : startBackstop)((code) => process.exit(code), fd),
  }).then(
    // The report is out: nothing (a pending getaddrinfo, a closing socket) may keep the process alive.
    (code) => {
      process.exitCode = code;
      process.stdout.write('', (err) => (err ? exit(code)(err) : process.stderr.write('', exit(code))));
    },
    () => process.exit(EXIT.internal),
  );
}
