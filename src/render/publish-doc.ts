/**
 * docs/publish.md, generated from the lint rule table (LINT_RULES): what `imap-doctor publish`
 * writes, and every lint rule with the clients it stands for and the code or document it comes
 * from. A test keeps the file in step (`npm run docs`). Pure.
 */
import { LINT_RULES, type Client } from '../publish/lint.js';

const CLIENT: Record<Client, string> = {
  thunderbird: 'Thunderbird',
  'thunderbird-android': 'Thunderbird for Android',
  outlook: 'Outlook',
};
const cell = (s: string): string =>
  s
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ')
    .replace(/<[A-Za-z][^>]*>/g, (m) => `\`${m}\``);

export function publishDoc(): string {
  return [
    '# imap-doctor publish',
    '',
    '<!-- Generated from src/publish/lint.ts by `npm run docs`; do not edit by hand. -->',
    '',
    '`imap-doctor publish <domain>` diagnoses the domain without a login and writes, from what was verified to work,',
    'blocks ready to paste (`--format json` gives the same as data):',
    '',
    '| block | what | where |',
    '| --- | --- | --- |',
    '| autoconfig | config-v1.1.xml, version 1.1 with the autoconfig 1.2 fields a 1.1 reader skips (`<authentication system="sasl">`, `<oAuth2>` when the issuer\'s endpoints are known) | `https://autoconfig.D/mail/config-v1.1.xml`, `https://D/.well-known/autoconfig/mail/config-v1.1.xml` |',
    '| srv | `_imaps`/`_imap` (and `_submissions`/`_submission`) with RFC 8314 priorities; `0 0 0 .` for a service not offered | the zone of D |',
    '| pacc | the PACC JSON (exact bytes) and its `_ua-auto-config` TXT record with the SHA-256 digest | `https://ua-auto-config.D/.well-known/user-agent-configuration.json`, the zone of D |',
    "| tlsa | `3 1 1` (the server's key) and `2 1 1` (its issuing CA) for each verified port, so keys can roll over | `_993._tcp.<host>`, `_143._tcp.<host>` (DNSSEC-signed zones only) |",
    '| autodiscover | the Outlook POX answer (responseschema 2006a) | `https://autodiscover.D/autodiscover/autodiscover.xml` (POST) |',
    "| certificates | the names the mail and web servers' certificates must carry | |",
    '',
    'The outgoing server comes from what a trusted source publishes, or from `--submission host:port[/tls|starttls]`;',
    'imap-doctor does not test it. Exit code 0: blocks written and no lint error; 1: nothing verified, or a lint error.',
    '',
    '## Lint rules',
    '',
    "What the domain publishes now is checked against the rules each mail app's own code applies:",
    '',
    '| rule | severity | clients | what | comes from |',
    '| --- | --- | --- | --- | --- |',
    ...LINT_RULES.map(
      (r) =>
        `| \`${r.id}\` | ${r.severity} | ${r.clients.map((c) => CLIENT[c]).join(', ')} | ${cell(r.summary)} | ${cell(r.source)} |`,
    ),
    '',
  ].join('\n');
}
