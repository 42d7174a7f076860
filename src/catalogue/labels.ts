/**
 * The words for ids that several outputs print: discovery sources (the sources table and the finding
 * texts) and the reasons a login was withheld (the endpoint line and LOGIN_WITHHELD). One home each,
 * keyed by the model's id unions, so a new source or reason without words fails to compile.
 */
import type { SourceId, SourceReason, SourceResult } from '../model/discovery.js';
import type { LoginWithheldReason } from '../model/evidence.js';
import { secLabel, str, type P } from './types.js';

/** A discovery source as people know it: compact for the sources table, in full for sentences. */
export const SOURCE_LABEL: Record<SourceId, { table: string; prose: string }> = {
  user: { table: 'user', prose: 'user' },
  'srv-imaps': { table: 'SRV _imaps', prose: 'SRV _imaps' },
  'srv-imap': { table: 'SRV _imap', prose: 'SRV _imap' },
  'srv-submissions': { table: 'SRV _submissions', prose: 'SRV _submissions' },
  'srv-submission': { table: 'SRV _submission', prose: 'SRV _submission' },
  autoconfig: { table: 'autoconfig', prose: 'autoconfig' },
  'autoconfig-wellknown': { table: 'autoconfig .well-known', prose: 'autoconfig (.well-known)' },
  'autoconfig-http': { table: 'autoconfig (http)', prose: 'autoconfig over http' },
  'autoconfig-wellknown-http': { table: '.well-known (http)', prose: '.well-known over http' },
  ispdb: { table: 'ISPDB', prose: "Thunderbird's ISPDB" },
  mx: { table: 'MX', prose: 'MX' },
  'mx-ispdb': { table: 'ISPDB via MX', prose: 'ISPDB for the MX provider' },
  autodiscover: { table: 'Autodiscover', prose: 'Autodiscover' },
  'autodiscover-domain': { table: 'Autodiscover (domain)', prose: 'Autodiscover on the domain' },
  'autodiscover-srv': { table: 'Autodiscover SRV', prose: 'Autodiscover SRV' },
  pacc: { table: 'PACC', prose: 'PACC' },
  'pacc-obsolete': { table: 'PACC (obsolete)', prose: 'PACC (obsolete form)' },
  'mx-autoconfig': { table: 'autoconfig via MX', prose: 'autoconfig of the MX domain' },
  'mx-autoconfig-base': { table: 'autoconfig via MX base', prose: 'autoconfig of the MX base domain' },
  'mx-ispdb-full': { table: 'ISPDB via MX domain', prose: 'ISPDB for the MX domain' },
  guess: { table: 'guesses', prose: 'guesses' },
};

/** A source id in a sentence; an id this version does not know is printed as it is. */
export function sourceProse(id: string): string {
  return (SOURCE_LABEL as Record<string, { prose: string } | undefined>)[id]?.prose ?? id;
}

/** A source id in the sources table. */
export function sourceTableLabel(id: string): string {
  return (SOURCE_LABEL as Record<string, { table: string } | undefined>)[id]?.table ?? id;
}

/** What a source's reason code's words read: the targets, the provider, the server's own text. */
export interface SourceReasonParams {
  targets: string[];
  target: string;
  provider: string;
  detail: string;
}

/** Why a source says what it says (facts.reason), in the words of the sources table. */
export const SOURCE_REASON: Record<SourceReason, (p: SourceReasonParams) => string> = {
  'internal-error': () => 'internal error',
  'srv-target-not-host': (p) => `not a host name, not used: ${p.targets.map((t) => JSON.stringify(t)).join(', ')}`,
  'no-ispdb': () => '--no-ispdb',
  'ispdb-url-invalid': () => 'the ISPDB URL is not a URL',
  'no-mx-host': () => 'no MX host',
  'mx-not-host-name': () => 'the MX is not a host name, not used',
  'mx-inside-domain': () => 'the MX is inside the domain',
  'mx-no-full-domain': () => 'the MX host has no domain longer than its base',
  'provider-bridge': (p) => `${p.provider} is reached through a local bridge (${p.target}), not probed`,
  'provider-imap-unknown': (p) => `no public source names the IMAP server of ${p.provider}`,
  'no-srv-record': () => 'no SRV record',
  'unverified-target-refused': (p) => `${p.target} named by an unverified SRV record: not connected to`,
  'asks-credentials': () => 'asks for credentials (imap-doctor never sends them to Autodiscover)',
  'autodiscover-error': (p) => `Autodiscover error: ${p.detail || 'error response without code or message'}`,
  'redirect-addr-not-followed': (p) => `redirects to the address ${p.target}; not followed`,
  'redirect-url-not-followed': (p) => `redirects to the URL ${p.target}; not followed`,
  'guess-asked': () => '--guess',
  'nothing-usable-published': () => 'nothing usable was published',
  'pop3-only': () => 'the published settings offer POP3 only',
  'settings-published': () => 'settings were published',
};

