/**
 * Catalogue: the newest discovery standards — PACC (draft-ietf-mailmaint-pacc), the published
 * authentication of autoconfig 1.2 against the server's SASL list, OAuth issuer discovery
 * (RFC 8414, OpenID Connect, RFC 7628) and DANE for IMAP (RFC 6698, 7671, 7673).
 */
import { hp, str, type CatalogueEntry, type P } from './types.js';
import { probeErrorText, probeWhyOf } from './probe-why.js';

const PACC_REF = 'draft-ietf-mailmaint-pacc';
const uaacRecord = (p: P, digest: string): string =>
  `_ua-auto-config.${str(p.domain)}. 3600 IN TXT "v=UAAC1; a=sha256; d=${digest}"`;

const PACC_PROBLEM: Record<string, string> = {
  'no-txt': 'no TXT record vouches for it: without `_ua-auto-config` in DNS, mail apps must not use the document',
  'txt-lookup-failed': 'the TXT record that vouches for it could not be looked up (the DNS lookup failed)',
  'txt-no-digest': 'the TXT records at `_ua-auto-config` carry no `v=UAAC1; a=sha256; d=…` digest',
  'not-json': 'the document is not valid JSON',
  'not-object': 'the JSON has no `protocols` object',
  'no-imap': 'it names no IMAP server (`protocols.imap.host`)',
  unreachable: 'the TXT record exists, but the document itself could not be fetched',
};

export const pacc = {
  PACC_FOUND: {
    severity: 'ok',
    who: 'mail-admin',
    title: (p) => `${str(p.domain)} publishes PACC settings, and DNS vouches for them`,
    explain: (p) =>
      `${str(p.url)} names: ${str(p.servers, 'no IMAP server')}. Its SHA-256 digest matches the TXT record ${str(p.txtName)}, so the web server and DNS agree` +
      `${p.authenticated ? ', and the TXT record is DNSSEC-signed' : ''}.${p.submissionKey === 'smtp' ? ' It names the outgoing server under `smtp`, the key of draft -02 (newer drafts use `submit`).' : ''}`,
    fix: () => [],
    refs: [PACC_REF],
    example: {
      domain: 'example.com',
      url: 'https://ua-auto-config.example.com/.well-known/user-agent-configuration.json',
      servers: ['imap.example.com:993 (SSL/TLS)'],
      txtName: '_ua-auto-config.example.com',
      authenticated: false,
      submissionKey: 'submit',
    },
  },
  PACC_DIGEST_MISMATCH: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The PACC settings of ${str(p.domain)} do not match the digest published in DNS`,
    explain: (p) =>
      `The document served at ${str(p.url)} (${str(p.bytes)} bytes) has the SHA-256 digest ${str(p.served)}, but the TXT records at ${str(p.txtName)} publish ${str(p.published)}. ` +
      'Mail apps that follow PACC ignore the document when no published digest matches its exact bytes — one changed space or line ending is enough.',
    fix: (p) => [
      `If the document at ${str(p.url)} is what you mean to publish: update DNS to \`${uaacRecord(p, str(p.served))}\` (keep the old record until caches expire, if clients may still see the old document).`,
      `If DNS is right: serve the exact bytes whose digest is ${str(Array.isArray(p.published) ? p.published[0] : p.published)} again (check that no proxy or CDN re-encodes or minifies the JSON).`,
      `Check: \`curl -s ${str(p.url)} | openssl dgst -sha256 -binary | base64\`.`,
    ],
    refs: [PACC_REF],
    example: {
      domain: 'example.com',
      url: 'https://ua-auto-config.example.com/.well-known/user-agent-configuration.json',
      txtName: '_ua-auto-config.example.com',
      served: 'q1zQ3v6cV7Jb2bYxRtKXo0pU0xq4M0Jb5h8o2rjCQ3s=',
      published: ['9X2mMgWAc10oSPuRKZSFBwPXEQpnxkS7SXPO8PC7euM='],
      bytes: 231,
    },
  },
  PACC_INVALID: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `The PACC settings of ${str(p.domain)} cannot be used`,
    explain: (p) =>
      `At ${str(p.url)}: ${PACC_PROBLEM[str(p.reason)] ?? str(p.reason)}${p.detail ? ` (${str(p.detail)})` : ''}. Mail apps that follow PACC ignore the document.`,
    fix: (p) => [
      p.reason === 'no-txt' || p.reason === 'txt-no-digest'
        ? `Mail admin: publish \`${uaacRecord(p, str(p.served, '<base64 SHA-256 of the exact document>'))}\`.`
        : `Mail admin: serve a JSON document with \`protocols.imap.host\` at ${str(p.url)} (imap-doctor publish ${str(p.domain)} writes one with its TXT record).`,
    ],
    refs: [PACC_REF],
    example: {
      domain: 'example.com',
      url: 'https://ua-auto-config.example.com/.well-known/user-agent-configuration.json',
      reason: 'no-txt',
      served: 'q1zQ3v6cV7Jb2bYxRtKXo0pU0xq4M0Jb5h8o2rjCQ3s=',
    },
  },
  PACC_OBSOLETE: {
    severity: 'info',
    who: 'mail-admin',
    title: (p) => `${str(p.domain)} still publishes an obsolete form of PACC`,
    explain: (p) =>
      `Found: ${str(p.found)}. Early drafts used \`/.well-known/pacc.json\` and the SRV record \`_pacc._https\`; since draft-ietf-mailmaint-pacc-01 mail apps read ` +
      `https://ua-auto-config.${str(p.domain)}/.well-known/user-agent-configuration.json, vouched for by the TXT record _ua-auto-config.${str(p.domain)}. imap-doctor did not use the old form.`,
    fix: (p) => [
      `Mail admin: publish the current form (imap-doctor publish ${str(p.domain)}), then remove the old one.`,
    ],
    refs: [PACC_REF],
    example: { domain: 'example.com', found: ['https://example.com/.well-known/pacc.json'] },
  },
} satisfies Record<string, CatalogueEntry>;

