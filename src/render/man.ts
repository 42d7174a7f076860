/**
 * The man page (roff, man(7) macros) from the command line's own definitions: every option with its
 * value, choices and default exactly as the parser knows them, the subcommands, and the help's prose
 * sections. docs/imap-doctor.1 is this output (`npm run docs`); a test fails when they differ.
 */
import type { CliSpec, OptionSpec } from './cli-spec.js';

/** Text safe in roff: backslashes and hyphens escaped, no line may start a request, non-ASCII as \[uXXXX]. */
function roff(s: string): string {
  return s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1')
    .replace(/[^\x00-\x7f]/gu, (ch) => `\\[u${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

function optionTag(o: OptionSpec): string {
  const names = [o.short, o.long]
    .filter((n): n is string => !!n)
    .map((n) => `\\fB${roff(n)}\\fR`)
    .join(', ');
  return o.value ? `${names} \\fI${roff(o.value)}\\fR` : names;
}

function optionText(o: OptionSpec): string {
  const extra = [
    o.choices ? `One of: ${o.choices.join(', ')}.` : '',
    o.default !== undefined ? `Default: ${o.default}.` : '',
  ].filter(Boolean);
  return roff([o.description.replace(/([^.])$/, '$1.'), ...extra].join(' '));
}

function optionList(options: readonly OptionSpec[]): string[] {
  return options.flatMap((o) => ['.TP', optionTag(o), optionText(o)]);
}

export function renderManPage(spec: CliSpec): string {
  const name = spec.name;
  const out = [
    `.\\" Generated from the command line's definitions by \`npm run docs\`; do not edit.`,
    `.TH ${name.toUpperCase()} 1 "" "${name} ${spec.version}" "User Commands"`,
    '.SH NAME',
    `${name} \\- ${roff(spec.summary.replace(/^\w/, (c) => c.toLowerCase()).replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    `.B ${name}`,
    `\\fIaddress\\fR [\\fIoptions\\fR]`,
    ...spec.commands.flatMap((c) => [
      '.br',
      `.B ${name} ${roff(c.name)}`,
      roff([...c.args, c.options.length > 1 ? '[options]' : ''].join(' ').trim()),
    ]),
    '.SH DESCRIPTION',
    roff(spec.summary),
    '.SH OPTIONS',
    ...optionList(spec.options),
    '.SH COMMANDS',
  ];
  for (const c of spec.commands) {
    out.push(
      '.SS',
      `\\fB${roff(`${name} ${c.name}`)}\\fR ${roff(c.args.join(' '))}`.trim(),
      roff(c.description.replace(/^\w/, (x) => x.toUpperCase()).replace(/([^.])$/, '$1.')),
    );
    if (c.argChoices && c.argChoices.length <= 8)
      out.push('.PP', roff(`${c.args[0] ?? 'argument'}: one of ${c.argChoices.join(', ')}.`));
    out.push('.RS', ...optionList(c.options), '.RE');
  }
  for (const s of spec.sections) {
    out.push(`.SH ${roff(s.title.toUpperCase())}`);
    for (const p of s.text ?? []) out.push('.PP', roff(p));
    for (const [term, def] of s.items ?? []) out.push('.TP', `\\fB${roff(term)}\\fR`, roff(def));
    for (const e of s.examples ?? []) out.push('.PP', '.nf', `.RS`, roff(e), '.RE', '.fi');
  }
  out.push(
    '.SH SEE ALSO',
    roff(
      'README.md and docs/findings.md (every finding code) in the package; the JSON report schema in docs/report.schema.json.',
    ),
  );
  return `${out.join('\n')}\n`;
}
