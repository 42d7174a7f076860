/** Catalogue: the IMAP conversation before login (STARTTLS, capabilities). */
import { hp, str, type CatalogueEntry } from './types.js';

export const imap = {
  STARTTLS_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `${hp(p)} upgrades to TLS with STARTTLS`,
    explain: (p) =>
      `STARTTLS was ${p.advertised ? 'advertised and ' : ''}accepted; the capabilities were read again inside TLS.`,
    fix: () => [],
    example: { host: 'imap.example.com', port: 143, security: 'starttls', advertised: true },
  },
  STARTTLS_NOT_OFFERED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} does not offer STARTTLS`,
    explain: (p) =>
      `The server's capabilities do not include STARTTLS, and asking for it anyway got "${str(p.response)}". ` +
      'Without it nothing on this port is encrypted. If the provider normally offers STARTTLS, something on your network may be stripping it.',
    fix: () => [
      'Use port 993 with SSL/TLS instead, if the server offers it.',
      'Mail admin: enable TLS for IMAP (Dovecot: `ssl = required` with a certificate).',
    ],
    refs: ['RFC 8314 §3', 'RFC 2595'],
    example: {
      host: 'imap.example.com',
      port: 143,
      security: 'starttls',
      response: "a2 BAD TLS support isn't enabled.",
    },
  },
  STARTTLS_NOT_ADVERTISED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${hp(p)} accepts STARTTLS but does not advertise it`,
    explain: () =>
      'STARTTLS works when asked, but the capability list does not mention it, so careful mail apps will not use it and may refuse to connect.',
    fix: () => ['Mail admin: make the server list STARTTLS in its CAPABILITY response.'],
    example: { host: 'imap.example.com', port: 143, security: 'starttls' },
  },
  STARTTLS_REJECTED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} advertises STARTTLS but refuses it`,
    explain: (p) =>
      `The server lists STARTTLS, yet answered the command with "${str(p.response)}". Its TLS setup is broken (often an unreadable certificate or key).`,
    fix: () => [
      'Mail admin: check the IMAP service log for TLS/certificate errors and fix the certificate paths and permissions.',
    ],
    example: { host: 'imap.example.com', port: 143, security: 'starttls', response: 'a2 NO TLS not available' },
  },
  STARTTLS_INJECTION: {
    severity: 'error',
    who: 'your-network',
    title: (p) => `Data was injected into the STARTTLS exchange with ${hp(p)}`,
    explain: (p) =>
      `After the server's "OK, begin TLS" answer, ${str(p.bytes)} more plaintext bytes arrived before the encryption started ("${str(p.sample)}"). ` +
      'A correct server sends nothing there. Such bytes are how an attacker on the path tries to smuggle answers into the encrypted session (CVE-2011-0411 class); a buggy proxy can do it too. The doctor withheld the password.',
    fix: () => [
      'Use port 993 with SSL/TLS, which has no plaintext phase.',
      'Check the network path (proxies, security software); mail admin: update the server or proxy software.',
    ],
    refs: ['RFC 2595 §3.1', 'CVE-2011-0411'],
    example: {
      host: 'imap.example.com',
      port: 143,
      security: 'starttls',
      bytes: 52,
      sample: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected',
    },
  },
  PLAINTEXT_LOGIN_ALLOWED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${hp(p)} would accept a password without encryption`,
    explain: () =>
      'Before TLS, the server does not announce LOGINDISABLED' +
      ", so a misconfigured mail app could send the password in clear text on this port. imap-doctor never does; this is a warning for the server's admin.",
    fix: () => [
      'Mail admin: refuse authentication before TLS (Dovecot: `disable_plaintext_auth = yes`, or `ssl = required`).',
    ],
    refs: ['RFC 8314 §3', 'RFC 9051 §6.2.3'],
    example: { host: 'imap.example.com', port: 143, security: 'starttls' },
  },
} satisfies Record<string, CatalogueEntry>;
