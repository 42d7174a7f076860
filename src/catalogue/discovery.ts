/** Catalogue: finding the server from the address alone (DNS, SRV, autoconfig, ISPDB, MX, Autodiscover, guesses). */
import { secLabel, str, type CatalogueEntry, type P } from './types.js';
import { sourceProse } from './labels.js';
import type { TrustReason } from '../model/evidence.js';
import type { InvalidWhyCode } from '../model/discovery.js';

const socketType = (s: string): string => (s === 'tls' ? 'SSL' : s === 'starttls' ? 'STARTTLS' : 'plain');

/** An endpoint id ("host:port/security") as people read it: "host:port (SSL/TLS)". */
const ep = (id: string): string => {
  const m = /^(.*):(\d+)\/(\w+)$/.exec(id);
  return m ? `${m[1]}:${m[2]} (${secLabel(m[3])})` : id;
};
const eps = (v: unknown): string =>
  Array.isArray(v) ? v.map((x) => ep(String(x))).join(', ') : ep(str(v as string | undefined));
/** The IMAP servers a source named, or a plain "no IMAP server". */
const named = (v: unknown): string => (Array.isArray(v) && v.length > 0 ? eps(v) : 'no IMAP server');
const parts = (id: string): { host: string; port: string; security: string } => {
  const m = /^(.*):(\d+)\/(\w+)$/.exec(id);
  return { host: m?.[1] ?? id, port: m?.[2] ?? '', security: m?.[3] ?? '' };
};
const SERVICE_NAME: Record<string, string> = {
  _imaps: 'IMAP over TLS (port 993)',
  _imap: 'IMAP with STARTTLS (port 143)',
};

const labels = (v: unknown): string =>
  Array.isArray(v) ? v.map((x) => sourceProse(String(x))).join(', ') : str(v as string | undefined);

/** The SRV record that publishes an endpoint (RFC 6186, RFC 8314 §5.1). */
const srvRecord = (working: string, domain: string): string => {
  const w = parts(working);
  return `${w.security === 'tls' ? '_imaps' : '_imap'}._tcp.${domain}. 3600 IN SRV 0 1 ${w.port} ${w.host}.`;
};

/** The sentence that fixes one published source, pointing it at the working endpoint. */
function fixFor(target: string, working: string, domain: string): string {
  const [kind, ref] = target.split('|');
  const w = parts(working);
  switch (kind) {
    case 'srv': {
      const record = srvRecord(working, domain);
      return record.startsWith(`${ref}.`)
        ? `change ${ref} to "${record}"`
        : `publish "${record}" and remove ${ref} (or point it there too).`;
    }
    case 'autoconfig':
      return `in ${ref} write <hostname>${w.host}</hostname>, <port>${w.port}</port>, <socketType>${socketType(w.security)}</socketType>.`;
    case 'ispdb':
      return `have the ISPDB entry ${ref} corrected (https://github.com/thunderbird/autoconfig): hostname ${w.host}, port ${w.port}, socketType ${socketType(w.security)}.`;
    case 'pacc':
      return `in ${ref} write "imap": {"host": "${w.host}"} (PACC allows only SSL/TLS on 993), then publish the new digest (imap-doctor publish ${domain}).`;
    case 'autodiscover':
      return `in the Autodiscover answer of ${ref} write <Server>${w.host}</Server>, <Port>${w.port}</Port>, <SSL>on</SSL>${w.security === 'starttls' ? ', <Encryption>TLS</Encryption>' : ''}.`;
    default:
      return `correct ${ref ?? target} to ${ep(working)}.`;
  }
}

/** Why a source cannot vouch for a host, in plain words. */
const UNVERIFIED_REASON: Partial<Record<TrustReason, string>> = {
  http: 'fetched over plain HTTP',
  'redirect-off-domain': 'after a redirect to another domain',
  'redirect-to-http': 'after a redirect to plain HTTP',
  'mx-not-dnssec': 'found through the MX, whose DNS answer was not DNSSEC-validated',
  'srv-outside-domain': 'an SRV record pointing outside the domain, whose DNS answer was not DNSSEC-validated',
  'pacc-unverified': 'a PACC document whose digest was not confirmed by its DNS record',
  obsolete: 'an obsolete format that mail apps no longer read',
  'not-run': 'a source that did not run',
};

