/** Catalogue: TLS handshakes and certificates. */
import { day, hp, str, type CatalogueEntry, type P, type ParamValue } from './types.js';

const checkCmd = (p: { host?: string; port?: number; security?: string }) =>
  p.security === 'starttls'
    ? `openssl s_client -connect ${p.host}:${p.port} -starttls imap -servername ${p.host} -showcerts`
    : `openssl s_client -connect ${p.host}:${p.port ?? 993} -servername ${p.host} -showcerts`;

/** "3 days", "5 hours", "1 year": a signed number of seconds as a rough plain duration. */
const span = (v: ParamValue | undefined): string => {
  const secs = Math.abs(Number(v ?? 0));
  const units: Array<[number, string]> = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  const [size, unit] = units.find(([n]) => secs >= n) ?? [1, 'second'];
  const n = Math.floor(secs / size);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
};

/** "2026-11-26 12:00 UTC" from an ISO date. */
const when = (v: ParamValue | undefined): string => {
  const t = Date.parse(str(v));
  return Number.isNaN(t) ? str(v) : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
};

const INTERCEPTOR: Record<string, string> = {
  antivirus: 'the security software',
  corporate: "your network's security gateway",
  'debug-proxy': 'the debugging proxy',
};

const list = (v: ParamValue | undefined): string[] => (Array.isArray(v) ? v : []);

/** TLS_WEAK_CRYPTO's parallel key lists as a sentence: "Key too small: RSA 1024 bits (name). " */
function weakKeys(p: P): string {
  const types = list(p.keyTypes);
  const bits = list(p.keyBits);
  const certs = list(p.keyCerts);
  return certs.length > 0
    ? `Key too small: ${certs.map((c, i) => `${types[i] ?? ''} ${bits[i] ?? '?'} bits (${c})`).join(', ')}. `
    : '';
}

/** TLS_WEAK_CRYPTO's parallel signature lists as a sentence. */
function weakSignatures(p: P): string {
  const algs = list(p.signatureAlgorithms);
  const certs = list(p.signatureCerts);
  return certs.length > 0
    ? `Outdated signature hash (MD5/SHA-1, forgeable): ${certs.map((c, i) => `${algs[i] ?? '?'} (${c})`).join(', ')}. `
    : '';
}

