/**
 * Reads a Microsoft Autodiscover POX response (Outlook schema 2006a) into server settings, redirects
 * or an error, mapping SSL/Encryption to a security mode as Thunderbird does (the request body is
 * built by ./autodiscover-request.ts, which needs no XML parser to send). Element names are matched by local name, whatever the namespace prefix or case. Pure and
 * synchronous; never throws (guards shared with autoconfig in xml-guard.ts).
 */
import { XMLParser } from 'fast-xml-parser';
import type { MailProtocol, ParseFailed, ParseFailure, ParseProblem, ServerSetting } from '../model/discovery.js';
import type { Security } from '../model/evidence.js';
import { fillChecked, type PlaceholderValues } from './placeholders.js';
import { capServers, type ParseOptions } from './parse-autoconfig.js';
import {
  childOf,
  childrenOf,
  endpointFromUrl,
  guardAndParse,
  isNode,
  nonEmptyText,
  normaliseHost,
  parsePort,
  textOf,
} from './xml-guard.js';

export { AUTODISCOVER_RESPONSE_SCHEMA, autodiscoverRequestBody } from './autodiscover-request.js';

export type AutodiscoverResult =
  | {
      ok: true;
      /** IMAP/POP3/SMTP first-class; EXCH/EXPR/EXHTTP/WEB as protocol 'other' (host from their URLs). */
      servers: ServerSetting[];
      redirectAddr?: string;
      redirectUrl?: string;
      /** Entries skipped or doubtful, `where` as `Protocol[i].Field`. */
      problems: ParseProblem[];
    }
  | ({ ok: false } & ParseFailed<ParseFailure | 'error-response'>);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
});

const MAIL_TYPES = new Map<string, MailProtocol>([
  ['IMAP', 'imap'],
  ['POP3', 'pop3'],
  ['SMTP', 'smtp'],
]);
const STARTTLS_PORTS = new Set([143, 110, 25, 587]);
/** Exchange entries and where each one keeps its URLs, in the order Thunderbird prefers them. */
const EXCHANGE_URLS = ['EwsUrl', 'ASUrl', 'OWAUrl', 'OOFUrl', 'OABUrl'];

/** Error → 'error-response'; redirectAddr/redirectUrl → ok with no servers; else every usable Protocol entry. */
export function parseAutodiscover(body: string, who: PlaceholderValues, opts: ParseOptions = {}): AutodiscoverResult {
  const parsed = guardAndParse(body, opts.maxBytes, parser);
  if (!parsed.ok) return parsed;
  const tree = parsed.tree;
  const response = childOf(childOf(tree, 'Autodiscover'), 'Response');
  if (!isNode(response)) {
    const root = isNode(tree) ? Object.keys(tree).find((k) => !k.startsWith('?')) : undefined;
    return {
      ok: false,
      reason: 'no-client-config',
      why: root === undefined ? { code: 'no-root-element' } : { code: 'no-autodiscover-response', element: root },
    };
  }
  const account = childOf(response, 'Account');
  const error = childOf(response, 'Error') ?? childOf(account, 'Error');
  if (error !== undefined) {
    const detail = describeError(error);
    return { ok: false, reason: 'error-response', ...(detail ? { detail } : {}) };
  }
  if (!isNode(account))
    return { ok: false, reason: 'no-incoming-server', why: { code: 'no-element', element: 'Account' } };

  const problems: ParseProblem[] = [];
  const action = nonEmptyText(childOf(account, 'Action'))?.toLowerCase();
  const redirectAddr = nonEmptyText(childOf(account, 'RedirectAddr'));
  if (action === 'redirectaddr' || (action !== 'redirecturl' && redirectAddr !== undefined)) {
    if (redirectAddr !== undefined) return { ok: true, servers: [], redirectAddr, problems };
    return { ok: false, reason: 'no-incoming-server', why: { code: 'redirect-addr-missing' } };
  }
  if (action === 'redirecturl') {
    const redirectUrl = nonEmptyText(childOf(account, 'RedirectUrl'));
    if (redirectUrl !== undefined && URL.canParse(redirectUrl)) return { ok: true, servers: [], redirectUrl, problems };
    return {
      ok: false,
      reason: 'no-incoming-server',
      why: { code: 'redirect-url-unusable', redirectUrl: redirectUrl ?? '' },
    };
  }

  const protocols = childrenOf(account, 'Protocol');
  if (protocols.length === 0)
    return { ok: false, reason: 'no-incoming-server', why: { code: 'no-element', element: 'Protocol' } };
  const servers = capServers(protocols, 'Protocol', problems).flatMap((p, i) => {
    const server = readProtocol(p, `Protocol[${i}]`, who, problems);
    return server === undefined ? [] : [server];
  });
  return { ok: true, servers, problems };
}

/** The server's ErrorCode and Message as "code: message", or undefined when it sent neither. */
function describeError(error: unknown): string | undefined {
  const code = nonEmptyText(childOf(error, 'ErrorCode'));
  const message = nonEmptyText(childOf(error, 'Message'));
  const parts = [code, message].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(': ') : undefined;
}