/** Why a settings document cannot be used, in plain words. */
const INVALID_REASON: Record<string, string> = {
  empty: 'the answer was empty',
  'too-large': 'the answer was far larger than any settings file (it was not read to the end)',
  doctype:
    'the document carries a DOCTYPE/ENTITY declaration, which settings files never need and which can be abused, so it was refused',
  html: 'the answer is a web page (HTML), not a settings file — often a "not found" page served with status 200',
  'not-xml': 'the answer is not well-formed XML (truncated or broken)',
  'no-client-config': 'the XML is not an autoconfig document (no <clientConfig><emailProvider>)',
  'no-incoming-server': 'the document has no usable incoming server',
  'unknown-socket-type': 'a <socketType> value is not one of SSL, STARTTLS or plain',
  'unfilled-placeholder': 'a value still holds a placeholder no mail app can fill',
  'bad-port': 'a <port> is not a number between 1 and 65535',
  'bad-hostname': 'a <hostname> is not a valid host name',
  'missing-field': 'a required element is missing',
  'too-deep': 'the elements are nested far deeper than any settings file (it was refused before parsing)',
  'too-many-elements': 'the document holds far more elements than any settings file (it was refused before parsing)',
  'too-many-servers': 'the document lists more servers than any settings file; only the first ones were read',
};

/** What in a document made it unusable (InvalidWhy's code, its values as params). */
export const INVALID_WHY: Record<InvalidWhyCode, (p: P) => string> = {
  'no-root-element': () => 'no root element',
  'root-element': (p) => `root element <${str(p.element)}>`,
  'no-autodiscover-response': (p) => `no <Autodiscover><Response> (root <${str(p.element)}>)`,
  'no-element': (p) => `no <${str(p.element)}> element`,
  'redirect-addr-missing': () => 'redirectAddr without <RedirectAddr>',
  'redirect-url-unusable': (p) => `redirectUrl without a usable <RedirectUrl>: ${str(p.redirectUrl)}`,
  'over-limit': (p) =>
    p.bytes !== undefined ? `${str(p.bytes)} bytes, limit ${str(p.limit)}` : `body larger than ${str(p.limit)} bytes`,
  'nested-too-deep': (p) => `elements nested more than ${str(p.limit)} deep`,
  'too-many-elements': (p) => `more than ${str(p.limit)} elements`,
  'html-doctype': () => '<!DOCTYPE html>: an HTML page',
  declaration: (p) => `<!${str(p.kind)}> declaration refused`,
  'html-root': (p) => `<${str(p.element)}> root element`,
  'html-malformed': () => '<html> element in a malformed document',
  'xml-error': (p) => `${str(p.message)} (line ${str(p.line)}, column ${str(p.column)})`,
};

/** The detail of AUTOCONFIG_INVALID: the words of its `why` code, else the text that came with it. */
function invalidDetail(p: P): string {
  const why = INVALID_WHY[str(p.why) as InvalidWhyCode];
  return why ? why(p) : p.detail ? str(p.detail) : '';
}

const INVALID_FIX: Record<string, (p: P) => string> = {
  'unknown-socket-type': (p) =>
    `write <socketType>SSL</socketType> for implicit TLS (port 993) or <socketType>STARTTLS</socketType> (port 143); "${str(p.value)}" makes Thunderbird for Android reject the whole file. imap-doctor probed it as ${secLabel(p.probedAs)}.`,
  'unfilled-placeholder': (p) =>
    `use only %EMAILADDRESS%, %EMAILLOCALPART% or %EMAILDOMAIN% (with both % signs); "${str(p.value)}" stays literally in the setting.`,
  doctype: () => 'remove the <!DOCTYPE …> line: config-v1.1.xml files need none.',
  html: (p) =>
    `serve the XML file at ${str(p.url)} with status 200, or answer 404 when there is none (not a web page with status 200).`,
  'not-xml': (p) =>
    `check that ${str(p.url)} is complete, well-formed XML (e.g. \`curl -s '${str(p.url)}' | xmllint --noout -\`).`,
  'too-large': () => 'a settings file is a few kilobytes; check that the URL serves the right file.',
};