const DIRECTION: Record<string, (p: P) => string> = {
  'oauth-missing': (p) =>
    `${str(p.source)} tells mail apps to log in with OAuth, but ${hp(p)} offers neither OAUTHBEARER nor XOAUTH2 (it offers: ${str(p.offered, 'no SASL mechanism')}).`,
  'oauth-unpublished': (p) =>
    `${hp(p)} offers ${str(p.oauthOffered)}, but ${str(p.source)} publishes only ${str(p.published)}: mail apps will never try OAuth there.`,
  'password-missing': (p) =>
    `${str(p.source)} tells mail apps to send a password, but ${hp(p)} offers no password mechanism (it offers: ${str(p.offered, 'no SASL mechanism')}, and LOGIN is disabled).`,
  'sasl-missing': (p) =>
    `${str(p.source)} recommends the SASL mechanism${Array.isArray(p.missing) && p.missing.length > 1 ? 's' : ''} ${str(p.missing)}, which ${hp(p)} does not offer (it offers: ${str(p.offered, 'none')}).`,
};

export const publishedAuth = {
  AUTH_METHOD_NOT_OFFERED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `The published login method and the server's mechanisms disagree on ${hp(p)}`,
    explain: (p) =>
      `${(DIRECTION[str(p.direction)] ?? (() => `Published: ${str(p.published)}; offered: ${str(p.offered)}.`))(p)} ` +
      'A mail app follows the published method and does not fall back in daily use (draft-ietf-mailmaint-autoconfig), so the account fails even with the right password.',
    fix: (p) => [
      p.direction === 'oauth-unpublished'
        ? `Mail admin: publish OAuth in ${str(p.source)} (an <authentication>OAuth2</authentication> entry and an <oAuth2> element with the issuer), or stop offering it.`
        : `Mail admin: make ${str(p.source)} and the server agree — publish only what the server offers (\`a1 CAPABILITY\` after TLS lists it), or enable the published mechanism on the server.`,
    ],
    refs: ['draft-ietf-mailmaint-autoconfig-06 §authentication', 'RFC 7628', 'RFC 4422'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      source: 'https://autoconfig.example.com/mail/config-v1.1.xml',
      direction: 'oauth-missing',
      published: ['OAuth2'],
      offered: ['PLAIN', 'LOGIN'],
    },
  },
} satisfies Record<string, CatalogueEntry>;

const ORIGIN: Record<string, string> = {
  pacc: 'the PACC document',
  autoconfig: 'the autoconfig <oAuth2> element',
  'sasl-error': "the server's own OAUTHBEARER error",
};
/** One metadata fetch's problem (OAUTH_METADATA_INVALID's parallel lists), as a phrase. */
function fetchProblem(p: P, i: number): string {
  const at = (k: string) => (Array.isArray(p[k]) ? (p[k][i] ?? '') : '');
  const [url, code, status, said, why] = [
    at('problemUrls'),
    at('problemCodes'),
    at('problemStatus'),
    at('problemDetails'),
    at('problemWhys'),
  ];
  const reason = why ? probeWhyOf(why) : undefined;
  const detail = reason ? probeErrorText({ why: reason, message: said || undefined }) : said;
  switch (code) {
    case 'redirect':
      return `${url}: redirect to ${detail || '?'} (not followed)`;
    case 'http-error':
      return `${url}: ${status ? `HTTP ${status}` : detail || 'no answer'}`;
    case 'too-large':
      return `${url}: larger than ${str(p.maxBytes)} bytes (not read further)`;
    case 'refused':
      return `${url}: ${detail || 'not connected to (--no-private)'}`;
    default:
      return `${url}: ${code || 'unusable'}`;
  }
}

