/**
 * The checklist for people: verdict first, then each endpoint's stages with ✔ / ! / ✖, then every
 * problem with its explanation, who must act and Fix: lines, then the settings to type into a
 * mail app, then a one-line tally. Pure: report in, string out; colour only when asked. Every string
 * of the report may come from the network or the user: it is printed only made visible.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { ACTOR_LABEL, type Severity } from '../catalogue/index.js';
import { secLabel } from '../catalogue/types.js';
import type { Stage, TranscriptLine } from '../model/evidence.js';
import { WITHHELD_REASON } from '../catalogue/labels.js';
import { knowledgeLine } from './knowledge.js';
import type { AddressReport, EndpointReport, Report, ReportFinding, StageReport } from '../model/report.js';
import { symbol, type Mark } from './symbols.js';
import { renderSourcesTable } from './sources.js';
import { STAGE_LABEL, timelineOf } from './timeline.js';
import { visibleDeep } from './visible.js';
import { integrationRows, syncCost, syncRows } from './sync.js';
import { tlsInfoVerified } from '../model/reading.js';
import { probeErrorText } from '../catalogue/probe-why.js';

export interface TextOptions {
  color: boolean;
  verbose: boolean;
  quiet: boolean;
  ascii?: boolean;
  /** Terminal width for wrapping; 0 = no wrapping. */
  width?: number;
}

const SEV_ORDER: Mark[] = ['error', 'warning', 'skipped', 'info', 'ok'];

function trunc(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function wrap(text: string, indent: string, width: number): string {
  if (width <= 0) return indent + text;
  const max = Math.max(40, width - indent.length);
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur.length > 0 && cur.length + 1 + w.length > max) {
      lines.push(cur);
      cur = w;
    } else cur = cur.length > 0 ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l) => indent + l).join('\n');
}

function provenanceLabel(e: EndpointReport): string {
  if (e.provenance === 'user') return e.sources.some((s) => s.source === 'user') ? 'you named it' : 'user';
  if (e.provenance === 'guess') return 'guessed';
  const names = [...new Set(e.sources.map((s) => s.source))].join(', ');
  return `from ${names}${e.trust === 'unverified' ? ', unverified source' : ''}`;
}

export function renderText(report: Report, o: TextOptions): string {
  const r = visibleDeep(report);
  const c: ChalkInstance = new Chalk({ level: o.color ? 1 : 0 });
  const width = o.width ?? 0;
  const sym = (m: Mark) => {
    const s = symbol(m, o.ascii);
    return m === 'ok' ? c.green(s) : m === 'error' ? c.red(s) : m === 'warning' ? c.yellow(s) : c.dim(s);
  };
  const out: string[] = [];
  const v = r.verdict;
  out.push(
    c.bold(`imap-doctor ${r.tool.version} · ${r.input.address}`) +
      (r.input.unicodeDomain ? c.dim(` (${r.input.unicodeDomain})`) : ''),
  );
  out.push(`${sym(v.status)} ${c.bold(v.summary)}`);

  if (!o.quiet) out.push(...detailLines(r, sym, c, o, width));

  out.push(...findingSections(r, sym, c, o, width));

  if (v.working) {
    const w = v.working;
    out.push(
      '',
      c.bold(
        w.loginVerified
          ? 'Settings that work (type these into your mail app):'
          : 'Settings that reach the server (login not tested):',
      ),
    );
    out.push(
      `  Server:    ${w.host}`,
      `  Port:      ${w.port}`,
      `  Security:  ${secLabel(w.security)}`,
      `  Username:  ${w.username}`,
    );
  }
  out.push('', tallyLine(r, o.verbose, c));
  return `${out.join('\n')}\n`;
}

