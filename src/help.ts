/**
 * The prose of the command line's help that is not an option: how the password is given, the
 * environment, exit codes, examples. One definition, printed after `--help` and turned into the
 * sections of the man page (docs/imap-doctor.1), so the two cannot drift apart.
 */

export interface HelpSection {
  title: string;
  /** Paragraphs of prose. */
  text?: string[];
  /** Term / definition pairs (exit codes, variables). */
  items?: Array<[string, string]>;
  /** Command lines, shown as typed. */
  examples?: string[];
}

export const HELP_SECTIONS: readonly HelpSection[] = [
  {
    title: 'Password',
    text: [
      'From IMAP_DOCTOR_PASSWORD, or --password-stdin, or a hidden prompt when stdin is a terminal (an empty answer skips the login). Never from the command line. Without any of them the run behaves as --no-login and says so.',
      'An OAuth 2 access token can replace it: --oauth-token - (from stdin) or IMAP_DOCTOR_OAUTH_TOKEN. The password or token is only sent over TLS whose certificate verified, one attempt per endpoint, and never appears in any output.',
    ],
  },
  {
    title: 'Environment',
    items: [
      ['IMAP_DOCTOR_PASSWORD', 'the password to log in with'],
      ['IMAP_DOCTOR_OAUTH_TOKEN', 'an OAuth 2 access token to log in with instead'],
      ['NO_COLOR', 'no colours in the text report'],
      ['CI', 'no progress spinner'],
    ],
  },
  {
    title: 'Exit codes',
    items: [
      [
        '0',
        'a working configuration was verified (the login succeeded; with --no-login: reachable over verified TLS) and nothing is wrong enough for --fail-on',
      ],
      [
        '1',
        'a problem was found (with --fail-on error, the default: any error finding; warning: any error or warning), or nothing could be verified; never with --fail-on never',
      ],
      ['2', 'usage or input error (bad option, invalid address, unreadable --ca-file)'],
      ['3', 'internal error in imap-doctor (the report still prints)'],
      ['130', 'interrupted with Ctrl-C (the report of what was found so far still prints)'],
      ['141', 'standard output was closed early (e.g. | head)'],
      ['143', 'the deadline backstop ended a stuck run (a bug; the report of what was known printed)'],
    ],
  },
  {
    title: 'Examples',
    examples: [
      'imap-doctor alice@example.com',
      'IMAP_DOCTOR_PASSWORD=… imap-doctor alice@example.com --host imap.example.com --json',
      'imap-doctor alice@example.com --format html > report.html',
      'imap-doctor explain TLS_CERT_EXPIRED',
      'imap-doctor show report.json             render a saved --json report (no network)',
      'imap-doctor diff before.json after.json  did the fix work? (exit 1 when after is worse)',
      'imap-doctor publish example.com          what to publish so mail apps find the server',
      'source <(imap-doctor completion bash)',
    ],
  },
];

function wrapLine(text: string, indent: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/)) {
    if (cur && indent.length + cur.length + 1 + w.length > width) {
      lines.push(indent + cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(indent + cur);
  return lines;
}

/** The sections as plain text for the end of `--help`. */
export function helpText(sections: readonly HelpSection[] = HELP_SECTIONS, width = 80): string {
  const out: string[] = [];
  for (const s of sections) {
    out.push('', `${s.title}:`);
    for (const p of s.text ?? []) out.push(...wrapLine(p, '  ', width));
    for (const [term, def] of s.items ?? []) {
      const [first, ...rest] = wrapLine(def, ' '.repeat(term.length + 4), width);
      out.push(`  ${term}  ${(first ?? '').trimStart()}`, ...rest);
    }
    for (const e of s.examples ?? []) out.push(`  ${e}`);
  }
  return out.join('\n');
}