const fetchProblems = (p: P): string =>
  Array.isArray(p.problemUrls) ? p.problemUrls.map((_, i) => fetchProblem(p, i)).join(', ') : '';

const origins = (v: unknown): string =>
  Array.isArray(v) ? v.map((x) => ORIGIN[String(x)] ?? String(x)).join(' and ') : (ORIGIN[String(v)] ?? String(v));

export const oauth = {
  OAUTH_TOKEN_HOWTO: {
    severity: 'info',
    who: 'you',
    title: (p) => `How to get an OAuth token for this account: the issuer is ${str(p.issuer)}`,
    explain: (p) =>
      `The server accepts OAuth tokens and no token was given. ${origins(p.from).replace(/^./, (c) => c.toUpperCase())} names the issuer ${str(p.issuer)}; its metadata (${str(p.metadataUrl)}) gives ` +
      `the authorization endpoint ${str(p.authorizationEndpoint, '(none)')} and the token endpoint ${str(p.tokenEndpoint, '(none)')}` +
      `${p.registrationEndpoint ? `, and dynamic client registration at ${str(p.registrationEndpoint)}` : ''}${p.scopes ? `; scopes: ${str(p.scopes)}` : ''}.`,
    fix: (p) => [
      `Get an access token from ${str(p.issuer)} (authorization code flow with PKCE at ${str(p.authorizationEndpoint, 'its authorization endpoint')}), then run again with \`--oauth-token -\` and paste it.`,
    ],
    refs: ['RFC 8414', 'OpenID Connect Discovery 1.0', 'RFC 7628', 'draft-ietf-mailmaint-oauth-public'],
    example: {
      issuer: 'https://login.example.com',
      from: ['pacc'],
      metadataUrl: 'https://login.example.com/.well-known/oauth-authorization-server',
      authorizationEndpoint: 'https://login.example.com/authorize',
      tokenEndpoint: 'https://login.example.com/token',
      registrationEndpoint: 'https://login.example.com/register',
      scopes: ['urn:ietf:params:oauth:scope:mail'],
    },
  },
  OAUTH_METADATA_INVALID: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `The OAuth issuer ${str(p.issuer)} publishes no usable metadata`,
    explain: (p) =>
      `${origins(p.from).replace(/^./, (c) => c.toUpperCase())} names ${str(p.issuer)}, but: ${fetchProblems(p)}. ` +
      'Mail apps find the authorization and token endpoints through this metadata (RFC 8414 first, then OpenID Connect discovery); redirects are not followed, and the document must name exactly this issuer.',
    fix: (p) => [
      `Mail admin: serve the issuer's metadata with status 200 at ${str(p.expected)}, its "issuer" member exactly "${str(p.issuer)}".`,
    ],
    refs: ['RFC 8414 §3', 'OpenID Connect Discovery 1.0 §4'],
    example: {
      issuer: 'https://login.example.com',
      from: ['autoconfig'],
      problemUrls: [
        'https://login.example.com/.well-known/oauth-authorization-server',
        'https://login.example.com/.well-known/openid-configuration',
      ],
      problemCodes: ['redirect', 'http-error'],
      problemStatus: ['302', '404'],
      problemDetails: ['https://sso.example.net/', ''],
      maxBytes: 65536,
      expected: 'https://login.example.com/.well-known/oauth-authorization-server',
    },
  },
  OAUTH_ISSUER_UNKNOWN: {
    severity: 'info',
    who: 'you',
    title: (p) => `${hp(p)} accepts OAuth tokens, but nothing says where to get one`,
    explain: (p) =>
      `The server offers ${str(p.mechanisms)} and no token was given. ` +
      (p.probed
        ? `Asked with an empty token (--oauth-discover), it answered ${p.status ? `status "${str(p.status)}"` : 'without an error document'} and named no openid-configuration.`
        : 'Neither a PACC document nor an autoconfig <oAuth2> element names the OAuth issuer.'),
    fix: (p) => [
      p.probed
        ? 'Mail admin: name the issuer (PACC authentication["oauth-public"].issuer, or <oAuth2><issuer> in autoconfig), or have the server send "openid-configuration" in its OAUTHBEARER error (RFC 7628 §3.2.2).'
        : `Run again with --oauth-discover to ask the server itself (it spends this endpoint's one login attempt on an empty token), or see the provider's documentation.`,
    ],
    refs: ['RFC 7628 §3.2.2', 'draft-ietf-mailmaint-pacc'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      mechanisms: ['OAUTHBEARER', 'XOAUTH2'],
      probed: false,
    },
  },
} satisfies Record<string, CatalogueEntry>;

