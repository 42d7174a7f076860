/**
 * The command line's documentation and completions come from its own definitions: the man page is
 * exactly what `npm run docs` generates, lists the options `--help` lists with the same texts and
 * choices, and formats without a groff warning; the completion scripts complete options, choices,
 * subcommands and finding codes in real bash, zsh and fish.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandLineSpec } from '../../src/cli.js';
import { renderManPage } from '../../src/render/man.js';
import { programAvailable } from '../servers/require.js';
import { ROOT, runCli } from './cli-runner.js';

const MAN = path.join(ROOT, 'docs/imap-doctor.1');
const man = readFileSync(MAN, 'utf8');
/** The man page as text: roff escapes undone, whitespace collapsed. */
const manText = man
  .replace(/\\\[u([0-9A-F]{4})\]/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/\\f[BIR]/g, '')
  .replace(/\\-/g, '-')
  .replace(/\\e/g, '\\')
  .replace(/\s+/g, ' ');

interface HelpOption {
  long: string;
  text: string;
  choices?: string[];
  default?: string;
}

/** The options section of `--help`, parsed back into flags, description, choices and default. */
function helpOptions(help: string): HelpOption[] {
  const section = help.slice(help.indexOf('Options:'), help.indexOf('Commands:'));
  const entries: string[] = [];
  for (const line of section.split('\n').slice(1)) {
    if (/^ {2}-/.test(line)) entries.push(line);
    else if (line.trim() && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
  }
  return entries.map((e) => {
    const [, flags = '', desc = ''] = /^ {2}(\S.*?) {2,}(.*)$/.exec(e) ?? [];
    const long = /--[\w-]+/.exec(flags)?.[0] ?? flags;
    const extra = /\s*\((choices: (.*?))?(, )?(default: "(.*?)")?\)$/.exec(desc);
    const choices = extra?.[2] ? [...extra[2].matchAll(/"([^"]+)"/g)].map((m) => m[1] as string) : undefined;
    return {
      long,
      text: (extra && (extra[2] || extra[5]) ? desc.slice(0, extra.index) : desc).replace(/\s+/g, ' '),
      ...(choices ? { choices } : {}),
      ...(extra?.[5] ? { default: extra[5] } : {}),
    };
  });
}

describe('man page', () => {
  it('docs/imap-doctor.1 is what the option definitions generate (run `npm run docs` after changing an option)', async () => {
    expect(man).toBe(renderManPage(await commandLineSpec()));
  });

  /** The long options the man page lists in one part (the OPTIONS section, or one command's entry). */
  const manLongs = (part: string) =>
    [...part.matchAll(/^\.TP\n(?:\\fB\\-\w\\fR, )?\\fB(\\-\\-[\w\\-]+)\\fR/gm)].map((m) =>
      (m[1] as string).replace(/\\-/g, '-'),
    );
  const between = (from: string, to: string) =>
    man.slice(man.indexOf(from), man.indexOf(to, man.indexOf(from) + from.length));

  it("lists every option of --help, and of each command's --help, with its text, choices and default", async () => {
    const help = (await runCli(['--help'])).stdout;
    const commandsSection = help.slice(help.indexOf('Commands:'), help.indexOf('\n\n', help.indexOf('Commands:')));
    const commands = [...commandsSection.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1] as string);
    expect(commands).toEqual(['explain', 'show', 'diff', 'completion', 'publish']);
    const parts: Array<[string, string, string]> = [['imap-doctor', help, between('.SH OPTIONS', '.SH COMMANDS')]];
    for (const [i, c] of commands.entries()) {
      const next = commands[i + 1];
      parts.push([
        c,
        (await runCli([c, '--help'])).stdout,
        between(`.SS\n\\fBimap\\-doctor ${c}\\fR`, next ? `.SS\n\\fBimap\\-doctor ${next}\\fR` : '.SH PASSWORD'),
      ]);
    }
    for (const [name, text, part] of parts) {
      const opts = helpOptions(text);
      expect(new Set(manLongs(part)), name).toEqual(new Set(opts.map((o) => o.long)));
      for (const o of opts) {
        expect(manText, `${name} ${o.long}`).toContain(o.text);
        if (o.choices) expect(manText, o.long).toContain(`One of: ${o.choices.join(', ')}.`);
        if (o.default) expect(manText, o.long).toContain(`Default: ${o.default}.`);
      }
    }
    expect(helpOptions(help).length).toBeGreaterThan(25);
    expect(manText).toContain('130 interrupted with Ctrl-C');
  });

  it('formats without a warning', () => {
    if (!programAvailable('man page formatting', 'groff', 'groff-base')) return;
    const out = execFileSync('groff', ['-man', '-Tutf8', '-ww', '-z', MAN], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
  });
});

describe('shell completion', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-completion-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = async (shell: string) => {
    const r = await runCli(['completion', shell]);
    expect(r.code).toBe(0);
    const file = path.join(dir, `imap-doctor.${shell}`);
    writeFileSync(file, r.stdout);
    return file;
  };
  const shellOrFail = (shell: string): boolean => programAvailable(`${shell} completion`, shell, shell);

  it('bash completes options, choices, subcommands and finding codes', async () => {
    if (!shellOrFail('bash')) return;
    const file = await script('bash');
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _imap_doctor; printf '%s\\n' "\${COMPREPLY[@]}"`,
          file,
          'imap-doctor',
          ...words,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
    expect(complete('--fa')).toEqual(['--fail-on']);
    expect(complete('--fail-on', '')).toEqual(['error', 'warning', 'never']);
    expect(complete('--format', 'h')).toEqual(['html']);
    expect(complete('--security', '')).toEqual(['tls', 'starttls', 'plain']);
    expect(complete('ex')).toEqual(['explain']);
    expect(complete('explain', 'TLS_CERT_EX')).toEqual(['TLS_CERT_EXPIRED', 'TLS_CERT_EXPIRING_SOON']);
    expect(complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('show', '--format', '')).toEqual(['text', 'json', 'markdown', 'html']);
    expect(complete('show', path.join(dir, 'imap-doctor.ba'))).toEqual([path.join(dir, 'imap-doctor.bash')]);
    expect(complete('alice@example.com', '--host', '')).toEqual(['']);
    expect(complete('--ca-file', path.join(dir, 'imap-doctor.ba'))).toEqual([path.join(dir, 'imap-doctor.bash')]);
  });

  it('zsh completes through compadd', async () => {
    if (!shellOrFail('zsh')) return;
    const file = await script('zsh');
    // compadd is what zsh's completion system calls; a function of that name stands in and prints its words.
    const complete = (...words: string[]) =>
      execFileSync(
        'zsh',
        [
          '-fc',
          `compdef() {}; compadd() { while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -d ]] && shift; shift; done; [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { print FILES; }; source "$1"; shift; words=(imap-doctor "$@"); CURRENT=$#words; _imap_doctor`,
          'zsh',
          file,
          ...words,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
    expect(execFileSync('zsh', ['-n', file], { encoding: 'utf8' })).toBe('');
    expect(complete('--')).toEqual(
      expect.arrayContaining(['--fail-on', '--format', '--host', '--no-login', '--version']),
    );
    expect(complete('--fail-on', '')).toEqual(['error', 'warning', 'never']);
    expect(complete('--format', '')).toEqual(['text', 'json', 'markdown', 'html']);
    expect(complete('')).toEqual(['explain', 'show', 'diff', 'completion', 'publish']);
    expect(complete('explain', '')).toContain('TLS_CERT_EXPIRED');
    expect(complete('--ca-file', '')).toEqual(['FILES']);
  });

  it('fish completes options with descriptions, choices and subcommands', async () => {
    if (!shellOrFail('fish')) return;
    const file = await script('fish');
    // fish sorts what it offers.
    const complete = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, file, line], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .sort();
    expect(complete('imap-doctor --fail-o')).toEqual([
      expect.stringMatching(/^--fail-on\texit 1 when a finding is at least this bad/),
    ]);
    const words = (line: string) => complete(line).map((l) => l.split('\t')[0]);
    expect(words('imap-doctor --fail-on ')).toEqual(['error', 'never', 'warning']);
    expect(words('imap-doctor --security ')).toEqual(['plain', 'starttls', 'tls']);
    expect(complete('imap-doctor compl')).toEqual([
      expect.stringMatching(/^completion\tprint a shell completion script/),
    ]);
    expect(complete('imap-doctor completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(complete('imap-doctor explain TLS_CERT_EXP')).toEqual(['TLS_CERT_EXPIRED', 'TLS_CERT_EXPIRING_SOON']);
  });
});
