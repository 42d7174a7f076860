/**
 * Shell completion scripts (`imap-doctor completion bash|zsh|fish`) from the command line's own
 * definitions: option names, the values of options with a closed set of choices, file names for
 * file options, the subcommands and their arguments (finding codes for `explain`, file names for a
 * subcommand whose argument is not a closed set). Pure: spec in,
 * script out; nothing runs the CLI while completing.
 */
import type { CliSpec, CommandSpec, OptionSpec } from './cli-spec.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const fnName = (spec: CliSpec) => `_${spec.name.replace(/[^A-Za-z0-9]/g, '_')}`;
const names = (os: readonly OptionSpec[]) => os.flatMap((o) => [o.short, o.long].filter((n): n is string => !!n));
/** Single-quoted for bash and zsh. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Single-quoted for fish (which knows \\ and \' inside single quotes). */
const fq = (s: string) => `'${s.replace(/[\\']/g, '\\$&')}'`;

/** `case "$prev" in … esac` for the options that take a value: their choices, file names, or nothing. */
function valueCase(options: readonly OptionSpec[], shell: 'bash' | 'zsh', indent: string): string[] {
  const withValue = options.filter((o) => o.value);
  if (withValue.length === 0) return [];
  const lines: string[] = [];
  for (const o of withValue.filter((x) => x.choices)) {
    const words = (o.choices ?? []).join(' ');
    lines.push(
      `  ${o.long}) ${shell === 'bash' ? `COMPREPLY=($(compgen -W ${sq(words)} -- "$cur"))` : `compadd -- ${words}`}; return ;;`,
    );
  }
  const files = withValue.filter((o) => o.file).map((o) => o.long);
  if (files.length > 0)
    lines.push(
      `  ${files.join('|')}) ${shell === 'bash' ? 'compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur"))' : '_files'}; return ;;`,
    );
  const free = withValue.filter((o) => !o.choices && !o.file).map((o) => o.long);
  if (free.length > 0) lines.push(`  ${free.join('|')}) return ;;`);
  return [shell === 'bash' ? 'case "$prev" in' : 'case $prev in', ...lines, 'esac'].map((l) => indent + l);
}

function subWords(c: CommandSpec): string {
  return (c.argChoices ?? []).join(' ');
}

function bash(spec: CliSpec): string {
  const f = fnName(spec);
  const subs = spec.commands.flatMap((c) => [
    `    ${c.name})`,
    ...valueCase(c.options, 'bash', '      '),
    `      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W ${sq(names(c.options).join(' '))} -- "$cur"))`,
    c.argChoices
      ? `      else COMPREPLY=($(compgen -W ${sq(subWords(c))} -- "$cur")); fi`
      : '      else compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); fi',
    '      return ;;',
  ]);
  return [
    `# bash completion for ${spec.name} ${spec.version}: source <(${spec.name} completion bash)`,
    `${f}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  COMPREPLY=()',
    '  if (( COMP_CWORD > 1 )); then',
    '    case "${COMP_WORDS[1]}" in',
    ...subs.map((l) => `  ${l}`),
    '    esac',
    '  fi',
    ...valueCase(spec.options, 'bash', '  '),
    `  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W ${sq(names(spec.options).join(' '))} -- "$cur"))`,
    `  elif (( COMP_CWORD == 1 )); then COMPREPLY=($(compgen -W ${sq(spec.commands.map((c) => c.name).join(' '))} -- "$cur")); fi`,
    '}',
    `complete -F ${f} ${spec.name}`,
    '',
  ].join('\n');
}

function zsh(spec: CliSpec): string {
  const f = fnName(spec);
  const described = (os: readonly OptionSpec[]) => os.map((o) => sq(`${o.long}  -- ${o.description}`)).join(' ');
  const subs = spec.commands.flatMap((c) => [
    `      ${c.name})`,
    ...valueCase(c.options, 'zsh', '        '),
    `        if [[ $cur == -* ]]; then compadd -- ${names(c.options).join(' ')}`,
    c.argChoices ? `        else compadd -- ${subWords(c)}; fi` : '        else _files; fi',
    '        return ;;',
  ]);
  return [
    `#compdef ${spec.name}`,
    `# zsh completion for ${spec.name} ${spec.version}: source <(${spec.name} completion zsh), or save as _${spec.name} in your $fpath`,
    `${f}() {`,
    '  local cur=${words[CURRENT]} prev=${words[CURRENT-1]}',
    `  local -a opts=(${spec.options.map((o) => o.long).join(' ')})`,
    `  local -a descs=(${described(spec.options)})`,
    '  if (( CURRENT > 2 )); then',
    '    case ${words[2]} in',
    ...subs,
    '    esac',
    '  fi',
    ...valueCase(spec.options, 'zsh', '  '),
    '  if [[ $cur == -* ]]; then compadd -l -d descs -- $opts',
    `  elif (( CURRENT == 2 )); then compadd -- ${spec.commands.map((c) => c.name).join(' ')}; fi`,
    '}',
    `if [[ $funcstack[1] == ${f} ]]; then ${f} "$@"; else compdef ${f} ${spec.name}; fi`,
    '',
  ].join('\n');
}

function fishOption(spec: CliSpec, o: OptionSpec, cond: string): string {
  const parts = [`complete -c ${spec.name}`, `-n ${fq(cond)}`];
  if (o.short) parts.push(`-s ${o.short.replace(/^-/, '')}`);
  parts.push(`-l ${o.long.replace(/^--/, '')}`);
  if (o.choices) parts.push(`-x -a ${fq(o.choices.join(' '))}`);
  else if (o.file) parts.push('-r -F');
  else if (o.value) parts.push('-x');
  parts.push(`-d ${fq(o.description)}`);
  return parts.join(' ');
}

function fish(spec: CliSpec): string {
  const cmds = spec.commands.map((c) => c.name).join(' ');
  const lines = [
    `# fish completion for ${spec.name} ${spec.version}: ${spec.name} completion fish | source`,
    `complete -c ${spec.name} -f`,
  ];
  for (const c of spec.commands)
    lines.push(`complete -c ${spec.name} -n __fish_use_subcommand -a ${c.name} -d ${fq(c.description)}`);
  for (const o of spec.options) lines.push(fishOption(spec, o, `not __fish_seen_subcommand_from ${cmds}`));
  for (const c of spec.commands) {
    lines.push(
      `complete -c ${spec.name} -n ${fq(`__fish_seen_subcommand_from ${c.name}`)} ${c.argChoices ? `-a ${fq(subWords(c))}` : '-F'}`,
    );
    for (const o of c.options) lines.push(fishOption(spec, o, `__fish_seen_subcommand_from ${c.name}`));
  }
  return `${lines.join('\n')}\n`;
}

export function renderCompletion(shell: Shell, spec: CliSpec): string {
  return shell === 'bash' ? bash(spec) : shell === 'zsh' ? zsh(spec) : fish(spec);
}