const NOT_VALIDATED: Record<string, string> = {
  'resolver-not-trusted':
    'the DNS resolver path cannot be trusted to vouch for DNSSEC (not on this machine, not named with --dns, no `options trust-ad`), so its "authenticated" bit means nothing',
  'no-ad':
    'the resolver did not mark the TLSA answer as DNSSEC-validated (the zone is unsigned, or the resolver does not validate)',
  'address-insecure': 'the TLSA records validated, but the address records of the host did not — RFC 7673 needs both',
  'srv-insecure':
    'only SRV named this host, and the SRV records were not DNSSEC-validated — RFC 7673 needs SRV, address and TLSA records all secure',
};

export const dane = {
  DANE_OK: {
    severity: 'ok',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} matches its DNSSEC-signed TLSA record`,
    explain: (p) =>
      `${str(p.name)} TLSA ${str(p.record)} matches the chain the server presents. ` +
      (p.rolloverReady
        ? 'Records for both the key (3 1 1) and its issuer (2 1 1) are published, so the key can roll over.'
        : 'Publish a second record (a 2 1 1 for the issuing CA beside a 3 1 1, or the next key) before changing the key, or DANE clients will refuse the new one.'),
    fix: () => [],
    refs: ['RFC 6698', 'RFC 7671 §8.1', 'RFC 7673'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      name: '_993._tcp.imap.example.com',
      record: '3 1 1 8bd1…',
      records: ['3 1 1 8bd1…'],
      rolloverReady: false,
    },
  },
  DANE_MISMATCH: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The certificate of ${hp(p)} does not match its TLSA records`,
    explain: (p) =>
      `${str(p.name)} publishes ${str(p.records)} (DNSSEC-validated), but none matches the chain presented${p.address ? ` by ${str(p.address)}` : ''}: ${str(p.presented)}.` +
      `${p.nameFailed ? ' A record matches a certificate, but the name check that usage requires failed.' : ''} ` +
      'Clients that use DANE refuse this server. Usually the key or certificate was renewed and the TLSA records were not updated first.',
    fix: (p) => [
      `Mail admin: publish TLSA records for the key in use (imap-doctor publish <domain> prints "3 1 1" and "2 1 1" records for it), keeping the old ones until the DNS TTL has passed.`,
      `Check: \`openssl s_client -connect ${str(p.host)}:${str(p.port)}${p.security === 'starttls' ? ' -starttls imap' : ''} -servername ${str(p.host)} </dev/null | openssl x509 -noout -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256\`.`,
    ],
    refs: ['RFC 6698 §2.1', 'RFC 7671 §5', 'RFC 7673 §3'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      name: '_993._tcp.imap.example.com',
      records: ['3 1 1 0000…'],
      presented: ['leaf imap.example.com: SPKI SHA-256 8bd1…'],
      nameFailed: false,
      address: '192.0.2.10',
    },
  },
  DANE_NOT_VALIDATED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `TLSA records exist for ${hp(p)}, but they could not be validated`,
    explain: (p) =>
      `${str(p.name)} publishes ${str(p.records)}, but ${NOT_VALIDATED[str(p.reason)] ?? str(p.reason)}. ` +
      'DANE clients ignore TLSA records they cannot validate, so they protect nothing here.',
    fix: (p) =>
      p.reason === 'resolver-not-trusted'
        ? [
            'Check again through a validating resolver you trust: `--dns 127.0.0.1` with a local unbound, or `--dns 9.9.9.9`.',
          ]
        : [
            `Mail admin: sign the zone with DNSSEC and publish its DS record at the parent (check: \`delv ${str(p.name)} TLSA\`), or remove the TLSA records.`,
          ],
    refs: ['RFC 6698 §4', 'RFC 7673 §3'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      name: '_993._tcp.imap.example.com',
      records: ['3 1 1 8bd1…'],
      reason: 'no-ad',
    },
  },
  DNSSEC_BOGUS: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The DNSSEC signatures of ${str(p.name)} (${str(p.type)}) are broken`,
    explain: (p) =>
      `The validating resolver (${str(p.server, 'the resolver')}) answers SERVFAIL for ${str(p.name)} ${str(p.type)}, but answers the same question when told not to check signatures (CD bit). ` +
      'The records exist; their signatures do not validate (expired, or made with a key the parent zone no longer vouches for). Every validating resolver hides these records.',
    fix: (p) => [
      `Mail admin: re-sign the zone and check the DS record at the parent (\`delv ${str(p.name)} ${str(p.type) === 'A/AAAA' ? 'A' : str(p.type)}\`, or https://dnsviz.net/).`,
    ],
    refs: ['RFC 4035 §3.2.2', 'RFC 6840'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      name: '_993._tcp.imap.example.com',
      type: 'TLSA',
      server: '127.0.0.1:53',
    },
  },
} satisfies Record<string, CatalogueEntry>;