function readProtocol(
  p: unknown,
  where: string,
  who: PlaceholderValues,
  problems: ParseProblem[],
): ServerSetting | undefined {
  const type = nonEmptyText(childOf(p, 'Type'));
  if (type === undefined) {
    problems.push({ code: 'missing-field', where: `${where}.Type` });
    return undefined;
  }
  const protocol = MAIL_TYPES.get(type.toUpperCase());
  const server =
    protocol === undefined ? readExchange(p, type, where, problems) : readMail(p, protocol, type, where, who, problems);
  if (server === undefined) return undefined;
  const loginRaw = nonEmptyText(childOf(p, 'LoginName'));
  if (loginRaw !== undefined) {
    const filled = fillChecked(loginRaw, who);
    server.username = filled.value;
    if (filled.unfilled.length > 0) {
      problems.push({ code: 'unfilled-placeholder', where: `${where}.LoginName`, value: loginRaw });
    }
  }
  if (nonEmptyText(childOf(p, 'SPA'))?.toLowerCase() === 'on') server.authentication = ['SPA'];
  return server;
}

/** IMAP/POP3/SMTP: Server and Port required; security per Thunderbird's ExchangeAutoDiscover rules. */
function readMail(
  p: unknown,
  protocol: MailProtocol,
  type: string,
  where: string,
  who: PlaceholderValues,
  problems: ParseProblem[],
): ServerSetting | undefined {
  const hostRaw = nonEmptyText(childOf(p, 'Server'));
  if (hostRaw === undefined) {
    problems.push({ code: 'missing-field', where: `${where}.Server` });
    return undefined;
  }
  const filled = fillChecked(hostRaw, who);
  if (filled.unfilled.length > 0) {
    problems.push({ code: 'unfilled-placeholder', where: `${where}.Server`, value: hostRaw });
    return undefined;
  }
  const host = normaliseHost(filled.value);
  if (host === undefined) {
    problems.push({ code: 'bad-hostname', where: `${where}.Server`, value: filled.value });
    return undefined;
  }
  const portRaw = nonEmptyText(childOf(p, 'Port'));
  if (portRaw === undefined) {
    problems.push({ code: 'missing-field', where: `${where}.Port` });
    return undefined;
  }
  const port = parsePort(portRaw);
  if (port === undefined) {
    problems.push({ code: 'bad-port', where: `${where}.Port`, value: portRaw });
    return undefined;
  }
  const ssl = nonEmptyText(childOf(p, 'SSL'));
  const encryption = nonEmptyText(childOf(p, 'Encryption'));
  const raw = [
    ssl === undefined ? undefined : `SSL=${ssl}`,
    encryption === undefined ? undefined : `Encryption=${encryption}`,
  ]
    .filter((r): r is string => r !== undefined)
    .join(', ');
  const server: ServerSetting = { protocol, type, host, port, security: mailSecurity(port, ssl, encryption) };
  if (raw !== '') server.rawSecurity = raw;
  return server;
}

/**
 * `SSL=off` or `Encryption=None` → plain; `Encryption=TLS` (or `STARTTLS`) → starttls; `Encryption=SSL`
 * → tls; otherwise (SSL=on, Encryption=Auto, nothing) ports 143/110/25/587 → starttls, others → tls.
 */
function mailSecurity(port: number, ssl: string | undefined, encryption: string | undefined): Security {
  const enc = encryption?.toLowerCase();
  if (ssl?.toLowerCase() === 'off' || enc === 'none') return 'plain';
  if (enc === 'tls' || enc === 'starttls') return 'starttls';
  if (enc === 'ssl') return 'tls';
  return STARTTLS_PORTS.has(port) ? 'starttls' : 'tls';
}

/** EXCH/EXPR/EXHTTP/WEB and anything else: host from the first usable URL, else a hostname Server. */
function readExchange(p: unknown, type: string, where: string, problems: ParseProblem[]): ServerSetting | undefined {
  const holders = [p, childOf(p, 'External'), childOf(p, 'Internal')];
  for (const holder of holders) {
    for (const name of EXCHANGE_URLS) {
      const endpoint = endpointFromUrl(textOf(childOf(holder, name)) ?? '');
      if (endpoint !== undefined) return { protocol: 'other', type, ...endpoint };
    }
  }
  const serverRaw = nonEmptyText(childOf(p, 'Server'));
  const host = serverRaw === undefined ? undefined : normaliseHost(serverRaw);
  if (host === undefined) {
    problems.push(
      serverRaw === undefined
        ? { code: 'missing-field', where: `${where}.Server` }
        : { code: 'bad-hostname', where: `${where}.Server`, value: serverRaw },
    );
    return undefined;
  }
  const portRaw = nonEmptyText(childOf(p, 'Port'));
  const port = portRaw === undefined ? 443 : parsePort(portRaw);
  if (port === undefined) {
    problems.push({ code: 'bad-port', where: `${where}.Port`, value: portRaw });
    return undefined;
  }
  return { protocol: 'other', type, host, port, security: 'tls' };
}
