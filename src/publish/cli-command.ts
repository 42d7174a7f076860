/**
 * The `publish` subcommand's options (commander). What runs it lives in command.ts, loaded only
 * when the subcommand is used, so a diagnosis does not pay for it at start-up.
 */
import { Option, type Command } from 'commander';
import { addDiscoveryOptions } from '../discovery/cli-options.js';
import { DEFAULTS } from '../options.js';
import type { LookupAll } from '../dns/system-resolver.js';

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

export function addPublishCommand(
  program: Command,
  h: Pick<PublishCliHelpers, 'intIn' | 'collect'>,
  action: (domain: string, o: Record<string, unknown>) => Promise<void>,
): Command {
  const cmd = program
    .command('publish')
    .description(
      "what to publish so that mail apps find this domain's IMAP server: autoconfig, SRV, PACC, TLSA and Autodiscover blocks from what was verified, and a lint of what is published now",
    )
    .argument('<domain>', 'the mail domain, e.g. example.com')
    .option('--host <name>', 'the IMAP server to recommend (skips discovery)')
    .option(
      '--submission <host:port>',
      'the outgoing (SMTP submission) server to publish when none is published: smtp.example.com:465 or :587/starttls',
    )
    .option('--ca-file <pem>', 'also trust the CA certificates in this PEM file (repeatable)', h.collect)
    .option('--resolve <host=address>', 'use this address for host instead of DNS (repeatable)', h.collect)
    .option(
      '--timeout <ms>',
      `time limit per network step (default ${DEFAULTS.timeoutMs})`,
      h.intIn('--timeout', 50, 600_000),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']))
    .action(action);
  addDiscoveryOptions(cmd);
  return cmd;
}