/** The words of a source's reason code, or undefined when it has none (`provider`: the name of the provider its MX identified). */
export function sourceReasonText(s: SourceResult, provider?: string): string | undefined {
  const f = s.facts;
  const reason = f?.reason;
  if (!f || !reason) return undefined;
  const p: SourceReasonParams = {
    targets: [],
    target: s.refused?.[0]?.target ?? '',
    provider: provider ?? '',
    detail: '',
  };
  if ('badTargets' in f) p.targets = f.badTargets ?? [];
  if ('bridge' in f && f.bridge) p.target = `${f.bridge.host}:${f.bridge.port}`;
  if ('provider' in f) p.provider = provider ?? f.provider ?? '';
  if ('errorDetail' in f) p.detail = f.errorDetail ?? '';
  if ('redirectAddr' in f && f.redirectAddr) p.target = f.redirectAddr;
  if ('redirectUrl' in f && f.redirectUrl) p.target = f.redirectUrl;
  return SOURCE_REASON[reason](p);
}

/** Why a login was withheld: a short line for the endpoint's login row, and LOGIN_WITHHELD's explanation where it has one. */
export const WITHHELD_REASON: Record<LoginWithheldReason, { short: string; explain?: (p: P) => string }> = {
  'no-credentials': { short: 'not tested (no password given)' },
  disabled: { short: 'not tested (--no-login)' },
  'no-tls': {
    short: 'not sent: no encryption on this endpoint',
    explain: (p) =>
      `This endpoint has no encryption (security ${secLabel(p.security)}); imap-doctor never sends a password in clear text.`,
  },
  'tls-not-verified': {
    short: 'not sent: the certificate could not be verified',
    explain: () =>
      "The server's certificate did not verify (see above), so the connection could belong to an impostor; imap-doctor only sends a password over verified TLS.",
  },
  'starttls-injection': {
    short: 'not sent: the STARTTLS exchange was tampered with',
    explain: () =>
      'The STARTTLS exchange was tampered with (see above), so the password was not risked on this connection.',
  },
  'login-disabled': {
    short: 'not possible: the server forbids LOGIN here',
    explain: () => 'The server forbids the LOGIN command here.',
  },
  'no-mechanism': { short: 'not possible: no usable login mechanism' },
  'untrusted-host': {
    short: 'not sent: host from an untrusted source (--trust-host to allow)',
    explain: (p) =>
      `This server name came from a source that cannot be trusted (${str(p.sources)}), and ${str(p.host)} is not in your address's domain. Sending your password there could hand it to a stranger.`,
  },
  unreachable: { short: 'not reached' },
  'earlier-credential-failure': {
    short: 'not sent: the password was already rejected elsewhere',
    explain: (p) =>
      `${p.firstEndpoint ? str(p.firstEndpoint) : 'another server'} already refused the login; trying the same credentials on more servers could lock the account.`,
  },
  'earlier-login-error': {
    short: 'not sent: an earlier login failed inside imap-doctor',
    explain: () =>
      'imap-doctor failed internally during an earlier login (see INTERNAL_ERROR); that login may have been refused, so to be safe the password was not sent again.',
  },
  'internal-error': { short: 'not finished: imap-doctor failed internally (see INTERNAL_ERROR)' },
  deadline: {
    short: 'not tried: run deadline reached',
    explain: () => 'The run reached its deadline before the login.',
  },
  interrupted: {
    short: 'not tried: the run was interrupted',
    explain: () => 'The run was interrupted (Ctrl-C) before the login.',
  },
  'oauth-discover': { short: 'not sent: the one attempt here went to --oauth-discover' },
};
