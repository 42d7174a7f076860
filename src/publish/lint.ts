/**
 * Lints what a domain publishes now against the rules the mail apps' own code applies: Thunderbird
 * (readFromXML, InputSanitizer, ExchangeAutoDiscover), Thunderbird for Android
 * (RealAutoconfigParser.kt, OkHttpFetcher.isTrusted) and Outlook Autodiscover (the Remote
 * Connectivity Analyzer's documented redirect rules). Every rule names the code or document it
 * comes from (LINT_RULES, listed in docs/publish.md). Pure: fetched documents in, lint results out.
 */
import type { HttpHop } from '../model/discovery.js';
import { registrableDomain } from '../discovery/domain.js';
import { autoconfigTree } from '../discovery/parse-autoconfig.js';
import { asArray, attrOf, isNode, nonEmptyText, normaliseHost, type XmlNode } from '../discovery/xml-guard.js';

export type Client = 'thunderbird' | 'thunderbird-android' | 'outlook';

export interface LintRule {
  id: string;
  severity: 'error' | 'warning';
  clients: Client[];
  /** What the rule checks, for the docs. */
  summary: string;
  /** The client code or document the rule comes from. */
  source: string;
}

export const LINT_RULES: readonly LintRule[] = [
  {
    id: 'autoconfig-socket-type',
    severity: 'error',
    clients: ['thunderbird-android', 'thunderbird'],
    summary:
      'A <socketType> other than exactly SSL or STARTTLS makes Thunderbird for Android reject the whole file; Thunderbird skips a server without plain, SSL or STARTTLS.',
    source:
      'thunderbird/thunderbird-android feature/autodiscovery/autoconfig/…/RealAutoconfigParser.kt (toConnectionSecurity); mozilla/releases-comm-central mail/components/accountcreation/modules/readFromXML.sys.mjs',
  },
  {
    id: 'autoconfig-outgoing-missing',
    severity: 'error',
    clients: ['thunderbird-android', 'thunderbird'],
    summary:
      'No <outgoingServer type="smtp">: Thunderbird for Android rejects the file ("Missing \'outgoingServer\' element"), Thunderbird needs one valid outgoing server.',
    source: 'RealAutoconfigParser.kt (parseEmailProvider); readFromXML.sys.mjs',
  },
  {
    id: 'autoconfig-hostname-placeholder',
    severity: 'warning',
    clients: ['thunderbird-android', 'thunderbird'],
    summary:
      'A placeholder in <hostname>: both apps fill %EMAILDOMAIN%, %EMAILLOCALPART% and %EMAILADDRESS% and then require a valid host name (an unknown placeholder, or one that leaves "@" in the name, is an error: Thunderbird for Android then rejects the whole file); other apps may not fill it at all.',
    source:
      'RealAutoconfigParser.kt (readHostname, replaceVariables); mozilla/releases-comm-central InputSanitizer.sys.mjs (hostname), AccountConfig.sys.mjs (replaceVariables)',
  },
  {
    id: 'autoconfig-username-missing',
    severity: 'error',
    clients: ['thunderbird-android'],
    summary: 'An IMAP or SMTP server without <username>: Thunderbird for Android rejects the file.',
    source: 'RealAutoconfigParser.kt (parseServer: "Missing \'username\' element")',
  },
  {
    id: 'autoconfig-no-usable-auth',
    severity: 'error',
    clients: ['thunderbird-android'],
    summary:
      'No <authentication> of OAuth2, password-cleartext or password-encrypted on a server: Thunderbird for Android rejects the file.',
    source: 'RealAutoconfigParser.kt (toAuthenticationType; "No usable \'authentication\' element found")',
  },
  {
    id: 'autoconfig-domain-missing',
    severity: 'error',
    clients: ['thunderbird-android', 'thunderbird'],
    summary: 'No valid <domain>, or an <emailProvider id> that is not a host name: both apps reject the file.',
    source: 'RealAutoconfigParser.kt (parseEmailProvider); readFromXML.sys.mjs',
  },
  {
    id: 'redirect-via-http',
    severity: 'warning',
    clients: ['thunderbird-android'],
    summary:
      'A redirect chain with a plain-http hop: Thunderbird for Android marks the settings untrusted and makes the user confirm them; the autoconfig draft calls it insecure even when it ends on https.',
    source:
      'thunderbird-android OkHttpFetcher.kt (isTrusted walks priorResponse); draft-ietf-mailmaint-autoconfig-06 §Security Considerations (HTTP)',
  },
  {
    id: 'autodiscover-redirect-off-domain',
    severity: 'warning',
    clients: ['thunderbird'],
    summary:
      'An Autodiscover redirect to another base domain (other than office365.com or outlook.com): Thunderbird stops and asks the user before it sends credentials there.',
    source: 'mozilla/releases-comm-central mail/components/accountcreation/modules/ExchangeAutoDiscover.sys.mjs',
  },
  {
    id: 'autodiscover-redirect-status',
    severity: 'error',
    clients: ['outlook'],
    summary:
      "Outlook's HTTP redirect method accepts only 301, 302 and 307; another redirect status breaks Autodiscover for Outlook.",
    source: 'MicrosoftDocs/OfficeDocs-ConnectivityAnalyzer (Autodiscover HTTP redirect method)',
  },
];

export interface PublishedDoc {
  kind: 'autoconfig' | 'autodiscover';
  url: string;
  hops: HttpHop[];
  status?: number;
  body?: string;
}

export interface LintResult {
  rule: string;
  severity: 'error' | 'warning';
  clients: Client[];
  url: string;
  /** Where in the document, and the value found. */
  where?: string;
  value?: string;
}

