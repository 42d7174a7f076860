/** Catalogue: TLS handshakes and certificates. */
import { day, hp, str, type CatalogueEntry } from './types.js';

const checkCmd = (p: { host?: string; port?: number; security?: string }) =>
  p.security === 'starttls'
    ? `openssl s_client -connect ${p.host}:${p.port} -starttls imap -servername ${p.host} -showcerts`
    : `openssl s_client -connect ${p.host}:${p.port ?? 993} -servername ${p.host} -showcerts`;

export const tls = {
  TLS_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `The certificate of ${hp(p)} is valid`,
    explain: (p) =>
      `${str(p.protocol)} with ${str(p.cipher)}. Certificate for ${str(p.names)} from ${str(p.issuer)}, valid until ${day(p.validTo)}.`,
    fix: () => [],
    example: { host: 'imap.example.com', port: 993, security: 'tls', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', names: 'imap.example.com', issuer: "Let's Encrypt R11", validTo: '2027-01-01T00:00:00.000Z' },
  },
  TLS_CERT_EXPIRED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} expired on ${day(p.validTo)}`,
    explain: (p) =>
      `The server presents a certificate for ${str(p.names)} that was valid until ${day(p.validTo)}. Mail apps refuse expired certificates, ` +
      'because an attacker could be using an old stolen key. Very often a new certificate was fetched but the mail service was never reloaded and still serves the old one.',
    fix: (p) => [
      'Mail admin: renew the certificate and reload the mail service so it reads the new file (`doveadm reload`, or restart Dovecot/Postfix).',
      'Mail admin: add a renewal hook that reloads the mail services (certbot `--deploy-hook`, acme.sh `--reloadcmd`).',
      `Check what the server presents: \`${checkCmd(p)} | openssl x509 -noout -dates\`.`,
    ],
    refs: ['RFC 5280 §4.1.2.5'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', names: 'imap.example.com', validTo: '2021-01-01T00:00:00.000Z' },
  },
  TLS_CERT_NOT_YET_VALID: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} is only valid from ${day(p.validFrom)}`,
    explain: (p) =>
      `The certificate's validity starts on ${day(p.validFrom)}, after this computer's clock (${day(p.now)}). ` +
      'Either the server uses a certificate dated in the future, or the clock of this computer is wrong.',
    fix: () => ["Check this computer's date and time.", 'Mail admin: install a certificate whose validity has begun.'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', validFrom: '2035-01-01T00:00:00.000Z', now: '2026-11-26T00:00:00.000Z' },
  },
  TLS_HOSTNAME_MISMATCH: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} is for ${str(p.names)}, not for ${p.host}`,
    explain: (p) =>
      `Mail apps check that the certificate names the server they dial. This one lists only ${str(p.names)}. ` +
      'Common causes: a shared-hosting certificate for the provider\'s own server name, a certificate without the "imap." name, or dialling an IP address.',
    fix: (p) => [
      `If one of ${str(p.names)} is your provider's server name, use that name as the IMAP server in your mail app.`,
      `Mail admin: issue a certificate that includes ${p.host} (e.g. \`certbot certonly -d ${p.host}\`) and configure it for the IMAP service.`,
    ],
    refs: ['RFC 9525', 'RFC 7817 §3'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', names: 'server42.hoster.example' },
  },
  TLS_SELF_SIGNED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} uses a self-signed certificate`,
    explain: (p) =>
      `The certificate (${str(p.subject)}) is signed by itself, so no certificate authority vouches for it and nobody can tell it apart from an attacker's. ` +
      'This is typical of a default installation certificate that was never replaced.',
    fix: (p) => [
      "Mail admin: install a certificate from a public CA (e.g. Let's Encrypt) and point the IMAP service at it.",
      `If this is your own server and you trust it, compare the fingerprint with the server's (SHA-256 ${str(p.fingerprint)}) and add the certificate as trusted (\`--ca-file\` for imap-doctor).`,
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls', subject: 'CN=imap.example.com', fingerprint: 'AB:CD:…' },
  },
  TLS_UNTRUSTED_ISSUER: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} comes from an authority nobody here trusts (${str(p.issuer)})`,
    explain: (p) =>
      `The certificate was issued by "${str(p.issuer)}"${p.root ? `, which chains to "${str(p.root)}"` : ''}, and that authority is not in the trusted list ` +
      '(Mozilla\'s, plus any --ca-file). A company\'s private CA or a test CA looks like this.',
    fix: (p) => [
      `If "${str(p.root ?? p.issuer)}" is your organisation's CA, install its certificate in your mail app's or system's trust store (\`--ca-file\` for imap-doctor).`,
      'Mail admin: for users outside the organisation, use a certificate from a public CA.',
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls', issuer: 'Example Corp Internal CA', root: 'Example Corp Root' },
  },
  TLS_CHAIN_INCOMPLETE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} does not send the intermediate certificate`,
    explain: (p) =>
      `The server sends only its own certificate, issued by "${str(p.issuer)}", without the intermediate certificate that links it to a trusted root. ` +
      (p.confirmed
        ? `The doctor fetched that intermediate from ${str(p.aiaUrl)} (named in the certificate), and with it the chain verifies: the certificate is fine, the server configuration is not. `
        : '') +
      'Browsers often repair this on their own; mail apps usually do not, so they reject the server.',
    fix: (p) => [
      'Mail admin: configure the full chain, not just the certificate: for Dovecot `ssl_cert = </etc/letsencrypt/live/<name>/fullchain.pem` (not cert.pem), then reload.',
      `Check: \`${checkCmd(p)}\` should show two or more certificates.`,
    ],
    example: { host: 'imap.example.com', port: 993, security: 'tls', issuer: 'R11', confirmed: true, aiaUrl: 'http://r11.i.lencr.org/' },
  },
  TLS_CERT_INVALID: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} does not verify (${str(p.reason)})`,
    explain: (p) => `Certificate verification failed with ${str(p.reason)}. Mail apps refuse such a certificate.`,
    fix: (p) => [`Mail admin: inspect the chain with \`${checkCmd(p)}\` and replace the certificate.`],
    example: { host: 'imap.example.com', port: 993, security: 'tls', reason: 'CERT_REVOKED' },
  },
  TLS_PROTOCOL_TOO_OLD: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} only speaks ${str(p.protocol)}, which current software refuses`,
    explain: (p) =>
      `A normal handshake (TLS 1.2 or newer) failed; with legacy settings the server answered with ${str(p.protocol)}. ` +
      'TLS 1.0 and 1.1 were retired in 2021 (RFC 8996) and current mail apps, phones and operating systems no longer accept them.',
    fix: () => ['Mail admin: enable TLS 1.2 and 1.3 (Dovecot: `ssl_min_protocol = TLSv1.2`) and update the server\'s TLS library if it cannot.'],
    refs: ['RFC 8996', 'RFC 9325'],
    example: { host: 'imap.example.com', port: 993, security: 'tls', protocol: 'TLSv1' },
  },
  TLS_HANDSHAKE_FAILED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The TLS handshake with ${hp(p)} fails`,
    explain: (p) =>
      `The connection opened but encryption could not be negotiated: ${str(p.error)}. ` +
      'The server may be unable to read its key, lack a certificate for the name asked (SNI), or a middlebox may cut the handshake.',
    fix: (p) => [`Mail admin: check the IMAP service log for TLS errors at the time of this test, and test with \`${checkCmd(p)}\`.`],
    example: { host: 'imap.example.com', port: 993, security: 'tls', error: 'the server closed the connection during the TLS handshake' },
  },
} satisfies Record<string, CatalogueEntry>;
