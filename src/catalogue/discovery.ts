/** Catalogue: finding the server from the address alone. */
import { str, type CatalogueEntry } from './types.js';

export const discovery = {
  DISCOVERY_NOTHING_FOUND: {
    severity: 'error',
    who: 'you',
    title: (p) => `No IMAP server could be found for ${str(p.domain)}`,
    explain: (p) =>
      `No published settings were found for ${str(p.domain)}${p.sourcesTried ? ` (looked in: ${str(p.sourcesTried)})` : ''}, and none of the usual guesses (${str(p.guesses)}) answered as an IMAP server.`,
    fix: (p) => [
      'Look up the IMAP server name and port in your provider\'s help pages, then run again with --host (and --port/--security).',
      `Mail admin: publish the settings, e.g. "_imaps._tcp.${str(p.domain)}. 3600 IN SRV 0 1 993 imap.${str(p.domain)}." (RFC 6186) or an autoconfig file at https://autoconfig.${str(p.domain)}/mail/config-v1.1.xml.`,
    ],
    refs: ['RFC 6186', 'RFC 8314 §5.1'],
    example: { domain: 'example.com', guesses: ['imap.example.com', 'mail.example.com', 'example.com'], sourcesTried: ['guesses'] },
  },
} satisfies Record<string, CatalogueEntry>;