const KNOWN_PLACEHOLDERS = ['%EMAILDOMAIN%', '%EMAILLOCALPART%', '%EMAILADDRESS%'];

function result(
  ruleId: string,
  url: string,
  where?: string,
  value?: string,
  severity?: 'error' | 'warning',
): LintResult {
  const rule = LINT_RULES.find((r) => r.id === ruleId) as LintRule;
  return {
    rule: rule.id,
    severity: severity ?? rule.severity,
    clients: rule.clients,
    url,
    ...(where ? { where } : {}),
    ...(value !== undefined ? { value } : {}),
  };
}

/** A placeholder in a host name: an error when no app can turn it into a host name. */
function hostnameLint(url: string, where: string, raw: string): LintResult[] {
  const found: string[] = raw.match(/%[A-Za-z0-9_]+%/g) ?? [];
  if (found.length === 0) return [];
  const fatal =
    found.some((p) => !KNOWN_PLACEHOLDERS.includes(p)) ||
    found.includes('%EMAILADDRESS%') ||
    normaliseHost(raw.replace(/%[A-Za-z0-9_]+%/g, 'x')) === undefined;
  return [result('autoconfig-hostname-placeholder', url, where, raw, fatal ? 'error' : 'warning')];
}

function serverLints(url: string, x: XmlNode, where: string): LintResult[] {
  const out: LintResult[] = [];
  const socket = asArray(x['socketType']).flatMap((s) => nonEmptyText(s) ?? []);
  const bad = socket.find((s) => s !== 'SSL' && s !== 'STARTTLS');
  if (bad !== undefined || socket.length === 0)
    out.push(result('autoconfig-socket-type', url, `${where}.socketType`, bad ?? '(none)'));
  const host = nonEmptyText(x['hostname']);
  if (host !== undefined) out.push(...hostnameLint(url, `${where}.hostname`, host));
  if (nonEmptyText(x['username']) === undefined)
    out.push(result('autoconfig-username-missing', url, `${where}.username`));
  const auth = asArray(x['authentication']).flatMap((a) => nonEmptyText(a) ?? []);
  if (!auth.some((a) => a === 'OAuth2' || a === 'password-cleartext' || a === 'password-encrypted'))
    out.push(result('autoconfig-no-usable-auth', url, `${where}.authentication`, auth.join(', ')));
  return out;
}

export function lintAutoconfig(doc: PublishedDoc): LintResult[] {
  if (doc.body === undefined || doc.status !== 200) return [];
  const parsed = autoconfigTree(doc.body);
  const config = parsed.ok && isNode(parsed.tree) ? parsed.tree['clientConfig'] : undefined;
  const provider = isNode(config) ? asArray(config['emailProvider']).find(isNode) : undefined;
  if (!provider) return [];
  const out: LintResult[] = [];
  const id = attrOf(provider, 'id');
  const domains = asArray(provider['domain']).flatMap((d) => nonEmptyText(d) ?? []);
  if (
    id === undefined ||
    normaliseHost(id) === undefined ||
    !domains.some((d) => normaliseHost(d.replace('%EMAILDOMAIN%', 'example.com')) !== undefined)
  ) {
    out.push(result('autoconfig-domain-missing', doc.url, 'emailProvider', id ?? '(no id)'));
  }
  const servers = (tag: string, type: string) =>
    asArray(provider[tag])
      .filter(isNode)
      .filter((x) => attrOf(x, 'type') === type);
  servers('incomingServer', 'imap').forEach((x, i) =>
    out.push(...serverLints(doc.url, x, `incomingServer[imap ${i}]`)),
  );
  const smtp = servers('outgoingServer', 'smtp');
  smtp.forEach((x, i) => out.push(...serverLints(doc.url, x, `outgoingServer[smtp ${i}]`)));
  if (smtp.length === 0) out.push(result('autoconfig-outgoing-missing', doc.url, 'emailProvider'));
  return out;
}

const OUTLOOK_REDIRECTS = new Set([301, 302, 307]);
const MICROSOFT = new Set(['office365.com', 'outlook.com']);

export function lintRedirects(doc: PublishedDoc, domain: string): LintResult[] {
  const out: LintResult[] = [];
  const redirects = doc.hops.filter((h) => h.location !== undefined);
  if (redirects.length === 0) return out;
  const chain = doc.hops.map((h) => `${h.url}${h.status ? ` (${h.status})` : ''}`).join(' → ');
  // Outlook's Autodiscover redirect method starts on http by design; for settings files any http hop counts.
  if (doc.kind === 'autoconfig') {
    if (doc.hops.some((h) => h.url.startsWith('http:')))
      out.push(result('redirect-via-http', doc.url, 'redirects', chain));
    return out;
  }
  const bad = redirects.find((h) => h.status !== undefined && !OUTLOOK_REDIRECTS.has(h.status));
  if (bad) out.push(result('autodiscover-redirect-status', doc.url, 'redirects', chain));
  const home = registrableDomain(domain);
  const foreign = doc.hops
    .map((h) => registrableDomain(new URL(h.url).hostname))
    .find((d) => d !== home && !MICROSOFT.has(d));
  if (foreign) out.push(result('autodiscover-redirect-off-domain', doc.url, 'redirects', chain));
  return out;
}

export function lintPublished(docs: readonly PublishedDoc[], domain: string): LintResult[] {
  return docs.flatMap((d) => [...(d.kind === 'autoconfig' ? lintAutoconfig(d) : []), ...lintRedirects(d, domain)]);
}
