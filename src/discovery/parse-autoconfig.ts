/**
 * Reads a Thunderbird autoconfig document (config-v1.1.xml, ISPDB, draft-ietf-mailmaint-autoconfig,
 * with the 1.2 fields: `system="sasl"` authentication and `<oAuth2>`) into a ParsedConfig: every
 * incoming/outgoing server in document order, placeholders filled, with
 * the defects found listed as ParseProblems. Pure and synchronous; never throws — a body that cannot
 * be used comes back as `{ ok: false, reason }` (guards shared with Autodiscover in xml-guard.ts).
 */
import { XMLParser } from 'fast-xml-parser';
import type { MailProtocol, ParsedConfig, ParseProblem, ParseResult, ServerSetting } from '../model/discovery.js';
import type { OAuth2Published } from '../model/standards.js';
import type { Security } from '../model/evidence.js';
import { LIMITS } from '../limits.js';
import { fillChecked, type PlaceholderValues } from './placeholders.js';
import {
  asArray,
  attrOf,
  endpointFromUrl,
  guardAndParse,
  isNode,
  nonEmptyText,
  normaliseHost,
  parsePort,
  textOf,
  type XmlNode,
} from './xml-guard.js';

export interface ParseOptions {
  /** Largest body accepted, counted in UTF-8 bytes (default 256 KiB). */
  maxBytes?: number;
}

const REPEATED = new Set([
  'emailProvider',
  'domain',
  'incomingServer',
  'outgoingServer',
  'socketType',
  'authentication',
  'documentation',
  'enable',
  'instruction',
  'descr',
  'oAuth2',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name: string) => REPEATED.has(name),
});

const SOCKET_TYPES = new Map<string, Security>([
  ['ssl', 'tls'],
  ['starttls', 'starttls'],
  ['plain', 'plain'],
]);
const PROTOCOLS = new Set<MailProtocol>(['imap', 'pop3', 'smtp']);

/** The guarded tree of an autoconfig document, as this parser reads it (for linting against other clients' rules). */
export function autoconfigTree(body: string, maxBytes?: number): ReturnType<typeof guardAndParse> {
  return guardAndParse(body, maxBytes, parser);
}

/** Guards, parses and reads the first `<emailProvider>`; servers that cannot be dialled are skipped with a problem. */
export function parseAutoconfig(body: string, who: PlaceholderValues, opts: ParseOptions = {}): ParseResult {
  const parsed = guardAndParse(body, opts.maxBytes, parser);
  if (!parsed.ok) return parsed;
  const tree = parsed.tree;
  if (!isNode(tree) || !('clientConfig' in tree)) {
    const root = isNode(tree) ? Object.keys(tree).find((k) => !k.startsWith('?')) : undefined;
    return {
      ok: false,
      reason: 'no-client-config',
      why: root === undefined ? { code: 'no-root-element' } : { code: 'root-element', element: root },
    };
  }
  const clientConfig = tree['clientConfig'];
  const provider = isNode(clientConfig) ? asArray(clientConfig['emailProvider']).find(isNode) : undefined;
  if (!isNode(clientConfig) || provider === undefined) {
    return { ok: false, reason: 'no-client-config', why: { code: 'no-element', element: 'emailProvider' } };
  }
  const incomingX = asArray(provider['incomingServer']);
  if (incomingX.length === 0) return { ok: false, reason: 'no-incoming-server' };

  const problems: ParseProblem[] = [];
  const readAll = (list: unknown[], kind: 'incomingServer' | 'outgoingServer'): ServerSetting[] =>
    capServers(list, kind, problems).flatMap((x, i) => {
      const server = readServer(isNode(x) ? x : {}, `${kind}[${i}]`, who, problems);
      return server === undefined ? [] : [server];
    });
  const incoming = readAll(incomingX, 'incomingServer');
  const outgoing = readAll(asArray(provider['outgoingServer']), 'outgoingServer');

  const providerId = attrOf(provider, 'id');
  const displayName = nonEmptyText(provider['displayName']);
  const enableUrl = [provider, clientConfig]
    .flatMap((n) => asArray(n['enable']))
    .map((e) => (isNode(e) ? attrOf(e, 'visiturl') : undefined))
    .find((u) => u !== undefined);
  const oauth2 = readOAuth2([clientConfig, provider]);
  const config: ParsedConfig = {
    ...(oauth2 === undefined ? {} : { oauth2 }),
    ...(providerId === undefined ? {} : { providerId }),
    ...(displayName === undefined ? {} : { displayName }),
    domains: asArray(provider['domain']).flatMap((d) => nonEmptyText(d) ?? []),
    incoming,
    outgoing,
    problems,
    ...(enableUrl === undefined ? {} : { enableUrl }),
    documentationUrls: [provider, clientConfig]
      .flatMap((n) => asArray(n['documentation']))
      .flatMap((d) => (isNode(d) ? (attrOf(d, 'url') ?? []) : [])),
  };
  return { ok: true, config };
}