export const discovery = {
  UNVERIFIED_TARGET_REFUSED: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${labels([p.source])} named ${str(p.target)}, which imap-doctor did not connect to`,
    explain: (p) =>
      `${labels([p.source])} cannot be verified (it came over plain HTTP, through a redirect to another domain, from an SRV record outside the domain without DNSSEC, or from an autoconfig file found through an MX answer without DNSSEC), ` +
      `so anyone on the network path could have written it. ${
        p.reason === 'port'
          ? `It names port ${str(p.target).replace(/^.*:/, '')}, and such a source may name only the IMAP ports (993 and 143) or one you give`
          : 'It names an IP address, and such a source may name host names only'
      }: otherwise it could steer imap-doctor, or a mail app, to any machine and port, including ones inside your own network. It was not connected to.`,
    fix: (p) => [
      'Mail admin: publish the settings over HTTPS on the domain itself (https://autoconfig.<domain>/mail/config-v1.1.xml), with host names and the standard ports.',
      `If you know this server is right, name it yourself: \`--host ${str(p.host)}\`${p.port ? ` \`--port ${str(p.port)}\`` : ''}, or \`--trust-host ${str(p.host)}\`.`,
    ],
    refs: ['RFC 6186 §6', 'draft-ietf-mailmaint-autoconfig'],
    example: { source: 'autoconfig-http', target: '10.0.0.5:993', reason: 'ip-literal', host: '10.0.0.5', port: 993 },
  },
  DNS_NXDOMAIN: {
    severity: 'error',
    who: 'you',
    title: (p) => `The domain ${str(p.domain)} does not exist in DNS`,
    explain: (p) =>
      `The DNS server (${str(p.server, 'the resolver')}) answered that ${str(p.domain)} does not exist (NXDOMAIN). No mail server can be found for an address at a domain that does not exist. ` +
      'Most often the part after @ is misspelled, or the domain registration has expired.',
    fix: (p) => [
      `Check the spelling of the part after @ ("${str(p.domain)}").`,
      `If the domain is yours: check with your registrar that it is registered, not expired, and has name servers (\`dig ${str(p.domain)} NS\`).`,
    ],
    refs: ['RFC 1035 §4.1.1', 'RFC 8020'],
    example: { domain: 'exmaple.com', server: '192.0.2.53:53' },
  },
  DNS_FALSE_NXDOMAIN: {
    severity: 'error',
    who: 'your-network',
    title: (p) => `Your DNS resolver claims that ${str(p.domain)} does not exist`,
    explain: (p) =>
      `The DNS server (${str(p.server, 'the resolver')}) answered that ${str(p.domain)} does not exist (NXDOMAIN), but ${str(p.domain)} is a domain of ${str(p.provider)} and certainly exists. ` +
      'The resolver gives false answers: a filtering or parental-control DNS, a captive portal (hotel or guest Wi-Fi login page), a broken VPN DNS, or no internet access behind a local DNS.',
    fix: (p) => [
      'Open any web page: if a login or terms page appears, complete it and run again.',
      'Check the VPN and any DNS filtering (router, security software, company network).',
      `Compare with another resolver: \`imap-doctor … --dns 9.9.9.9\`, or \`dig ${str(p.domain)} MX @9.9.9.9\`.`,
    ],
    refs: ['RFC 8020'],
    example: { domain: 'gmail.com', provider: 'Google (Gmail / Google Workspace)', server: '192.168.1.1:53' },
  },
  DNS_SERVFAIL: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `DNS lookups for ${str(p.domain)} fail (${str(p.status, 'servfail').toUpperCase()})`,
    explain: (p) =>
      `The DNS server (${str(p.server, 'the resolver')}) answered with an error instead of an answer for: ${str(p.lookups)}. ` +
      (p.status === 'refused'
        ? 'REFUSED means that resolver does not serve this computer — imap-doctor could not look, which is not the same as "nothing published".'
        : p.resolverWorking
          ? `The same resolver answers other questions, so the likely cause is ${str(p.domain)}'s own name servers: down, unreachable, or with broken DNSSEC signatures.`
          : 'The resolver fails for other names too, so the resolver itself is the likely cause.') +
      (p.all ? ' Nothing could be looked up, so the published settings are unknown.' : ' The other lookups worked.'),
    fix: (p) => [
      `Mail admin: check that ${str(p.domain)}'s name servers answer (\`dig +trace ${str(p.domain)} MX\`) and that DNSSEC validates (\`delv ${str(p.domain)} MX\`, or https://dnsviz.net/d/${str(p.domain)}/dnssec/).`,
      'If every name fails: ask your network admin about the DNS resolver, or try another one with `--dns 9.9.9.9`.',
    ],
    refs: ['RFC 1035 §4.1.1'],
    example: {
      domain: 'example.com',
      server: '192.0.2.53:53',
      status: 'servfail',
      lookups: ['example.com MX', '_imaps._tcp.example.com SRV'],
      resolverWorking: true,
      all: true,
    },
  },
  DNS_TIMEOUT: {
    severity: 'error',
    who: 'your-network',
    title: (p) => `DNS lookups for ${str(p.domain)} got no answer`,
    explain: (p) =>
      `No answer came within the time limit for: ${str(p.lookups)} (asked ${str(p.server, 'the system resolver')}). ` +
      (p.resolverWorking
        ? `The resolver answers other questions, so ${str(p.domain)}'s own name servers likely do not answer. `
        : 'The resolver answered nothing at all: DNS on this network is not working (or a firewall drops it). ') +
      'imap-doctor could not look for published settings, which is not the same as "nothing published".',
    fix: (p) => [
      `Check DNS on this computer: \`dig ${str(p.domain)} MX\` (or \`nslookup -type=mx ${str(p.domain)}\`).`,
      'If you are on a VPN, a company or hotel network, ask its admin whether DNS works for outside names; or name a resolver with `--dns 9.9.9.9`.',
      `Mail admin: if only ${str(p.domain)} times out, check its name servers (\`dig +trace ${str(p.domain)} NS\`).`,
    ],
    example: {
      domain: 'example.com',
      server: '192.0.2.53:53',
      lookups: ['example.com MX'],
      resolverWorking: false,
      all: true,
    },
  },
  DNS_UNREACHABLE: {
    severity: 'error',
    who: 'your-network',
    title: (p) => (p.server ? `The DNS server ${str(p.server)} cannot be reached` : 'The DNS server cannot be reached'),
    explain: (p) =>
      `Questions to ${str(p.server, 'the DNS server')} were turned away at the network level (no DNS service listens there, or the network refuses the route), for: ${str(p.lookups)}. ` +
      'imap-doctor could not look for published settings, which is not the same as "nothing published".',
    fix: () => [
      'Check the DNS server this computer uses (`cat /etc/resolv.conf`, or `resolvectl status`), or the address given with --dns.',
      'Try a public resolver: `--dns 9.9.9.9` or `--dns 1.1.1.1`.',
    ],
    example: { domain: 'example.com', server: '192.0.2.53:53', lookups: ['example.com MX'], all: true },
  },
  SRV_FOUND: {
    severity: 'ok',
    who: 'mail-admin',
    title: (p) => `${str(p.domain)} publishes its IMAP server in DNS (SRV)`,
    explain: (p) => `RFC 6186 SRV records: ${str(p.records)}.`,
    fix: () => [],
    refs: ['RFC 6186', 'RFC 8314 §5.1'],
    example: { domain: 'example.com', records: ['_imaps._tcp.example.com SRV 0 1 993 imap.example.com'] },
  },
  SRV_NOT_PUBLISHED: {
    severity: 'info',
    who: 'mail-admin',
    title: (p) => `No IMAP SRV records are published for ${str(p.domain)}`,
    explain: (p) =>
      `Neither _imaps._tcp.${str(p.domain)} nor _imap._tcp.${str(p.domain)} exists. Few mail apps read them today, but they let any app find the server from the address alone (RFC 6186).`,
    fix: (p) => [
      `Mail admin (optional): publish "_imaps._tcp.${str(p.domain)}. 3600 IN SRV 0 1 993 imap.${str(p.domain)}." and, when STARTTLS on 143 is not offered, "_imap._tcp.${str(p.domain)}. 3600 IN SRV 0 0 0 ." (RFC 8314 §5.1).`,
    ],
    refs: ['RFC 6186', 'RFC 8314 §5.1'],
    example: { domain: 'example.com' },
  },
  SRV_SERVICE_DISABLED: {
    severity: 'info',
    who: 'mail-admin',
    title: (p) =>
      p.both
        ? `${str(p.domain)} declares in DNS that it offers no IMAP`
        : `${str(p.domain)} declares in DNS that it does not offer ${(Array.isArray(p.services) ? p.services : []).map((x) => SERVICE_NAME[x] ?? x).join(' or ')}`,
    explain: (p) =>
      `The SRV record${Array.isArray(p.records) && p.records.length > 1 ? 's' : ''} ${str(p.records)} point${Array.isArray(p.records) && p.records.length > 1 ? '' : 's'} to ".", which means the service is decidedly not available (RFC 2782, RFC 6186 §3.4).` +
      (Array.isArray(p.published) && p.published.length > 0
        ? ` Yet other sources publish exactly that (${eps(p.published)}): mail apps that read SRV will not use it.`
        : ''),
    fix: (p) =>
      Array.isArray(p.published) && p.published[0] !== undefined
        ? [
            `Mail admin: replace ${str(p.records)} with the real server, e.g. "${srvRecord(p.published[0], str(p.domain))}"`,
          ]
        : [],
    refs: ['RFC 2782', 'RFC 6186 §3.4'],
    example: {
      domain: 'example.com',
      records: ['_imaps._tcp.example.com'],
      services: ['_imaps'],
      both: false,
      published: ['imap.example.com:993/tls'],
    },
  },
  SRV_TARGET_BROKEN: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `The SRV record ${str(p.record)} points to ${str(p.target)}, which does not work as published`,
    explain: (p) =>
      (p.reason === 'cname'
        ? `The target is an alias (${str(p.detail)}). RFC 2782 requires an SRV target to be a name with its own address records; some clients refuse an alias.`
        : p.reason === 'no-address'
          ? `${str(p.target)} has no address (A or AAAA) in DNS, so nothing can connect to it.`
          : `Nothing answers as an IMAP server on ${str(p.target)} port ${str(p.port)} (${p.detail ? str(p.detail) : p.greeting ? `greeting: ${str(p.greeting)}` : 'no IMAP session'}).`) +
      (p.working ? ` ${ep(str(p.working))} works instead.` : ''),
    fix: (p) => [
      p.working
        ? `Mail admin: ${fixFor(`srv|${str(p.record)}`, str(p.working), str(p.domain))}`
        : `Mail admin: point ${str(p.record)} at a host name with its own A/AAAA records where IMAP listens on port ${str(p.port)}.`,
    ],
    refs: ['RFC 2782', 'RFC 6186'],
    example: {
      domain: 'example.com',
      record: '_imaps._tcp.example.com',
      target: 'mail.example.com',
      port: 993,
      reason: 'port-fails',
      detail: 'connection refused',
      working: 'imap.example.com:993/tls',
    },
  },
  SRV_TARGET_OUTSIDE_DOMAIN: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `The SRV record ${str(p.record)} points outside ${str(p.domain)}, to ${str(p.target)}`,
    explain: (p) =>
      `Plain DNS answers can be forged, so RFC 6186 §6 tells mail apps to ask before connecting to an SRV target outside the domain they asked about. ` +
      (p.trustedElsewhere
        ? `Another trusted source also names ${str(p.target)}, so it was used normally.`
        : p.userTrusted
          ? `You allowed ${str(p.target)} with --trust-host.`
          : `imap-doctor probed ${str(p.target)} but did not send your password there.`),
    fix: (p) => [
      `If ${str(p.target)} is your provider's server, run again with \`--trust-host ${str(p.target)}\`.`,
      `Mail admin: sign ${str(p.domain)} with DNSSEC, or also publish the settings over HTTPS (https://autoconfig.${str(p.domain)}/mail/config-v1.1.xml), which mail apps can trust.`,
    ],
    refs: ['RFC 6186 §6', 'RFC 7817'],
    example: {
      record: '_imaps._tcp.example.com',
      target: 'imap.hoster.net',
      domain: 'example.com',
      trustedElsewhere: false,
      userTrusted: false,
    },
  },
  AUTOCONFIG_FOUND: {
    severity: 'ok',
    who: 'mail-admin',
    title: (p) => `Autoconfig settings found at ${str(p.url)}`,
    explain: (p) =>
      `The file names: ${named(p.servers)}.` +
      (p.viaMx
        ? ` It was looked up because the domain's mail (MX) goes to ${str(p.viaMx)} (draft-ietf-mailmaint-autoconfig-06 §3)` +
          (p.dnssec
            ? '; the MX answer was DNSSEC-validated.'
            : '; the MX answer was not DNSSEC-validated, so the file could have been chosen by a forged DNS answer: its servers outside your domain get no password without --trust-host.')
        : ''),
    fix: () => [],
    refs: ['draft-ietf-mailmaint-autoconfig'],
    example: { url: 'https://autoconfig.example.com/mail/config-v1.1.xml', servers: ['imap.example.com:993/tls'] },
  },
  AUTOCONFIG_INSECURE_HTTP: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) =>
      p.reason === 'redirect-to-http'
        ? `The autoconfig settings for ${str(p.domain)} are redirected to plain HTTP`
        : `The autoconfig settings for ${str(p.domain)} are only served over plain HTTP`,
    explain: (p) =>
      `Found at ${str(p.urls)}. Anyone on the network path can change a file fetched over http:// and send mail apps to their own server to collect passwords. ` +
      'Thunderbird uses such a file silently; Thunderbird for Android asks the user to confirm it.',
    fix: (p) => [
      `Mail admin: serve the same file over HTTPS, with a valid certificate, at https://autoconfig.${str(p.domain)}/mail/config-v1.1.xml (and do not redirect it to http://).`,
    ],
    refs: ['draft-ietf-mailmaint-autoconfig §4.1'],
    example: {
      domain: 'example.com',
      urls: ['http://autoconfig.example.com/mail/config-v1.1.xml'],
      reason: 'http-only',
    },
  },
  AUTOCONFIG_INVALID: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `The settings file at ${str(p.url)} ${p.usable ? 'has a defect' : 'cannot be used'}`,
    explain: (p) =>
      `${(INVALID_REASON[str(p.reason)] ?? str(p.reason)).replace(/^./, (c) => c.toUpperCase())}` +
      `${p.where ? ` (${str(p.where)}${p.value ? `: "${str(p.value)}"` : ''})` : ''}${invalidDetail(p) ? ` — ${invalidDetail(p)}` : ''}.` +
      (p.usable ? ' The rest of the file was used.' : ' Mail apps ignore this file.'),
    fix: (p) => {
      const f = INVALID_FIX[str(p.reason)];
      return [f ? `Mail admin: ${f(p)}` : `Mail admin: correct the file at ${str(p.url)}.`];
    },
    refs: ['draft-ietf-mailmaint-autoconfig'],
    example: {
      url: 'https://autoconfig.example.com/mail/config-v1.1.xml',
      reason: 'unknown-socket-type',
      where: 'incomingServer[0].socketType',
      value: 'TLS',
      probedAs: 'tls',
      usable: true,
    },
  },
  AUTOCONFIG_TLS_ERROR: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `The HTTPS certificate of ${str(p.host)} did not verify, so its settings could not be read`,
    explain: (p) =>
      `Fetching ${str(p.url)} failed in the TLS handshake (${str(p.error)}). Mail apps refuse such a file, just as browsers refuse the page.`,
    fix: (p) => [
      `Mail admin: give ${str(p.host)} a certificate that covers that name and chains to a public CA (e.g. Let's Encrypt), or stop answering HTTPS for it.`,
    ],
    example: {
      host: 'autoconfig.example.com',
      url: 'https://autoconfig.example.com/mail/config-v1.1.xml',
      error: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
  },
  ISPDB_FOUND: {
    severity: 'ok',
    who: 'provider',
    title: (p) => `Thunderbird's ISPDB knows ${str(p.lookup)}`,
    explain: (p) =>
      `${str(p.url)} names: ${named(p.servers)}.` +
      (p.viaMx ? ` It was looked up because the domain's mail (MX) is handled by ${str(p.lookup)}.` : ''),
    fix: () => [],
    refs: ['https://github.com/thunderbird/autoconfig'],
    example: {
      lookup: 'example.com',
      url: 'https://autoconfig.thunderbird.net/v1.1/example.com',
      servers: ['imap.example.com:993/tls'],
      viaMx: false,
    },
  },
  MX_PROVIDER_IDENTIFIED: {
    severity: 'info',
    who: 'provider',
    title: (p) => `Mail for ${str(p.domain)} is handled by ${str(p.provider)}`,
    explain: (p) =>
      p.via === 'mx'
        ? `The domain's incoming mail servers (MX) start with ${str(p.evidence)}, which belongs to ${str(p.provider)}: the mailbox is most likely hosted there, so ${str(p.provider)}'s settings and login rules apply.`
        : `${str(p.domain)} is one of ${str(p.provider)}'s own domains, so its settings and login rules apply.`,
    fix: () => [],
    example: {
      domain: 'example.com',
      provider: 'Google (Gmail / Google Workspace)',
      via: 'mx',
      evidence: 'aspmx.l.google.com',
    },
  },
  AUTODISCOVER_FOUND: {
    severity: 'ok',
    who: 'mail-admin',
    title: (p) => `Autodiscover settings found at ${str(p.url)}`,
    explain: (p) => `The Autodiscover answer names: ${named(p.servers)}.`,
    fix: () => [],
    refs: ['[MS-OXDSCLI]'],
    example: {
      url: 'https://autodiscover.example.com/autodiscover/autodiscover.xml',
      servers: ['imap.example.com:993/tls'],
    },
  },
  SOURCES_DISAGREE: {
    severity: 'info',
    who: 'mail-admin',
    title: (p) => `The published settings for ${str(p.domain)} disagree`,
    explain: (p) =>
      `Different sources name different first-choice IMAP servers: ${(Array.isArray(p.choiceSources) ? p.choiceSources : []).map((src, i) => `${src} → ${ep(str((p.choiceEndpoints as string[] | undefined)?.[i]))}`).join('; ')}. ` +
      'Each mail app reads a different source, so users of the same domain end up with different settings.' +
      (Array.isArray(p.failing) && p.failing.length > 0 ? ` Of these, ${eps(p.failing)} did not work.` : ''),
    fix: () => [
      'Mail admin: publish the same server, port and security everywhere (or remove the outdated record or file).',
    ],
    example: {
      domain: 'example.com',
      choiceSources: ['_imaps._tcp.example.com SRV', 'https://autoconfig.example.com/mail/config-v1.1.xml'],
      choiceEndpoints: ['imap.example.com:993/tls', 'mail.example.com:143/starttls'],
      failing: ['mail.example.com:143/starttls'],
    },
  },
  PUBLISHED_SETTINGS_WRONG: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `The published server ${ep(str(p.failing))} does not work, but ${ep(str(p.working))} does`,
    explain: (p) =>
      `${ep(str(p.failing))} was published by ${str(p.sources)}, and no verified IMAP session could be opened there; ${ep(str(p.working))} works. ` +
      'Mail apps that read these settings will fail.',
    fix: (p) =>
      Array.isArray(p.fixTargets)
        ? p.fixTargets.map((t) => `Mail admin: ${fixFor(t, str(p.working), str(p.domain))}`)
        : [],
    example: {
      domain: 'example.com',
      failing: 'mail.example.com:993/tls',
      working: 'imap.example.com:993/tls',
      sources: ['https://autoconfig.example.com/mail/config-v1.1.xml'],
      fixTargets: ['autoconfig|https://autoconfig.example.com/mail/config-v1.1.xml'],
    },
  },
  HOST_OUTSIDE_DOMAIN: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${str(p.host)} is outside ${str(p.domain)} and came from a source that cannot vouch for it`,
    explain: (p) =>
      `It was named by ${str(p.sources)} (${UNVERIFIED_REASON[str(p.reason) as TrustReason] ?? str(p.reason)}). ` +
      `A forged answer could send mail apps, and your password, to a stranger's server. ` +
      (p.userTrusted
        ? `You allowed ${str(p.host)} with --trust-host.`
        : `imap-doctor probed it but did not send your password there.`),
    fix: (p) => [
      `If ${str(p.host)} is your provider's server, run again with \`--trust-host ${str(p.host)}\`.`,
      `Mail admin: publish the settings over HTTPS on ${str(p.domain)} itself (https://autoconfig.${str(p.domain)}/mail/config-v1.1.xml), without redirects to other domains.`,
    ],
    refs: ['RFC 6186 §6', 'RFC 7817'],
    example: {
      host: 'imap.hoster.net',
      domain: 'example.com',
      sources: ['http://autoconfig.example.com/mail/config-v1.1.xml'],
      reason: 'http',
      userTrusted: false,
    },
  },
  PROVIDER_OFFERS_NO_IMAP: {
    severity: 'error',
    who: 'provider',
    title: (p) => `${str(p.provider)} offers POP3 but no IMAP for ${str(p.domain)}`,
    explain: (p) =>
      `The published settings (${str(p.sources)}) name only POP3 servers for incoming mail: ${eps(p.pop3)}. No IMAP server was published, so none was probed.` +
      (p.enableUrl ? ` The provider explains how to enable access at ${str(p.enableUrl)}.` : ''),
    fix: (p) => {
      const first = parts(str(Array.isArray(p.pop3) ? p.pop3[0] : p.pop3));
      return [
        `Set the account up as POP3: server ${first.host}, port ${first.port}, security ${secLabel(first.security)}.`,
        `If you need IMAP (mail kept on the server, several devices), ask ${str(p.provider)} whether they offer it; run with --guess to probe imap.${str(p.domain)} anyway.`,
      ];
    },
    example: {
      provider: 'Example ISP',
      domain: 'example.com',
      sources: ['https://autoconfig.thunderbird.net/v1.1/example.com'],
      pop3: ['pop.example.com:995/tls'],
      enableUrl: 'https://example.com/help/pop3',
    },
  },
  DISCOVERY_NOTHING_FOUND: {
    severity: 'error',
    who: 'you',
    title: (p) => `No IMAP server could be found for ${str(p.domain)}`,
    explain: (p) =>
      `No published settings were found for ${str(p.domain)}${p.sourcesTried ? ` (looked in: ${labels(p.sourcesTried)})` : ''}, and none of the usual guesses (${str(p.guesses)}) answered as an IMAP server.` +
      (Array.isArray(p.notChecked) && p.notChecked.length > 0
        ? ` Some sources could not be checked (${labels(p.notChecked)}), so settings may still exist there.`
        : ''),
    fix: (p) => [
      "Look up the IMAP server name and port in your provider's help pages, then run again with --host (and --port/--security).",
      `Mail admin: publish the settings, e.g. "_imaps._tcp.${str(p.domain)}. 3600 IN SRV 0 1 993 imap.${str(p.domain)}." (RFC 6186) or an autoconfig file at https://autoconfig.${str(p.domain)}/mail/config-v1.1.xml.`,
    ],
    refs: ['RFC 6186', 'RFC 8314 §5.1'],
    example: {
      domain: 'example.com',
      guesses: ['imap.example.com', 'mail.example.com', 'example.com'],
      sourcesTried: ['srv-imaps', 'srv-imap', 'autoconfig', 'ispdb'],
      notChecked: ['ispdb'],
    },
  },
} satisfies Record<string, CatalogueEntry>;
