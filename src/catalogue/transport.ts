/** Catalogue: reaching the server (DNS for the host, TCP, the greeting, the port's mode). */
import { hp, str, type CatalogueEntry, type P } from './types.js';

/** What another server is, by the kind its greeting showed (GREETING_NOT_IMAP's `protocol`). */
const PROTOCOL_NAME: Record<string, string> = {
  pop3: 'a POP3 server',
  smtp: 'an SMTP (outgoing mail) server',
  http: 'a web server',
  ssh: 'an SSH server',
  ftp: 'an FTP server',
};
const protocolName = (p: P): string =>
  PROTOCOL_NAME[str(p.protocol)] ?? (typeof p.protocolName === 'string' ? p.protocolName : 'something else');

/** IMAP_PROTOCOL_ERROR's `command`: an IMAP command, or 'greeting' for the server's first line. */
const commandName = (p: P): string =>
  p.command === 'greeting' || p.command === 'the greeting' ? 'the greeting' : str(p.command);

export const transport = {
  DNS_NO_ADDRESS: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The server name ${p.host} does not resolve to any address`,
    explain: (p) =>
      `DNS has no IPv4 (A) or IPv6 (AAAA) address for ${p.host} (A: ${str(p.a)}, AAAA: ${str(p.aaaa)}). ` +
      (p.a === 'nxdomain' || p.aaaa === 'nxdomain'
        ? 'The name does not exist at all, which usually means a typo in the server name or a record that was never created.'
        : 'Without an address no mail app can connect to it.'),
    fix: (p) => [
      `Check the spelling of the server name "${p.host}" against your provider's documentation.`,
      `Mail admin: publish an address record, e.g. "${p.host}. 3600 IN A <server IPv4>" (and AAAA for IPv6).`,
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls', a: 'nxdomain', aaaa: 'nxdomain' },
  },
  DNS_LOOKUP_FAILED: {
    severity: 'error',
    who: 'your-network',
    title: (p) => `Looking up the address of ${p.host} failed`,
    explain: (p) =>
      `The DNS resolver did not answer the question "what is the address of ${p.host}" (${str(p.status)}${p.detail ? `: ${str(p.detail)}` : ''}). ` +
      'This is a problem with the lookup, not proof that the name is wrong: your DNS resolver may be down, filtered or unreachable.',
    fix: () => [
      'Check that this computer has a working internet connection and DNS (try opening a web page).',
      'If you use a VPN or a company network, ask its admin whether DNS works for outside names.',
      'Try another resolver, e.g. `imap-doctor … --dns 9.9.9.9`.',
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls', status: 'timeout' },
  },
  TCP_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `${hp(p)} accepts connections`,
    explain: (p) => `A TCP connection to ${str(p.address)} port ${p.port} opened in ${str(p.ms)} ms.`,
    fix: () => [],
    example: { host: 'imap.example.com', port: 993, security: 'tls', address: '192.0.2.10', ms: 12 },
  },
  TCP_REFUSED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `Nothing accepts connections on port ${p.port} of ${p.host}`,
    explain: (p) =>
      `The machine at ${str(p.address)} answered, but refused the connection to port ${p.port}: no program listens there, ` +
      'or a firewall rejects the port. The server is up; the mail service on this port is not.',
    fix: (p) => [
      `Check the port: IMAP is 993 (SSL/TLS) or 143 (STARTTLS); you tried ${p.port}.`,
      `Mail admin: make sure the IMAP service runs and listens on port ${p.port} (\`ss -ltnp | grep ':${p.port} '\`); for Dovecot check \`service imap-login { inet_listener … }\` and the log for a start-up error.`,
      `Mail admin: check that no firewall rule rejects port ${p.port}.`,
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls', address: '192.0.2.10' },
  },
  TCP_TIMEOUT: {
    severity: 'error',
    who: 'your-network',
    title: (p) => `Connections to ${hp(p)} get no answer`,
    explain: (p) =>
      `Nothing came back from ${str(p.address)} port ${p.port} within ${str(p.timeoutMs)} ms. A firewall is silently dropping the connection ` +
      '(on your network or in front of the server), or the server is down.',
    fix: (p) => [
      'Try from another network (for example a phone hotspot): if it works there, your network blocks the port.',
      `Ask the mail admin whether a firewall drops port ${p.port}, or whether your IP address was banned after failed logins.`,
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls', address: '192.0.2.10', timeoutMs: 8000 },
  },
  TCP_UNREACHABLE: {
    severity: 'error',
    who: 'your-network',
    title: (p) => `There is no network path to ${p.host} (${str(p.address)})`,
    explain: (p) =>
      `Connecting to ${str(p.address)} failed at once with "${str(p.reason)}": ` +
      (p.reason === 'net-unreachable' || p.reason === 'address-not-available'
        ? `this computer has no route to that kind of address${String(p.address).includes(':') ? ' (IPv6 does not work on this network)' : ''}.`
        : 'a router on the way says the host cannot be reached, so the server is down or the address is wrong.'),
    fix: () => [
      'Check your internet connection and VPN.',
      'Ask the mail admin whether the server is up and the DNS record points to the right address.',
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      address: '2001:db8::10',
      reason: 'net-unreachable',
    },
  },
  CONN_CLOSED_BEFORE_GREETING: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} closes the connection before saying anything`,
    explain: () =>
      'The connection opened, then the server hung up without sending its IMAP greeting. Typical causes: your IP address is banned ' +
      '(fail2ban, TCP wrappers), a load balancer has no healthy backend, or the port expects a PROXY-protocol header.',
    fix: () => [
      'Mail admin: check the server log at the time of this test and any IP ban lists (e.g. `fail2ban-client status`).',
      'Try from another network to see whether the ban is tied to your IP address.',
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls' },
  },
  GREETING_TIMEOUT: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} accepts connections but never greets`,
    explain: (p) =>
      `An IMAP server speaks first ("* OK …"). This one stayed silent for ${str(p.timeoutMs)} ms` +
      (p.tlsTried ? ', and it does not answer SSL/TLS on this port either' : '') +
      '. The service may be overloaded or hung (for example waiting for its authentication process), or something else listens on the port.',
    fix: () => [
      'Mail admin: check the IMAP service and its log; restart it if it is stuck.',
      'Check that this is the right port for IMAP.',
    ],
    example: { host: 'imap.example.com', port: 143, security: 'starttls', timeoutMs: 8000, tlsTried: true },
  },
  GREETING_BYE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} refuses the session: "${str(p.text)}"`,
    explain: (p) =>
      `The server's first words were a goodbye (${str(p.line)}). It refuses new sessions` +
      (p.code ? ` with the code [${str(p.code)}]` : '') +
      ' — usually because of a connection limit, maintenance, or a block on your address.',
    fix: () => [
      'Close other mail apps and devices using this account, wait a few minutes and try again.',
      'Mail admin: the server log says why sessions are refused.',
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      text: 'Too many connections from your IP',
      code: 'UNAVAILABLE',
      line: '* BYE [UNAVAILABLE] Too many connections from your IP',
    },
  },
  GREETING_NOT_IMAP: {
    severity: 'error',
    who: 'you',
    title: (p) => `${hp(p)} is ${protocolName(p)}, not an IMAP server`,
    explain: (p) =>
      `The server greeted with "${str(p.line)}", which is how ${protocolName(p)} starts a conversation. Your mail app is pointed at the wrong server or port.`,
    fix: () => [
      'Use the IMAP server name and port from your provider: usually port 993 with SSL/TLS, or 143 with STARTTLS.',
    ],
    example: {
      host: 'mail.example.com',
      port: 143,
      security: 'starttls',
      protocol: 'smtp',
      line: '220 mail.example.com ESMTP Postfix',
    },
  },
  GREETING_PREAUTH: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${hp(p)} logs you in without asking for a password`,
    explain: () =>
      'The greeting was "* PREAUTH": the server treats the connection as already authenticated. On a network port this means anyone who can connect ' +
      'reads the mailbox, and STARTTLS can no longer be negotiated.',
    fix: () => ['Mail admin: remove pre-authentication from network-facing IMAP ports.'],
    example: { host: 'imap.example.com', port: 143, security: 'starttls' },
  },
  GREETING_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `${hp(p)} greets as an IMAP server`,
    explain: (p) => `Greeting: ${str(p.line)}`,
    fix: () => [],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      line: '* OK [CAPABILITY IMAP4rev1 …] Dovecot ready.',
    },
  },
  TLS_ON_PLAINTEXT_PORT: {
    severity: 'error',
    who: 'you',
    title: (p) => `Port ${p.port} expects a plain start with STARTTLS, not SSL/TLS`,
    explain: (p) =>
      `The doctor started an SSL/TLS handshake on ${hp(p)} and got plain text back; connecting without TLS, the port greets: "${str(p.greeting)}". ` +
      'Mail apps show this as "wrong version number" or a generic connection error.',
    fix: (p) => [
      `In your mail app, set the security for port ${p.port} to STARTTLS (not SSL/TLS).`,
      'Or use port 993 with SSL/TLS, if the server offers it.',
    ],
    example: {
      host: 'imap.example.com',
      port: 143,
      security: 'tls',
      greeting: '* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.',
    },
  },
  PLAINTEXT_ON_TLS_PORT: {
    severity: 'error',
    who: 'you',
    title: (p) => `Port ${p.port} expects SSL/TLS from the first byte`,
    explain: (p) =>
      `Connecting without TLS, ${hp(p)} said nothing for ${str(p.timeoutMs)} ms; the same port completes an SSL/TLS handshake (${str(p.tlsProtocol)}). ` +
      'Both sides were waiting for the other: the port is for implicit TLS.',
    fix: (p) => [
      `In your mail app, set the security for port ${p.port} to SSL/TLS (sometimes called "SSL" or "TLS", not STARTTLS).`,
    ],
    example: { host: 'imap.example.com', port: 993, security: 'starttls', timeoutMs: 8000, tlsProtocol: 'TLSv1.3' },
  },
  IMAP_PROTOCOL_ERROR: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} did not answer ${commandName(p)} properly`,
    explain: (p) =>
      `The server greeted, but its answer to ${commandName(p)} was not usable (${p.got === 'tls' ? 'the server sent TLS data instead of a greeting' : str(p.error)}).`,
    fix: () => ['Mail admin: check the IMAP service log; the server may be overloaded or misbehaving.'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      command: 'CAPABILITY',
      error: 'no answer within the step timeout',
    },
  },
  SECURITY_PLAIN: {
    severity: 'warning',
    who: 'you',
    title: (p) => `${hp(p)} was probed without any encryption`,
    explain: () =>
      'You asked for security "none". Everything on such a connection, including your password, crosses the network readable by anyone on the way.',
    fix: (p) => [`Use port 993 with SSL/TLS, or port ${p.port ?? 143} with STARTTLS.`],
    example: { host: 'imap.example.com', port: 143, security: 'plain' },
  },
} satisfies Record<string, CatalogueEntry>;
