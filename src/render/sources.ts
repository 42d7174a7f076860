/**
 * The compact table of discovery sources that opens the text report: one row per source, what was
 * asked, what came back, how long it took, what it named (and how far it can be trusted). Pure:
 * report in, lines out (no trailing newline); [] when the run did no discovery. Colour only on request.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { secLabel } from '../catalogue/types.js';
import { sourceReasonText, sourceTableLabel } from '../catalogue/labels.js';
import { dnsStep } from '../model/reading.js';
import type { ServerSetting, SourceResult } from '../model/discovery.js';
import type { Report } from '../model/report.js';
import { symbol, type Mark } from './symbols.js';
import { probeErrorText } from '../catalogue/probe-why.js';

export interface SourcesTableOptions {
  color: boolean;
  ascii?: boolean;
}

const FAILED = new Set(['timeout', 'servfail', 'refused', 'unreachable', 'nxdomain']);
const DOUBTFUL = new Set(['invalid', 'tls-error', 'http-error']);

/** The domain's website answers these URLs; a page there instead of a settings file is common and harmless. */
const WEBSITE = new Set(['autoconfig-wellknown', 'autoconfig-wellknown-http', 'autodiscover-domain']);

function mark(s: SourceResult): Mark {
  if (s.source === 'pacc-obsolete') return 'info';
  if (s.status === 'found') return s.trust === 'unverified' ? 'warning' : 'ok';
  if (
    s.status === 'invalid' &&
    WEBSITE.has(s.source) &&
    (s.invalid?.reason === 'html' || s.invalid?.reason === 'empty')
  )
    return 'info';
  if (FAILED.has(s.status)) return 'error';
  if (DOUBTFUL.has(s.status)) return 'warning';
  return 'info';
}

function statusText(s: SourceResult): string {
  switch (s.status) {
    case 'found':
      return s.trust === 'unverified' ? `found, unverified (${s.trustReason})` : 'found';
    case 'not-found':
      return s.httpStatus && s.httpStatus !== 200 ? `not found (HTTP ${s.httpStatus})` : notFoundDns(s);
    case 'service-disabled':
      return 'not offered (".")';
    case 'http-error':
      return s.httpStatus ? `HTTP ${s.httpStatus}` : `HTTP error${s.error ? `: ${s.error.code}` : ''}`;
    case 'tls-error':
      return `TLS error${s.error?.rawCode ? ` (${s.error.rawCode})` : ''}`;
    case 'invalid':
      return `invalid (${s.invalid?.reason ?? s.pacc?.problem ?? 'unusable'})`;
    case 'nxdomain':
    case 'servfail':
    case 'refused':
      return s.status.toUpperCase();
    case 'disabled':
      return 'off';
    default:
      return s.status;
  }
}

function notFoundDns(s: SourceResult): string {
  const status = dnsStep(s)?.dnsStatus;
  return status !== undefined && status !== 'records' ? `not found (${status})` : 'not found';
}

function server(x: ServerSetting): string {
  return `${x.host}:${x.port} ${x.security === 'unknown' ? `"${x.rawSecurity ?? '?'}"` : secLabel(x.security)}`;
}

function found(s: SourceResult, providerName?: string): string {
  if (s.source === 'mx') {
    const hosts = s.facts?.mxHosts ?? [];
    const provider = s.facts?.provider !== undefined ? ` → ${s.facts.provider}` : '';
    return hosts.length > 0
      ? `${hosts.slice(0, 2).join(', ')}${hosts.length > 2 ? ', …' : ''}${provider}`
      : provider.replace(/^ → /, '');
  }
  if (s.source === 'pacc-obsolete' && s.status === 'found') return 'obsolete form present, not used';
  if (s.status !== 'found') {
    return sourceReasonText(s, providerName) ?? probeErrorText(s.error, '');
  }
  const submission = s.source === 'srv-submissions' || s.source === 'srv-submission';
  const imap = s.servers.filter((x) => x.protocol === (submission ? 'smtp' : 'imap'));
  if (imap.length > 0)
    return `${imap.slice(0, 2).map(server).join('; ')}${imap.length > 2 ? `; +${imap.length - 2}` : ''}`;
  const pop = s.servers.filter((x) => x.protocol === 'pop3');
  if (pop.length > 0) return `POP3 only: ${server(pop[0] as ServerSetting)}`;
  return 'no IMAP server';
}

function fit(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text.padEnd(n);
}

export function renderSourcesTable(report: Report, o: SourcesTableOptions): string[] {
  const d = report.discovery;
  if (!d || d.sources.length === 0) return [];
  const c: ChalkInstance = new Chalk({ level: o.color ? 1 : 0 });
  const sym = (m: Mark): string => {
    const s = symbol(m, o.ascii);
    return m === 'ok' ? c.green(s) : m === 'error' ? c.red(s) : m === 'warning' ? c.yellow(s) : c.dim(s);
  };
  const rows = d.sources.map((s) => ({ s, label: sourceTableLabel(s.source), status: statusText(s) }));
  const labelW = Math.max(...rows.map((r) => r.label.length));
  const queryW = Math.min(58, Math.max(...rows.map((r) => r.s.query.length)));
  const statusW = Math.min(34, Math.max(...rows.map((r) => r.status.length)));
  const head = `Where the settings for ${d.domain} were looked for${d.provider ? ` (mail handled by ${d.provider.name})` : ''}:`;
  return [
    c.bold(head),
    ...rows.map(({ s, label, status }) => {
      const ms = `${s.ms} ms`.padStart(8);
      const what = found(s, d.provider?.name);
      return `  ${sym(mark(s))} ${label.padEnd(labelW)}  ${c.dim(fit(s.query, queryW))}  ${fit(status, statusW)} ${c.dim(ms)}${what ? `  ${what}` : ''}`.trimEnd();
    }),
  ];
}
