/**
 * `diff`: what counts as worse (a worse verdict or a new error finding, nothing else), which
 * timings are notable (2× and 500 ms), the three renderings, the published JSON shape
 * (docs/diff.schema.json) and the command's refusals. Reports are built by the real checks and
 * builder from hand-made evidence; corpus.test.ts runs diff on real lab pairs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { EndpointEvidence } from '../../../src/model/evidence.js';
import type { Report } from '../../../src/model/report.js';
import { diffReports, notableTiming } from '../../../src/report/diff.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../../../src/render/diff.js';
import { renderJson } from '../../../src/render/json.js';
import { addressProbe, candidate, endpoint, reportFrom } from '../../helpers/evidence.js';
import { runShow } from '../../helpers/show.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateDiff = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'docs/diff.schema.json'), 'utf8')) as object);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const refused = {
  state: 'failed' as const,
  error: { code: 'REFUSED' as const, message: 'connect ECONNREFUSED' },
  ms: 1,
};
const names = { before: 'before.json', after: 'after.json' };
const E993 = { id: 'imap.example.com:993/tls', host: 'imap.example.com', port: 993, security: 'tls' as const };

/** A healthy 993 endpoint whose TCP connect took `tcpMs`. */
function healthy(tcpMs = 10): EndpointEvidence {
  return endpoint(candidate(), { addresses: [addressProbe('tls', { tcp: { state: 'ok', value: {}, ms: tcpMs } })] });
}
const after = (stage: 'tcp' | 'tls') => ({ state: 'skipped' as const, blockedBy: stage });
const closedProbe = (security: 'tls' | 'starttls') =>
  addressProbe(security, {
    tcp: refused,
    tls: after('tcp'),
    greeting: after('tcp'),
    capability: after('tcp'),
    ...(security === 'starttls'
      ? { starttls: after('tcp'), starttlsTls: after('tcp'), capabilityAfterTls: after('tcp') }
      : {}),
  });
const closed = () => endpoint(candidate(), { addresses: [closedProbe('tls')] });
const report = (e: EndpointEvidence[], durationMs = 100): Report => reportFrom(e, { credentials: null, durationMs });

describe('diffReports', () => {
  it('a fix: the error disappeared, the endpoint now works, the verdict is better, not worse', () => {
    const d = diffReports(report([closed()]), report([healthy()]), names);
    expect(d.worse).toBe(false);
    expect(d.findings.disappeared.map((f) => f.code)).toContain('TCP_REFUSED');
    expect(d.findings.appeared).toEqual([]);
    expect(d.endpoints).toEqual({ nowWorking: [E993], stoppedWorking: [], onlyBefore: [], onlyAfter: [] });
    expect(d.findings.disappeared.find((f) => f.code === 'TCP_REFUSED')?.endpoint).toEqual(E993);
    expect([d.before.status, d.after.status]).toEqual(['error', 'ok']);
    expect(validateDiff(JSON.parse(renderDiffJson(d))), ajv.errorsText(validateDiff.errors)).toBe(true);
  });

  it('a breakage: a new error and a stopped endpoint make after worse', () => {
    const d = diffReports(report([healthy()]), report([closed()]), names);
    expect(d.worse).toBe(true);
    expect(d.findings.appeared.map((f) => `${f.severity} ${f.code} ${f.endpoint?.id}`)).toContain(
      'error TCP_REFUSED imap.example.com:993/tls',
    );
    expect(d.endpoints.stoppedWorking).toEqual([E993]);
  });

  it('the same error on both sides is not worse; a new error beside it is, though the verdict stays error', () => {
    const same = diffReports(report([closed()]), report([closed()]), names);
    expect(same.worse).toBe(false);
    expect([...same.findings.appeared, ...same.findings.disappeared, ...same.findings.severityChanged]).toEqual([]);
    const other = endpoint(candidate('imap.example.com', 143, 'starttls'), { addresses: [closedProbe('starttls')] }, 1);
    const more = diffReports(report([closed()]), report([closed(), other]), names);
    expect(more.worse).toBe(true);
    expect(more.endpoints.onlyAfter).toEqual([
      { id: 'imap.example.com:143/starttls', host: 'imap.example.com', port: 143, security: 'starttls' },
    ]);
  });

  it('a worse verdict alone (ok → warning) is worse; passed checks are never listed as new or gone', () => {
    const weak = endpoint(candidate(), {
      addresses: [addressProbe('tls', { tcp: { state: 'ok', value: {}, ms: 10 } })],
    });
    const soon = report([weak]);
    const warned: Report = { ...soon, verdict: { ...soon.verdict, status: 'warning' } };
    const d = diffReports(report([healthy()]), warned, names);
    expect(d.worse).toBe(true);
    expect(d.findings.appeared.every((f) => f.severity !== 'ok')).toBe(true);
  });

  it('a finding whose severity rose to error is a new error', () => {
    const before = report([closed()]);
    const lowered: Report = {
      ...before,
      findings: before.findings.map((f) => (f.code === 'TCP_REFUSED' ? { ...f, severity: 'info' as const } : f)),
    };
    const d = diffReports(lowered, before, names);
    expect(d.findings.severityChanged).toMatchObject([{ code: 'TCP_REFUSED', from: 'info', severity: 'error' }]);
    expect(d.worse).toBe(true);
    expect(diffReports(before, lowered, names).findings.severityChanged).toMatchObject([
      { from: 'error', severity: 'info' },
    ]);
  });

  it('notable timings: 2× or more and 500 ms or more, either way', () => {
    expect([
      notableTiming(100, 700),
      notableTiming(800, 100),
      notableTiming(1000, 1400),
      notableTiming(10, 400),
      notableTiming(0, 500),
      notableTiming(250, 750),
      notableTiming(600, 1100),
    ]).toEqual([true, true, false, false, true, true, false]);
    const d = diffReports(report([healthy(100)], 2000), report([healthy(900)], 2100), names);
    expect(d.timings).toEqual([
      { what: 'imap.example.com:993/tls tcp', endpoint: E993, stage: 'tcp', beforeMs: 100, afterMs: 900 },
    ]);
    const run = diffReports(report([healthy()], 300), report([healthy()], 5000), names);
    expect(run.timings).toEqual([{ what: 'run', beforeMs: 300, afterMs: 5000 }]);
  });

  it('reports of different addresses, or in the wrong order, carry a note', () => {
    const b = report([healthy()]);
    const a: Report = {
      ...report([healthy()]),
      input: { ...b.input, address: 'bob@example.com' },
      startedAt: '2020-01-01T00:00:00.000Z',
    };
    expect(diffReports(b, a, names).notes).toEqual([
      'the reports are for different addresses (alice@example.com, bob@example.com)',
      '"after" was made before "before": are the files in the right order?',
    ]);
  });
});

