/**
 * The command line as data, read from the very commander program that parses argv and prints
 * `--help`: options (flags, value, choices, default, description) and subcommands. The man page
 * and the shell completions are pure functions of it, so they describe what the parser accepts.
 */
import type { Command, Option } from 'commander';
import { HELP_SECTIONS, type HelpSection } from '../help.js';

export interface OptionSpec {
  /** As shown in --help: `-V, --version`, `--host <name>`. */
  flags: string;
  long: string;
  short?: string;
  /** The value's placeholder (`name` of `<name>`), absent for switches. */
  value?: string;
  /** The value names a file (completed with file names). */
  file: boolean;
  choices?: string[];
  default?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  description: string;
  /** `<address>`, `[code]`. */
  args: string[];
  /** Values the first argument takes, when it is a closed set. */
  argChoices?: string[];
  options: OptionSpec[];
}

export interface CliSpec {
  name: string;
  version: string;
  summary: string;
  usage: string;
  options: OptionSpec[];
  commands: CommandSpec[];
  sections: readonly HelpSection[];
}

function optionSpec(o: Option): OptionSpec {
  const value = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1];
  const def = o.defaultValue;
  return {
    flags: o.flags,
    long: o.long ?? o.flags,
    ...(o.short ? { short: o.short } : {}),
    ...(value ? { value } : {}),
    file: value === 'pem' || value === 'file',
    ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
    ...(typeof def === 'string' ? { default: def } : {}),
    description: o.description,
  };
}

const HELP: OptionSpec = {
  flags: '-h, --help',
  long: '--help',
  short: '-h',
  file: false,
  description: 'display help for command',
};

function argsOf(c: Command): string[] {
  return c.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`));
}

/** The spec of a program; `argChoices` lists the values of each subcommand's first argument. */
export function cliSpec(program: Command, argChoices: Record<string, string[]> = {}): CliSpec {
  const visible = (os: readonly Option[]) => os.filter((o) => !o.hidden).map(optionSpec);
  return {
    name: program.name(),
    version: program.version() ?? '',
    summary: program.description(),
    usage: `${program.name()} ${program.usage()}`,
    options: [...visible(program.options), HELP],
    commands: program.commands.map((c) => ({
      name: c.name(),
      description: c.description(),
      args: argsOf(c),
      ...(argChoices[c.name()] ? { argChoices: argChoices[c.name()] } : {}),
      options: [...visible(c.options), HELP],
    })),
    sections: HELP_SECTIONS,
  };
}