/** At most LIMITS.xmlServers entries of one kind are read; more is recorded as a problem. */
export function capServers<T>(list: readonly T[], where: string, problems: ParseProblem[]): readonly T[] {
  if (list.length <= LIMITS.xmlServers) return list;
  problems.push({
    code: 'too-many-servers',
    where,
    value: `${list.length} entries, the first ${LIMITS.xmlServers} read`,
  });
  return list.slice(0, LIMITS.xmlServers);
}

/** One `<incomingServer>`/`<outgoingServer>`; undefined (with a problem recorded) when it cannot be dialled. */
function readServer(
  x: XmlNode,
  where: string,
  who: PlaceholderValues,
  problems: ParseProblem[],
): ServerSetting | undefined {
  const type = attrOf(x, 'type');
  if (type === undefined) {
    problems.push({ code: 'missing-field', where: `${where}.type` });
    return undefined;
  }
  const lowerType = type.toLowerCase();
  const protocol: MailProtocol = PROTOCOLS.has(lowerType as MailProtocol) ? (lowerType as MailProtocol) : 'other';

  const endpoint = readHost(x, where, who, problems);
  if (endpoint === undefined) return undefined;
  const { host, fromUrl } = endpoint;

  const port = readPort(x, where, fromUrl, problems);
  if (port === undefined) return undefined;

  const server: ServerSetting = { protocol, type, host, port, security: 'unknown' };
  readSecurity(x, where, fromUrl, server, problems);
  readUsername(x, where, who, server, problems);
  return { ...server, ...readAuthentication(x) };
}

/** The server's host, from `<hostname>` or else from `<url>` (whose port and security are kept for later fields). */
function readHost(
  x: XmlNode,
  where: string,
  who: PlaceholderValues,
  problems: ParseProblem[],
): { host: string; fromUrl: ReturnType<typeof endpointFromUrl> } | undefined {
  const hostRaw = nonEmptyText(x['hostname']);
  const urlRaw = nonEmptyText(x['url']);
  let host: string | undefined;
  let fromUrl: ReturnType<typeof endpointFromUrl>;
  if (hostRaw !== undefined) {
    const filled = fillChecked(hostRaw, who);
    if (filled.unfilled.length > 0) {
      problems.push({ code: 'unfilled-placeholder', where: `${where}.hostname`, value: hostRaw });
      return undefined;
    }
    host = normaliseHost(filled.value);
    if (host === undefined) {
      problems.push({ code: 'bad-hostname', where: `${where}.hostname`, value: filled.value });
      return undefined;
    }
  } else if (urlRaw !== undefined) {
    const filled = fillChecked(urlRaw, who);
    fromUrl = filled.unfilled.length > 0 ? undefined : endpointFromUrl(filled.value);
    if (fromUrl === undefined) {
      const code = filled.unfilled.length > 0 ? 'unfilled-placeholder' : 'bad-hostname';
      problems.push({ code, where: `${where}.url`, value: urlRaw });
      return undefined;
    }
    host = fromUrl.host;
  } else {
    problems.push({ code: 'missing-field', where: `${where}.hostname` });
    return undefined;
  }
  return { host, fromUrl };
}