/** Problems, Warnings and Notes (each with its consequences unless --quiet), then with --verbose what passed. */
function findingSections(
  r: Report,
  sym: (m: Mark) => string,
  c: ChalkInstance,
  o: TextOptions,
  width: number,
): string[] {
  const out: string[] = [];
  const groups: Array<[Severity, string]> = [
    ['error', 'Problems'],
    ['warning', 'Warnings'],
    ['info', 'Notes'],
  ];
  const consequences = (root: ReportFinding) => consequencesOf(r.findings, root);
  for (const [sev, title] of groups) {
    const fs = r.findings.filter((f) => f.severity === sev && !f.causedBy);
    if (fs.length === 0 || (o.quiet && sev === 'info')) continue;
    out.push('', c.bold(title));
    for (const f of fs) {
      out.push(...findingLines(f, sym, c, o, width));
      if (o.quiet) continue;
      out.push(...consequenceLines(f, consequences(f), c, width));
    }
  }
  if (o.verbose) {
    const oks = r.findings.filter((f) => f.severity === 'ok');
    if (oks.length > 0) {
      out.push('', c.bold('Passed'));
      for (const f of oks) out.push(`  ${sym('ok')} ${c.dim(f.code)}  ${f.title}`);
    }
  }
  return out;
}

/** Everything between the verdict and the findings: sources, endpoints, sync readiness, what was not probed, the timeline. */
function detailLines(r: Report, sym: (m: Mark) => string, c: ChalkInstance, o: TextOptions, width: number): string[] {
  const out: string[] = [];
  const sources = renderSourcesTable(r, { color: o.color, ...(o.ascii ? { ascii: true } : {}) });
  if (sources.length > 0) out.push('', ...sources);
  for (const e of r.endpoints) out.push('', ...endpointLines(e, r.findings, sym, c, o));
  if (r.sync) out.push('', ...syncLines(r, sym, c, width));
  if (r.candidates.some((x) => !x.probed)) {
    const rest = r.candidates.filter((x) => !x.probed).map((x) => `${x.host}:${x.port} ${secLabel(x.security)}`);
    out.push('', c.dim(`Not probed (over --max-endpoints): ${rest.join('; ')}`));
  }
  if (o.verbose) out.push('', ...timelineLines(r, sym, c, o.ascii === true));
  return out;
}

/** "Sync readiness" (the capability table, then push, folders, storage, search, sessions) and "For apps and integrations". */
function syncLines(r: Report, sym: (m: Mark) => string, c: ChalkInstance, width: number): string[] {
  const s = r.sync;
  if (!s) return [];
  const lines = [`${c.bold('Sync readiness')}  ${c.dim(`${s.endpoint} · ${syncCost(s)}`)}`];
  for (const x of s.capabilities)
    lines.push(`  ${sym(x.supported ? 'ok' : 'skipped')} ${x.name.padEnd(17)} ${x.gives.padEnd(46)} ${c.dim(x.rfc)}`);
  for (const row of syncRows(s)) lines.push(wrap(`${sym(row.mark)} ${row.label.padEnd(9)} ${row.text}`, '  ', width));
  lines.push('', c.bold('For apps and integrations'));
  for (const [label, text] of integrationRows(s)) lines.push(wrap(`${`${label}:`.padEnd(12)} ${text}`, '  ', width));
  return lines;
}

function tallyLine(r: Report, verbose: boolean, c: ChalkInstance): string {
  const t = r.verdict.tally;
  const parts = [
    `${t.error} error${t.error === 1 ? '' : 's'}`,
    `${t.warning} warning${t.warning === 1 ? '' : 's'}`,
    `${t.info} note${t.info === 1 ? '' : 's'}`,
    `${t.ok} passed`,
  ];
  return `${parts.join(' · ')} · ${(r.durationMs / 1000).toFixed(1)} s${verbose ? '' : c.dim(' (--verbose shows what passed)')}`;
}

/** --verbose: one bar per step per endpoint, placed on a shared time axis. */
function timelineLines(r: Report, sym: (m: Mark) => string, c: ChalkInstance, ascii: boolean): string[] {
  const t = timelineOf(r);
  const cols = 40;
  const col = (ms: number) => Math.min(cols - 1, Math.floor((ms / t.totalMs) * cols));
  const lines = [
    c.bold(`Timeline`) + c.dim(`  (0 to ${t.totalMs} ms; each step drawn where it started, as long as it took)`),
  ];
  for (const lane of t.lanes) {
    lines.push(`  ${lane.title}`);
    for (const b of lane.bars) {
      const from = col(b.at);
      const len = Math.max(1, Math.min(cols - from, Math.round((b.ms / t.totalMs) * cols)));
      const bar = `${' '.repeat(from)}${(ascii ? '#' : '█').repeat(len)}`.padEnd(cols);
      const paint = b.state === 'failed' ? c.red(bar) : c.green(bar);
      const label = `${b.label}${b.address ? ` ${b.address}` : ''}`;
      lines.push(
        `    ${sym(b.state === 'ok' ? 'ok' : 'error')} ${label.padEnd(14)} ${paint} ${c.dim(`${String(b.ms).padStart(5)} ms at ${b.estimated ? '~' : ''}${b.at} ms`)}`,
      );
    }
  }
  return lines;
}