export const tls = {
  TLS_OK: {
    severity: 'ok',
    who: 'you',
    title: (p) => `The certificate of ${hp(p)} is valid`,
    explain: (p) =>
      `${str(p.protocol)} with ${str(p.cipher)}. Certificate for ${str(p.names)} from ${str(p.issuer)}, valid until ${day(p.validTo)}.`,
    fix: () => [],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      names: 'imap.example.com',
      issuer: "Let's Encrypt R11",
      validTo: '2027-01-01T00:00:00.000Z',
    },
  },
  TLS_CERT_EXPIRED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) =>
      p.which === 'intermediate'
        ? `The intermediate certificate ${str(p.certName)} sent by ${hp(p)} expired on ${day(p.validTo)}`
        : `The certificate of ${hp(p)} expired on ${day(p.validTo)}`,
    explain: (p) =>
      (p.which === 'intermediate'
        ? `The server's own certificate (for ${str(p.names)}) is current, but the intermediate certificate it sends with it, ${str(p.certName)}, expired on ${day(p.validTo)}: the chain file is outdated. `
        : `The server presents a certificate for ${str(p.names)} that was valid until ${day(p.validTo)}. `) +
      'Mail apps refuse expired certificates, because an attacker could be using an old stolen key. Very often a new certificate was fetched but the mail service was never reloaded and still serves the old one.',
    fix: (p) => [
      p.which === 'intermediate'
        ? "Mail admin: serve the CA's current intermediate with the certificate (the fullchain.pem of the latest renewal), then reload the mail service."
        : 'Mail admin: renew the certificate and reload the mail service so it reads the new file (`doveadm reload`, or restart Dovecot/Postfix).',
      'Mail admin: add a renewal hook that reloads the mail services (certbot `--deploy-hook`, acme.sh `--reloadcmd`).',
      `Check what the server presents: \`${checkCmd(p)} | openssl x509 -noout -dates\`.`,
    ],
    refs: ['RFC 5280 §4.1.2.5'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      names: 'imap.example.com',
      validTo: '2021-01-01T00:00:00.000Z',
    },
  },
  TLS_CERT_NOT_YET_VALID: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} is only valid from ${day(p.validFrom)}`,
    explain: (p) =>
      `The certificate's validity starts on ${day(p.validFrom)}, after this computer's clock (${day(p.now)}). ` +
      'Either the server uses a certificate dated in the future, or the clock of this computer is wrong.',
    fix: () => ["Check this computer's date and time.", 'Mail admin: install a certificate whose validity has begun.'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      validFrom: '2035-01-01T00:00:00.000Z',
      now: '2026-11-26T00:00:00.000Z',
    },
  },
  TLS_CLOCK_SKEW: {
    severity: 'error',
    who: 'you',
    title: (p) =>
      `This computer's clock is ${p.evidence === 'certificates' ? 'likely ' : ''}${p.atLeast ? 'at least ' : 'about '}${span(p.offsetSeconds)} ${p.direction === 'ahead' ? 'ahead' : 'behind'}, so certificates look invalid`,
    explain: (p) =>
      `This computer says it is ${when(p.localTime)}. ` +
      (p.evidence === 'certificates'
        ? `All ${str(p.count)} certificates seen (${str(p.certificates)}), from ${str(p.authorities)} different certificate authorities, only become valid later. Real servers do not all hand out certificates that start in the future, so the clock here is likely wrong: it would have to be at least ${when(p.correctedTime)} for them to be valid. `
        : p.evidence === 'server-date-and-certificate'
          ? `The web server ${str(p.sources)} says it is ${when(p.correctedTime)}, and at that time the certificate of ${str(p.certificates)} is valid: two independent sources agree that the clock here is wrong. `
          : `The web servers ${str(p.sources)} agree that it is ${when(p.correctedTime)}, and at that time the certificate of ${str(p.certificates)} is valid. `) +
      'Mail apps compare certificate dates with this clock, so with a wrong clock they reject certificates that are in fact fine.',
    fix: () => [
      'Set this computer\'s date, time and time zone correctly, best automatically: Windows: Settings → Time & language → Date & time → "Set time automatically"; macOS: System Settings → General → Date & Time; Linux: `timedatectl set-ntp true`.',
      'If the clock is wrong again after every restart, the battery on the mainboard is likely empty.',
      'Then run imap-doctor again: a wrong clock can hide other certificate problems behind the date error.',
    ],
    example: {
      offsetSeconds: 63072000,
      direction: 'behind',
      atLeast: false,
      evidence: 'server-dates',
      sources: ['https://autoconfig.example.com/', 'https://autoconfig.thunderbird.net/'],
      localTime: '2024-11-26T12:00:00.000Z',
      correctedTime: '2026-11-26T12:00:03.000Z',
      certificates: ['imap.example.com'],
      count: 1,
      authorities: 1,
    },
  },
  TLS_CERT_EXPIRING_SOON: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) =>
      `The certificate of ${hp(p)} expires in ${str(p.daysLeft)} day${p.daysLeft === 1 ? '' : 's'} (${day(p.validTo)})`,
    explain: (p) =>
      `The certificate is valid today, but only until ${when(p.validTo)}, less than ${str(p.warningDays)} days from now. ` +
      'After that every mail app will refuse the connection. Certificates from automatic CAs are normally renewed 30 days before they expire, so this usually means the renewal or the reload of the mail service is failing.',
    fix: (p) => [
      'Mail admin: renew the certificate now and reload the mail service (`doveadm reload`, or restart Dovecot/Postfix).',
      'Mail admin: check that automatic renewal works (`certbot renew --dry-run`) and that a deploy hook reloads the mail services (certbot `--deploy-hook`, acme.sh `--reloadcmd`).',
      `Check the dates the server presents: \`${checkCmd(p)} | openssl x509 -noout -dates\`.`,
    ],
    refs: ['RFC 5280 §4.1.2.5'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      daysLeft: 5,
      validTo: '2026-12-01T00:00:00.000Z',
      warningDays: 14,
    },
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
  CERT_NOT_FOR_EMAIL_DOMAIN: {
    severity: 'info',
    who: 'you',
    title: (p) => `The certificate of ${hp(p)} does not mention ${str(p.domain)}`,
    explain: (p) =>
      `The connection is secure and the certificate is valid for ${p.host ?? 'the server'}, but it names only ${str(p.names)}: nothing in it ties this server to your address's domain ${str(p.domain)} (RFC 7817). ` +
      'That is normal when a provider runs the mail for many domains. It only matters if the server name came from a source you do not trust: then nobody vouches that this server really handles the mail of your domain.',
    fix: (p) => [
      `Check that ${p.host ?? 'this server'} is the IMAP server your provider documents for ${str(p.domain)}.`,
      `Mail admin (optional): include ${str(p.domain)} or the SRV-ID _imaps.${str(p.domain)} in the certificate, or publish DNSSEC-signed SRV records (RFC 6186) so that mail apps can trust the server name.`,
    ],
    refs: ['RFC 7817 §3', 'RFC 6186', 'RFC 4985'],
    example: {
      host: 'imap.hoster.example',
      port: 993,
      security: 'tls',
      domain: 'example.com',
      names: ['imap.hoster.example'],
    },
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
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      subject: 'CN=imap.example.com',
      fingerprint: 'AB:CD:…',
    },
  },
  TLS_UNTRUSTED_ISSUER: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} comes from an authority nobody here trusts (${str(p.issuer)})`,
    explain: (p) =>
      `The certificate was issued by "${str(p.issuer)}"${p.root ? `, which chains to "${str(p.root)}"` : ''}, and that authority is not in the trusted list ` +
      "(Mozilla's, plus any --ca-file). A company's private CA or a test CA looks like this; so does security software or a network gateway that decrypts connections, when its name is not one imap-doctor recognises.",
    fix: (p) => [
      `If "${str(p.root ?? p.issuer)}" is your organisation's CA, install its certificate in your mail app's or system's trust store (\`--ca-file\` for imap-doctor).`,
      'Mail admin: for users outside the organisation, use a certificate from a public CA.',
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      issuer: 'Example Corp Internal CA',
      root: 'Example Corp Root',
    },
  },
  TLS_INTERCEPTED: {
    severity: 'error',
    who: 'you',
    title: (p) =>
      `The connection to ${hp(p)} is likely decrypted by ` +
      (p.kind === 'corporate'
        ? `your network's security gateway (${str(p.product)})`
        : p.kind === 'debug-proxy'
          ? `a debugging proxy (${str(p.product)})`
          : `your security software (${str(p.product)})`),
    explain: (p) =>
      `The certificate was not issued to the mail server by a public authority but by "${str(p.matched)}", a name ${str(p.product)} gives the certificates it makes. ` +
      `So ${INTERCEPTOR[str(p.kind)] ?? 'a program'} likely sits between this computer and the server: it opens the encrypted connection itself and re-encrypts it with a certificate of its own, and can read everything, including your password. ` +
      (p.verified
        ? 'The connection works here only because its root certificate is trusted (e.g. through --ca-file). Mail apps with their own list of trusted authorities (Thunderbird, K-9 Mail, FairEmail, apps built on Node.js or Java) will still refuse it. '
        : `Mail apps with their own list of trusted authorities (Thunderbird, K-9 Mail, FairEmail, apps built on Node.js or Java) refuse it${p.verifyError ? ` (${str(p.verifyError)})` : ''}, while apps that use the system's list may work. `) +
      (p.untrustedUpstream
        ? `${str(p.product)} also signals that the real server's own certificate failed its check, so the server may have a certificate problem of its own; test again without the inspection to see it. `
        : '') +
      "Every other certificate detail seen here is the product's, not the server's.",
    fix: (p) =>
      p.kind === 'corporate'
        ? [
            `Ask your IT department to exempt mail servers (${p.host ?? 'this server'}, ports 993 and 143) from TLS inspection in ${str(p.product)}, or to install its root certificate in your mail app's list of trusted authorities.`,
            'To confirm: run imap-doctor again from another network (e.g. a phone hotspot); there the certificate should verify.',
            'Do not switch off certificate checks in the mail app.',
          ]
        : p.kind === 'debug-proxy'
          ? [
              `Stop ${str(p.product)} or take it out of the system proxy settings and of HTTPS_PROXY/ALL_PROXY, then try again.`,
              `If you use it on purpose, trust its CA certificate in the app you test (for imap-doctor: \`--ca-file <${str(p.product)} CA>\`).`,
            ]
          : [
              `Turn off the mail or SSL/TLS scanning of ${str(p.product)}${p.setting ? ` (${str(p.setting)})` : ''}, or exclude your mail app from it.`,
              `Or, if you want the scanning: make your mail app trust the root certificate of ${str(p.product)} (export it from the product or the system's certificate store, import it into the mail app; for imap-doctor: \`--ca-file <exported root>\`).`,
              'Do not switch off certificate checks in the mail app.',
            ],
    refs: ['RFC 9525'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      product: 'Avast',
      kind: 'antivirus',
      matched:
        'CN=Avast Web/Mail Shield Root, O=Avast Web/Mail Shield, OU=generated by Avast Antivirus for SSL/TLS scanning',
      issuer: 'Avast Web/Mail Shield Root',
      root: 'Avast Web/Mail Shield Root',
      verified: false,
      verifyError: 'SELF_SIGNED_CERT_IN_CHAIN',
      untrustedUpstream: false,
      setting: 'Mail Shield → "Scan SSL connections"',
    },
  },
  TLS_CHAIN_INCOMPLETE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) =>
      `${hp(p)} ${p.confirmed ? 'does not send' : 'most likely does not send'} the intermediate certificate`,
    explain: (p) =>
      `The server sends only its own certificate, issued by "${str(p.issuer)}", without the intermediate certificate that links it to a trusted root. ` +
      (p.confirmed
        ? `The doctor fetched that intermediate from ${str(p.aiaUrl)} (named in the certificate), and with it the chain verifies: the certificate is fine, the server configuration is not. `
        : `The certificate names its issuer's download address (${str(p.aiaUrl)}), as public CAs do, but the doctor could not fetch it to prove the chain${p.aiaError ? ` (${str(p.aiaError)})` : ''}; a missing intermediate is the likely cause. `) +
      'Browsers often repair this on their own; mail apps usually do not, so they reject the server.',
    fix: (p) => [
      'Mail admin: configure the full chain, not just the certificate: for Dovecot `ssl_cert = </etc/letsencrypt/live/<name>/fullchain.pem` (not cert.pem), then reload.',
      `Check: \`${checkCmd(p)}\` should show two or more certificates.`,
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      issuer: 'R11',
      confirmed: true,
      aiaUrl: 'http://r11.i.lencr.org/',
    },
  },
  TLS_CERT_INVALID: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} does not verify (${str(p.reason)})`,
    explain: (p) => `Certificate verification failed with ${str(p.reason)}. Mail apps refuse such a certificate.`,
    fix: (p) => [`Mail admin: inspect the chain with \`${checkCmd(p)}\` and replace the certificate.`],
    example: { host: 'imap.example.com', port: 993, security: 'tls', reason: 'CERT_REVOKED' },
  },
  TLS_WEAK_CRYPTO: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) =>
      p.refused
        ? `${hp(p)} uses encryption too weak for current software`
        : `${hp(p)} uses weak encryption that stricter software refuses`,
    explain: (p) => {
      const keys = weakKeys(p);
      const sigs = weakSignatures(p);
      const cipher = p.legacyCipher
        ? `Only with legacy settings did the server agree to connect, using ${str(p.legacyProtocol)} with ${str(p.legacyCipher)}. `
        : '';
      const refused =
        p.during === 'handshake'
          ? `The TLS library refused the server's ${str(p.reason) === 'ERR_SSL_DH_KEY_TOO_SMALL' ? 'key exchange' : 'encryption parameters'} during the handshake (${str(p.reason)}). `
          : `The certificate chain was rejected because of weak cryptography (${str(p.reason)}). `;
      return (
        (p.refused
          ? refused
          : 'The connection was accepted here, but with a certificate that stricter systems (many Linux distributions, current phones) refuse. ') +
        keys +
        sigs +
        cipher +
        'Current software requires RSA keys of at least 2048 bits, SHA-256 or better signatures and Diffie-Hellman groups of at least 2048 bits.'
      );
    },
    fix: (p) => [
      'Mail admin: issue a new certificate with an ECDSA P-256 key or an RSA key of at least 2048 bits, signed with SHA-256 (any current CA does this; e.g. `certbot certonly --key-type ecdsa -d <name>`), and configure it for the IMAP service.',
      'Mail admin: use 2048-bit or larger Diffie-Hellman parameters or ECDHE only (Dovecot 2.3: `ssl_dh = </etc/dovecot/dh.pem` made with `openssl dhparam -out /etc/dovecot/dh.pem 3072`) and remove RC4/DES/3DES/export ciphers.',
      `Check: \`${checkCmd(p)} | openssl x509 -noout -text | grep -E "Public-Key|Signature Algorithm"\`.`,
    ],
    refs: ['RFC 9325 §4', 'RFC 9155', 'RFC 8996'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      keyTypes: ['RSA'],
      keyBits: ['1024'],
      keyCerts: ['imap.example.com'],
      signatureAlgorithms: ['ecdsa-with-SHA1'],
      signatureCerts: ['imap.example.com'],
      reason: 'UNSPECIFIED',
      refused: true,
      during: 'verification',
    },
  },
  TLS_PROTOCOL_TOO_OLD: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${hp(p)} only speaks ${str(p.protocol)}, which current software refuses`,
    explain: (p) =>
      `A normal handshake (TLS 1.2 or newer) failed; with legacy settings the server answered with ${str(p.protocol)}. ` +
      'TLS 1.0 and 1.1 were retired in 2021 (RFC 8996) and current mail apps, phones and operating systems no longer accept them.',
    fix: () => [
      "Mail admin: enable TLS 1.2 and 1.3 (Dovecot: `ssl_min_protocol = TLSv1.2`) and update the server's TLS library if it cannot.",
    ],
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
    fix: (p) => [
      `Mail admin: check the IMAP service log for TLS errors at the time of this test, and test with \`${checkCmd(p)}\`.`,
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      error: 'the server closed the connection during the TLS handshake',
    },
  },
} satisfies Record<string, CatalogueEntry>;
