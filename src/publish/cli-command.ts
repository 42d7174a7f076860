/**
 * The `publish` subcommand's options (commander) and their mapping to a run: the domain becomes
 * `postmaster@<domain>`, the login is always off, and the discovery options work as for a
 * diagnosis. No `process` access: cli.ts passes the helpers it owns and prints the result.
 */
import { Option, type Command } from 'commander';
import { parseAddress } from '../address.js';
import { discoveryDeps } from '../discovery/index.js';
import { addDiscoveryOptions, discoveryOptionsFrom } from '../discovery/cli-options.js';
import { DEFAULTS, defaultRunOptions, deadlineFor, type RunOptions } from '../options.js';
import { normaliseHost } from '../address.js';
import type { LookupAll } from '../dns/system-resolver.js';
import { parseSubmission, publishOutput, runPublish } from './command.js';

export interface PublishCliHelpers {
  readCaFiles(files: string[]): string[];
  parsePins(list: string[]): Record<string, string[]>;
  intIn(name: string, min: number, max: number): (v: string) => number;
  collect(v: string, prev: string[] | undefined): string[];
  version: string;
  node: string;
  /** getaddrinfo (the CLI's lookup helper); default in-process. */
  lookup?: LookupAll;
}

export function addPublishCommand(program: Command, h: Pick<PublishCliHelpers, 'intIn' | 'collect'>, action: (domain: string, o: Record<string, unknown>) => Promise<void>): Command {
  const cmd = program
    .command('publish')
    .description('what to publish so that mail apps find this domain\'s IMAP server: autoconfig, SRV, PACC, TLSA and Autodiscover blocks from what was verified, and a lint of what is published now')
    .argument('<domain>', 'the mail domain, e.g. example.com')
    .option('--host <name>', 'the IMAP server to recommend (skips discovery)')
    .option('--submission <host:port>', 'the outgoing (SMTP submission) server to publish when none is published: smtp.example.com:465 or :587/starttls')
    .option('--ca-file <pem>', 'also trust the CA certificates in this PEM file (repeatable)', h.collect)
    .option('--resolve <host=address>', 'use this address for host instead of DNS (repeatable)', h.collect)
    .option('--timeout <ms>', `time limit per network step (default ${DEFAULTS.timeoutMs})`, h.intIn('--timeout', 50, 600_000))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']))
    .action(action);
  addDiscoveryOptions(cmd);
  return cmd;
}

/** Runs `publish` for the parsed options; throws a plain Error with a one-line message for bad input. */
export async function publishFromCli(domain: string, o: Record<string, unknown>, h: PublishCliHelpers): Promise<{ text: string; exitCode: number }> {
  const address = parseAddress(`postmaster@${domain}`);
  let host: string | undefined;
  if (typeof o.host === 'string') {
    host = normaliseHost(o.host) ?? undefined;
    if (!host) throw new Error(`--host "${o.host}" is not a valid host name or IP address`);
  }
  const submission = typeof o.submission === 'string' ? parseSubmission(o.submission) : undefined;
  const timeoutMs = (o.timeout as number | undefined) ?? DEFAULTS.timeoutMs;
  const caFiles = (o.caFile as string[] | undefined) ?? [];
  const opts: RunOptions = defaultRunOptions(address.address, {
    ...(host ? { host } : {}),
    caPem: h.readCaFiles(caFiles),
    caFiles,
    timeoutMs,
    deadlineMs: deadlineFor(timeoutMs),
    pinned: h.parsePins((o.resolve as string[] | undefined) ?? []),
    noLoginReason: 'disabled',
    ...discoveryOptionsFrom({ ...o, oauthDiscover: false }),
  });
  const deps = discoveryDeps(opts, undefined, h.lookup);
  const result = await runPublish(opts, { ...deps, fetch: deps.standards.fetch as NonNullable<typeof deps.standards.fetch>, emit: () => undefined, now: () => new Date(), version: h.version, node: h.node }, submission);
  return publishOutput(result, o.format === 'json' ? 'json' : 'text');
}