/** The consequences the builder placed right after `root` (findings with causedBy set). */
export function consequencesOf(all: readonly ReportFinding[], root: ReportFinding): ReportFinding[] {
  const out: ReportFinding[] = [];
  for (let k = all.indexOf(root) + 1; k > 0 && k < all.length && all[k]?.causedBy; k++)
    out.push(all[k] as ReportFinding);
  return out;
}

function findingLines(
  f: ReportFinding,
  sym: (m: Mark) => string,
  c: ChalkInstance,
  o: TextOptions,
  width: number,
): string[] {
  const where = f.subject.address ? c.dim(` [${f.subject.address}]`) : '';
  const lines = [`  ${sym(f.severity)} ${f.title}${where} ${c.dim(f.code)}`];
  if (o.quiet) return lines;
  lines.push(wrap(f.explanation, '    ', width));
  if (f.severity === 'error' || f.severity === 'warning') lines.push(c.dim(`    Who must act: ${ACTOR_LABEL[f.who]}`));
  for (const fix of f.fix) lines.push(wrap(`${c.cyan('Fix:')} ${fix}`, '    ', width));
  if (f.knowledge) lines.push(c.dim(wrap(knowledgeLine(f.knowledge), '    ', width)));
  return lines;
}

function endpointLines(
  e: EndpointReport,
  findings: readonly ReportFinding[],
  sym: (m: Mark) => string,
  c: ChalkInstance,
  o: TextOptions,
): string[] {
  const lines = [`${c.bold(`${e.host}:${e.port}`)}  ${secLabel(e.security)}  ${c.dim(`(${provenanceLabel(e)})`)}`];
  const mine = findings.filter((f) => f.endpoint === e.id);
  const worst = (stage: string, address?: string): Mark | undefined => {
    const fs = mine.filter(
      (f) => f.stage === stage && (!address || !f.subject.address || f.subject.address === address),
    );
    return SEV_ORDER.find((m) => fs.some((f) => f.severity === m));
  };
  const row = (mark: Mark, stage: string, detail: string, ms?: number) =>
    `  ${sym(mark)} ${STAGE_LABEL[stage as Stage]?.padEnd(12) ?? stage.padEnd(12)} ${trunc(detail, 90)}${ms !== undefined ? c.dim(`  ${ms} ms`) : ''}`;

  const r = e.resolve;
  if (r.state === 'failed')
    lines.push(row(worst('resolve') ?? 'error', 'resolve', `no address (A: ${r.a}, AAAA: ${r.aaaa})`, r.ms));
  else if (r.via !== 'literal') {
    const addrs = e.addresses.map((a) => a.address).join(', ');
    lines.push(row('ok', 'resolve', `${addrs} ${c.dim(`(via ${r.via}; A: ${r.a}, AAAA: ${r.aaaa})`)}`, r.ms));
  }
  for (const a of e.addresses) {
    if (e.addresses.length > 1) lines.push(`  ${c.dim(`${a.address} (IPv${a.family})`)}`);
    for (const s of a.stages) {
      if (s.state === 'skipped' && !o.verbose) continue;
      const found = worst(s.stage, a.address);
      const mark: Mark =
        s.state === 'skipped'
          ? 'skipped'
          : s.state === 'failed'
            ? found === 'error' || found === 'warning' || found === 'info'
              ? found
              : 'error'
            : (found ?? 'ok');
      lines.push(row(mark, s.stage, stageDetail(s, a), s.state === 'skipped' ? undefined : s.ms));
    }
    if (a.transcript) lines.push(...transcriptLines(`IMAP exchange with ${a.address}`, a.transcript, c));
  }
  lines.push(loginLine(e, sym, c, worst('login')));
  if (e.login.state === 'attempted' && e.login.transcript)
    lines.push(...transcriptLines('login exchange (credentials masked)', e.login.transcript, c));
  if (e.login.state === 'attempted' && e.login.mailbox) {
    const m = e.login.mailbox;
    lines.push(
      row(
        m.state === 'ok' ? 'ok' : 'error',
        'mailbox',
        m.state === 'ok' ? `INBOX opened read-only, ${m.exists} messages` : probeErrorText(m.error, 'not opened'),
        m.ms,
      ),
    );
  }
  return lines;
}

