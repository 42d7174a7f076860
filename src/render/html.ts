/**
 * The report as one self-contained HTML page for tickets: verdict and root cause, the checklist,
 * the endpoints table and a waterfall of every step per endpoint. No script, no external asset
 * (inline CSS only; a Content-Security-Policy forbids the rest), and every string goes through
 * `esc`, so text from the network renders as text, never as markup. Pure: report in, string out.
 */
import { ACTOR_LABEL } from '../catalogue/index.js';
import { secLabel } from '../catalogue/types.js';
import type { EndpointReport, Report, ReportFinding } from '../model/report.js';
import { renderSourcesTable } from './sources.js';
import { symbol, type Mark } from './symbols.js';
import { consequencesOf } from './text.js';
import { timelineOf, type TimelineBar } from './timeline.js';
import { visibleDeep } from './visible.js';
import { integrationRows, syncCost, syncRows } from './sync.js';
import { tlsInfoVerified } from '../model/reading.js';
import { probeErrorText } from '../catalogue/probe-why.js';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute; control and bidi-override characters become U+FFFD. */
export function esc(v: string | number | boolean): string {
  return String(v)
    .replace(/[&<>"']/g, (ch) => ENTITY[ch] ?? ch)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
:root{--ok:#1a7f37;--warning:#9a6700;--error:#cf222e;--info:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta,.dim,.source{color:var(--info);font-size:13px}code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--bg);padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-word}
.verdict{border-left:6px solid var(--info);background:var(--bg);padding:12px 16px;margin:16px 0}
.verdict.ok{border-color:var(--ok)}.verdict.warning{border-color:var(--warning)}.verdict.error{border-color:var(--error)}
.verdict .summary{font-size:18px;font-weight:600}
.mark{display:inline-block;width:1.3em;font-weight:700}.m-ok{color:var(--ok)}.m-warning{color:var(--warning)}.m-error{color:var(--error)}.m-info,.m-skipped{color:var(--info)}
ul.checklist{list-style:none;padding:0}ul.checklist li{margin:6px 0}ul.checklist ul{list-style:none;padding-left:1.6em}
.code{font:12px ui-monospace,monospace;color:var(--info)}.fix{margin:2px 0 2px 1.6em}.explain{margin:2px 0 2px 1.6em}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:var(--bg)}
.wf{width:100%;border-collapse:collapse}.wf td{border:0;border-bottom:1px solid #eef0f2;padding:2px 6px}.wf .lane td{font-weight:600;padding-top:10px}
.wf .label{width:190px;white-space:nowrap}.wf .ms{width:110px;text-align:right;white-space:nowrap;color:var(--info)}
.track{position:relative;height:14px;background:repeating-linear-gradient(90deg,transparent 0 calc(25% - 1px),#e6e8eb calc(25% - 1px) 25%)}
.bar{position:absolute;top:1px;height:12px;min-width:2px;border-radius:2px;background:var(--ok)}.bar.failed{background:var(--error)}.bar.estimated{opacity:.5}.bar.discovery{background:#8250df}
.axis{display:flex;justify-content:space-between;color:var(--info);font-size:12px}
@media print{body{padding:0}.verdict{break-inside:avoid}}
`;

const mark = (m: Mark) => `<span class="mark m-${m}" aria-label="${m}">${symbol(m)}</span>`;

function where(f: ReportFinding): string {
  return f.subject.host
    ? ` <span class="dim">${esc(`${f.subject.host}${f.subject.port ? `:${f.subject.port}` : ''}`)}</span>`
    : '';
}

function details(f: ReportFinding): string {
  const who =
    f.severity === 'error' || f.severity === 'warning'
      ? `<div class="explain dim">Who must act: ${esc(ACTOR_LABEL[f.who])}</div>`
      : '';
  return `<div class="explain">${esc(f.explanation)}</div>${who}${f.fix.map((x) => `<div class="fix"><b>Fix:</b> ${esc(x)}</div>`).join('')}`;
}

function verdictSection(r: Report): string {
  const v = r.verdict;
  const root =
    r.findings.find((f) => !f.causedBy && f.severity === 'error') ??
    r.findings.find((f) => !f.causedBy && f.severity === 'warning');
  const rootHtml = root
    ? `<h3 id="root-cause">${root.severity === 'error' ? 'Root cause' : 'To look at'}: ${esc(root.title)} <span class="code">${esc(root.code)}</span></h3>${details(root)}`
    : '';
  const w = v.working;
  const working = w
    ? `<h3>${w.loginVerified ? 'Settings that work' : 'Settings that reach the server (login not tested)'}</h3><table class="settings"><tr><th>Server</th><td>${esc(w.host)}</td></tr><tr><th>Port</th><td>${esc(w.port)}</td></tr><tr><th>Security</th><td>${esc(secLabel(w.security))}</td></tr><tr><th>Username</th><td>${esc(w.username)}</td></tr></table>`
    : '';
  const t = v.tally;
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  return `<section class="verdict ${esc(v.status)}" id="verdict"><div class="summary">${mark(v.status)}${esc(v.summary)}</div><div class="dim">${esc(`${n(t.error, 'error')} · ${n(t.warning, 'warning')} · ${n(t.info, 'note')} · ${t.ok} passed`)}</div>${rootHtml}${working}</section>`;
}

function checklist(r: Report): string {
  const item = (f: ReportFinding): string => {
    const body = f.severity === 'ok' ? '' : details(f);
    const sub = consequencesOf(r.findings, f).map(
      (x) =>
        `<li class="finding">${mark(x.severity)}${esc(x.title)}${where(x)} <span class="code">${esc(x.code)}</span></li>`,
    );
    return `<li class="finding">${mark(f.severity)}<b>${esc(f.title)}</b>${where(f)} <span class="code">${esc(f.code)}</span>${body}${sub.length ? `<ul>${sub.join('')}</ul>` : ''}</li>`;
  };
  return `<h2 id="checklist">Checklist</h2><ul class="checklist">${r.findings
    .filter((f) => !f.causedBy)
    .map(item)
    .join('')}</ul>`;
}

function tlsCell(e: EndpointReport): string {
  return e.addresses
    .map((a) => {
      const t = a.tls;
      const leaf = t?.chain[0];
      if (!t) return '–';
      const ok = tlsInfoVerified(t);
      return esc(
        `${t.protocol} · ${ok ? 'verified' : `not verified (${[t.verifyError, t.hostnameOk ? '' : 'name mismatch'].filter(Boolean).join(', ')})`}${leaf ? ` · ${leaf.commonName ?? leaf.subject} by ${leaf.issuerCommonName ?? leaf.issuer}, until ${leaf.validTo.slice(0, 10)}` : ''}`,
      );
    })
    .join('<br>');
}

function loginCell(e: EndpointReport): string {
  const l = e.login;
  if (l.state === 'withheld') return `${mark('skipped')}${esc(`not sent (${l.reason})`)}`;
  return `${mark(l.ok ? 'ok' : 'error')}${esc(l.ok ? `${l.username} accepted (${l.mechanism ?? 'login'})` : (l.response?.line ?? probeErrorText(l.error, 'failed')))}`;
}

function endpointsTable(r: Report): string {
  if (r.endpoints.length === 0) return '<h2 id="endpoints">Endpoints</h2><p>No endpoint was probed.</p>';
  const rows = r.endpoints.map((e) => {
    const sources = [...new Set(e.sources.map((s) => s.source))].join(', ') || e.provenance;
    const addrs =
      e.addresses.map((a) => `${a.address} (IPv${a.family})`).join(', ') ||
      probeErrorText(e.resolve.error, 'no address');
    const greeting = e.addresses.map((a) => a.greeting?.line ?? '–').join('\n');
    return `<tr><td>${mark(e.working ? 'ok' : 'error')}<b>${esc(`${e.host}:${e.port}`)}</b></td><td>${esc(secLabel(e.security))}</td><td>${esc(`${sources} (${e.trust})`)}</td><td>${esc(addrs)}</td><td>${tlsCell(e)}</td><td><code>${esc(greeting)}</code></td><td>${loginCell(e)}</td></tr>`;
  });
  return `<h2 id="endpoints">Endpoints</h2><table class="endpoints"><tr><th>Endpoint</th><th>Security</th><th>Source (trust)</th><th>Addresses</th><th>TLS</th><th>Greeting</th><th>Login</th></tr>${rows.join('')}</table>`;
}

const pct = (n: number) => `${Math.max(0, Math.min(100, n)).toFixed(3)}%`;

function waterfall(r: Report): string {
  const t = timelineOf(r);
  const bar = (b: TimelineBar) => {
    const cls = [
      'bar',
      b.state === 'failed' ? 'failed' : '',
      b.estimated ? 'estimated' : '',
      b.stage === 'discovery' ? 'discovery' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const tip = `${b.label}: ${b.ms} ms, from ${b.estimated ? '~' : ''}${b.at} ms${b.state === 'failed' ? ' (failed)' : ''}`;
    return `<tr class="step"><td class="label">${mark(b.state === 'ok' ? 'ok' : 'error')}${esc(b.label)}${b.address ? ` <span class="dim">${esc(b.address)}</span>` : ''}</td><td><div class="track"><div class="${cls}" data-stage="${esc(b.stage)}" title="${esc(tip)}" style="left:${pct((b.at / t.totalMs) * 100)};width:${pct((b.ms / t.totalMs) * 100)}"></div></div></td><td class="ms">${esc(`${b.ms} ms @ ${b.estimated ? '~' : ''}${b.at}`)}</td></tr>`;
  };
  const lanes = t.lanes.map(
    (l) => `<tr class="lane"><td colspan="3">${esc(l.title)}</td></tr>${l.bars.map(bar).join('')}`,
  );
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span>${esc(Math.round(f * t.totalMs))} ms</span>`).join('');
  return `<h2 id="timeline">Timeline</h2><p class="dim">Every step per endpoint, drawn where it started and as long as it took (red: failed; faded: start not recorded).</p><table class="wf"><tr><td class="label"></td><td><div class="axis">${ticks}</div></td><td class="ms"></td></tr>${lanes.join('')}</table>`;
}

/** "Sync readiness": the capability table and the probe results; then "For apps and integrations". */
function syncSection(r: Report): string {
  const s = r.sync;
  if (!s) return '';
  const caps = s.capabilities
    .map(
      (x) =>
        `<tr><td>${mark(x.supported ? 'ok' : 'skipped')}<b>${esc(x.name)}</b></td><td>${esc(x.gives)}</td><td>${esc(x.rfc)}</td></tr>`,
    )
    .join('');
  const rows = syncRows(s)
    .map((x) => `<tr><td>${mark(x.mark)}<b>${esc(x.label)}</b></td><td colspan="2">${esc(x.text)}</td></tr>`)
    .join('');
  const advice = integrationRows(s)
    .map(([label, text]) => `<li><b>${esc(label)}:</b> ${esc(text)}</li>`)
    .join('');
  return `<h2 id="sync">Sync readiness</h2><p class="dim">${esc(`${s.endpoint} · ${syncCost(s)}`)}</p><table class="sync"><tr><th>Capability</th><th>What it gives</th><th>Reference</th></tr>${caps}${rows}</table><h2 id="integrations">For apps and integrations</h2><ul>${advice}</ul>`;
}

/** The page with one line saying where the report came from (`show`), first in the body. */
export function withSourceNote(html: string, line: string): string {
  return html.replace('<body>', `<body><p class="source">${esc(line)}</p>\n`);
}

export function renderHtml(report: Report): string {
  // Every string of the report may come from the network or the user: shown only made visible (a
  // bidirectional override in a server's text must not reorder the page around it).
  const r = visibleDeep(report);
  const sources = renderSourcesTable(r, { color: false });
  const title = `imap-doctor report for ${r.input.address}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1><div class="meta">${esc(`${r.startedAt} · ${(r.durationMs / 1000).toFixed(1)} s · imap-doctor ${r.tool.version} on Node.js ${r.tool.node} · report schema ${r.schemaVersion}`)}</div></header>
${verdictSection(r)}
${checklist(r)}
${endpointsTable(r)}
${syncSection(r)}
${waterfall(r)}
${sources.length > 0 ? `<h2 id="sources">Where the settings came from</h2><pre>${esc(sources.join('\n'))}</pre>` : ''}
</body></html>
`;
}