/** The server's port, from `<port>` or else from the `<url>` the host came from. */
function readPort(
  x: XmlNode,
  where: string,
  fromUrl: ReturnType<typeof endpointFromUrl>,
  problems: ParseProblem[],
): number | undefined {
  const portRaw = textOf(x['port']);
  let port: number | undefined;
  if (portRaw !== undefined && portRaw !== '') {
    port = parsePort(portRaw);
    if (port === undefined) {
      problems.push({ code: 'bad-port', where: `${where}.port`, value: portRaw });
      return undefined;
    }
  } else if (fromUrl !== undefined) {
    port = fromUrl.port;
  } else {
    problems.push({ code: 'missing-field', where: `${where}.port` });
    return undefined;
  }
  return port;
}

/** Sets `security`/`rawSecurity` from `<socketType>` or else from the `<url>` the host came from. */
function readSecurity(
  x: XmlNode,
  where: string,
  fromUrl: ReturnType<typeof endpointFromUrl>,
  server: ServerSetting,
  problems: ParseProblem[],
): void {
  const written = asArray(x['socketType']).flatMap((s) => nonEmptyText(s) ?? []);
  const known = written.find((s) => SOCKET_TYPES.has(s.toLowerCase()));
  if (known !== undefined) {
    server.security = SOCKET_TYPES.get(known.toLowerCase()) ?? 'unknown';
    server.rawSecurity = known;
  } else if (written.length > 0) {
    server.rawSecurity = written[0];
    problems.push({ code: 'unknown-socket-type', where: `${where}.socketType`, value: written.join(', ') });
  } else if (fromUrl !== undefined) {
    server.security = fromUrl.security;
  } else {
    problems.push({ code: 'missing-field', where: `${where}.socketType` });
  }
}

/** Sets `username` from `<username>`, placeholders filled (an unfilled one is recorded as a problem). */
function readUsername(
  x: XmlNode,
  where: string,
  who: PlaceholderValues,
  server: ServerSetting,
  problems: ParseProblem[],
): void {
  const usernameRaw = nonEmptyText(x['username']);
  if (usernameRaw !== undefined) {
    const filled = fillChecked(usernameRaw, who);
    server.username = filled.value;
    if (filled.unfilled.length > 0) {
      problems.push({ code: 'unfilled-placeholder', where: `${where}.username`, value: usernameRaw });
    }
  }
}

/**
 * The <authentication> values in order (at most LIMITS.xmlAuthentications); those with system="sasl"
 * (autoconfig 1.2) name SASL mechanisms (RFC 4422).
 */
function readAuthentication(x: XmlNode): Pick<ServerSetting, 'authentication' | 'sasl'> {
  const entries = asArray(x['authentication'])
    .flatMap((a) => {
      const value = nonEmptyText(a);
      return value === undefined ? [] : [{ value, system: isNode(a) ? attrOf(a, 'system')?.toLowerCase() : undefined }];
    })
    .slice(0, LIMITS.xmlAuthentications);
  const sasl = entries.filter((e) => e.system === 'sasl').map((e) => e.value.toUpperCase());
  return {
    ...(entries.length > 0 ? { authentication: entries.map((e) => e.value) } : {}),
    ...(sasl.length > 0 ? { sasl } : {}),
  };
}

/** `<oAuth2>` (autoconfig 1.2; a child of clientConfig, tolerated under emailProvider): never its clientSecret. */
function readOAuth2(nodes: XmlNode[]): OAuth2Published | undefined {
  const o = nodes.flatMap((n) => asArray(n['oAuth2'])).find(isNode);
  if (!o) return undefined;
  const out: OAuth2Published = {};
  for (const key of ['issuer', 'authURL', 'tokenURL', 'scope', 'clientID'] as const) {
    const v = nonEmptyText(o[key]);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