describe('diff renderings', () => {
  const d = diffReports(report([closed()], 300), report([healthy(900)], 2000), names);

  it('text: both verdicts, the endpoint that now works, what is gone, the timings, the outcome', () => {
    const t = renderDiffText(d, { color: false });
    expect(t).toMatch(
      /^imap-doctor diff · alice@example\.com\nbefore: ✖ .*\(before\.json, 2026-11-26T12:00:00\.000Z, imap-doctor 9\.9\.9\)\nafter:  ✔ /,
    );
    expect(t).toContain('  ✔ now works: imap.example.com:993 (SSL/TLS)');
    expect(t).toMatch(
      /  ✔ gone \(error\): Nothing accepts connections on port 993 of imap\.example\.com TCP_REFUSED — imap\.example\.com:993 \(SSL\/TLS\)/,
    );
    expect(t).toContain('  ! 300 ms → 2000 ms: the whole run');
    expect(t).toMatch(/\nVerdict: error → ok; better\n$/);
    expect(renderDiffText(d, { color: true })).toContain('\u001b[');
  });

  it('Markdown: a table of the two verdicts and the changes as lists', () => {
    const m = renderDiffMarkdown(d);
    expect(m).toMatch(/^# imap-doctor diff for alice@example\.com\n\n\| \| verdict \| report \|/);
    expect(m).toContain('**Verdict: error → ok; better**');
    expect(m).toContain('## Endpoints\n\n- ✅ now works: imap.example.com:993 (SSL/TLS)');
  });
});

describe('imap-doctor diff (the command)', () => {
  const write = (name: string, r: Report) => {
    const f = path.join(tmp, name);
    writeFileSync(f, renderJson(r));
    return f;
  };

  it('exit 1 when after is worse, 0 otherwise; --json and --format markdown', async () => {
    const good = write('good.json', report([healthy()]));
    const bad = write('bad.json', report([closed()]));
    expect((await runShow(['diff', bad, good])).code).toBe(0);
    const worse = await runShow(['diff', good, bad, '--json']);
    expect(worse.code).toBe(1);
    expect(JSON.parse(worse.stdout)).toMatchObject({ worse: true, before: { source: good }, after: { source: bad } });
    expect((await runShow(['diff', good, bad, '--format', 'markdown'])).stdout).toMatch(/^# imap-doctor diff/);
    const piped = await runShow(['diff', '-', bad], `pasted:\n${renderJson(report([healthy()]))}`);
    expect(piped.code).toBe(1);
    expect(piped.stdout).toContain('standard input');
  });

  it('refuses what it cannot compare: exit 2 with one line', async () => {
    const good = write('good2.json', report([healthy()]));
    for (const [args, msg] of [
      [['diff', '-', '-'], /only one of the two reports from standard input/],
      [['diff', good, path.join(tmp, 'nope.json')], /cannot read .*nope\.json \(no such file\)/],
      [['diff', good], /missing required argument 'after'/],
    ] as const) {
      const r = await runShow([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('--redact masks both reports first', async () => {
    const good = write('good3.json', report([healthy()]));
    const bad = write('bad3.json', report([closed()]));
    const r = await runShow(['diff', good, bad, '--redact', '--json']);
    expect(r.stdout).not.toContain('alice@');
    expect(JSON.parse(r.stdout)).toMatchObject({ before: { address: '***@example.com' } });
  });
});
