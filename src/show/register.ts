/**
 * Registers `show` and `diff` on the CLI's commander program: their options and help only. What they
 * do (./command.ts: loading, validating, judging, rendering) is imported when one of them runs, so
 * every other command starts without it.
 */
import { Option, type Command } from 'commander';
import { DEFAULTS, FAIL_ON, FAIL_ON_TEXT, OUTPUT_FORMATS } from '../options.js';
import type { SupportDeps } from './command.js';

type Flags = Record<string, unknown>;

const DIFF_FORMATS = ['text', 'json', 'markdown'];

function displayOptions(cmd: Command, withLevels: boolean): Command {
  cmd
    .addOption(new Option('--json', 'print JSON (same as --format json)').conflicts('format'))
    .addOption(new Option('--format <format>', 'output format').choices(withLevels ? OUTPUT_FORMATS : DIFF_FORMATS))
    .option('--no-color', 'no colours (also when NO_COLOR is set or stdout is not a terminal)')
    .option('--redact', 'mask the username and client IP addresses first, as a live --redact does');
  if (withLevels) {
    cmd
      .option('--verbose', 'also show what passed and skipped stages')
      .addOption(new Option('--quiet', 'only the verdict, the problems and the working settings').conflicts('verbose'));
    cmd.addOption(new Option('--fail-on <level>', FAIL_ON_TEXT).choices([...FAIL_ON]).default(DEFAULTS.failOn));
  }
  return cmd;
}

export function addSupportCommands(program: Command, deps: SupportDeps): void {
  const showCmd = program
    .command('show')
    .description('render a saved JSON report (or re-judge saved evidence) without touching the network')
    .argument('[file]', 'the report (imap-doctor --json), or - for standard input; pasted text around it is fine')
    .option(
      '--rejudge',
      'the file is saved evidence (--save-evidence, or a report made with --include-evidence): judge it with the checks of this imap-doctor',
    )
    .option(
      '--now <date>',
      "with --rejudge: judge certificate dates and the clock as of this date (ISO 8601, or now) instead of the evidence's start",
    );
  displayOptions(showCmd, true).action(async (file: string | undefined, o: Flags) =>
    deps.setCode(await (await import('./command.js')).show(file, o, deps)),
  );
  const diffCmd = program
    .command('diff')
    .description('compare two saved reports of the same account: did the fix work? (exit 1 when "after" is worse)')
    .argument('<before>', 'the earlier report (JSON), or -')
    .argument('<after>', 'the later report (JSON), or -');
  displayOptions(diffCmd, false).action(async (b: string, a: string, o: Flags) =>
    deps.setCode(await (await import('./command.js')).diff(b, a, o, deps)),
  );
}