function transcriptLines(title: string, t: readonly TranscriptLine[], c: ChalkInstance): string[] {
  const dir = { c: 'C:', s: 'S:', i: '--' } as const;
  return [
    `    ${c.dim(title)}`,
    ...t.map((l) =>
      c.dim(
        `      ${String(l.t).padStart(5)} ms ${l.layer === 'tls' ? 'tls' : '   '} ${dir[l.dir]} ${trunc(l.text, 200)}`,
      ),
    ),
  ];
}

function stageDetail(s: StageReport, a: AddressReport): string {
  if (s.state === 'skipped') return `skipped (after ${s.blockedBy})`;
  if (s.state === 'failed') return probeErrorText(s.error, 'failed');
  switch (s.stage) {
    case 'tcp':
      return `connected to ${a.address}`;
    case 'tls':
    case 'starttls-tls': {
      const t = a.tls;
      if (!t) return 'ok';
      const leaf = t.chain[0];
      const who = leaf
        ? `${leaf.commonName ?? leaf.subject} by ${leaf.issuerCommonName ?? leaf.issuer}, until ${leaf.validTo.slice(0, 10)}`
        : 'no certificate';
      const verdict = tlsInfoVerified(t)
        ? 'verified'
        : `not verified: ${[t.verifyError, t.hostnameOk ? '' : 'name mismatch'].filter(Boolean).join(', ')}`;
      return `${verdict} · ${t.protocol}, ${who}`;
    }
    case 'greeting':
      return a.greeting?.line ?? '';
    case 'capability':
      return (a.capabilities.beforeTls ?? a.capabilities.afterTls ?? []).join(' ');
    case 'capability-after-tls':
      return (a.capabilities.afterTls ?? []).join(' ');
    case 'starttls':
      return a.starttls ? a.starttls.response.line : 'ok';
    default:
      return 'ok';
  }
}

function loginLine(e: EndpointReport, sym: (m: Mark) => string, c: ChalkInstance, found: Mark | undefined): string {
  const l = e.login;
  const label = 'Login'.padEnd(12);
  if (l.state === 'withheld')
    return `  ${sym(found ?? 'skipped')} ${label} ${WITHHELD_REASON[l.reason]?.short ?? l.reason}`;
  const ms = c.dim(`  ${l.ms} ms`);
  if (l.ok) return `  ${sym('ok')} ${label} ${l.username} accepted (${l.mechanism ?? 'login'})${ms}`;
  const said = l.response?.line ?? probeErrorText(l.error, 'failed');
  return `  ${sym(found ?? 'error')} ${label} ${trunc(said, 90)}${ms}`;
}

/**
 * The lines under a root finding: the same problem elsewhere, details, and what follows from it. A
 * consequence whose sentence repeats (the same host on 993 and 143) is printed once, with its ports.
 */
function consequenceLines(f: ReportFinding, xs: readonly ReportFinding[], c: ChalkInstance, width: number): string[] {
  const out: string[] = [];
  const because = new Map<string, string[]>();
  for (const x of xs) {
    const where = x.subject.host ? `${x.subject.host}:${x.subject.port} (${secLabel(x.subject.security)})` : '';
    if (x.relation === 'same-problem' && x.code === f.code)
      out.push(wrap(c.dim(`Also: the same on ${where}.`), '    ', width));
    else if (x.relation === 'detail') {
      out.push(wrap(`${c.dim('There:')} ${x.title} ${c.dim(x.code)}`, '    ', width));
      if (x.fix[0]) out.push(wrap(`${c.cyan('Fix:')} ${x.fix[0]}`, '      ', width));
    } else {
      const ports = because.get(x.title) ?? [];
      if (x.subject.port !== undefined) ports.push(`${x.subject.port} ${secLabel(x.subject.security)}`);
      because.set(x.title, ports);
    }
  }
  for (const [title, ports] of because) {
    const on = ports.length > 1 ? ` (on ${[...new Set(ports)].join(', ')})` : '';
    out.push(wrap(c.dim(`Because of this: ${title}${on}.`), '    ', width));
  }
  return out;
}
