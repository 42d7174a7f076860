/**
 * `imap-doctor show` on what a ticket system hands back: the report's text is the run's own text
 * whatever was done to the paste (text around it, CRLF, Markdown fences, a BOM, standard input),
 * and every input it cannot trust ends in exit 2 with one line naming the problem. Reports come
 * from the evidence corpus (real lab runs), so they are real reports, not hand-made ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../src/model/report.js';
import { judgeEvidence } from '../../../src/report/judge.js';
import { redactReport } from '../../../src/report/redact.js';
import { renderJson } from '../../../src/render/json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { loadEvidence } from '../../../src/show/load.js';
import { withoutSourceLine } from '../../e2e/round-trip.js';
import { SCENARIOS } from '../../corpus/scenarios.js';
import { runShow, type Shown } from '../../helpers/show.js';

const CORPUS = path.resolve(import.meta.dirname, '../../corpus');
const evidenceText = (name: string) => readFileSync(path.join(CORPUS, `${name}.evidence.json`), 'utf8');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-show-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer): string {
  const f = path.join(tmp, `input-${++n}.txt`);
  writeFileSync(f, content);
  return f;
}

async function reportOf(name: string): Promise<Report> {
  return judgeEvidence(await loadEvidence({ name, text: evidenceText(name) }));
}

const plain = { color: false, verbose: false, quiet: false, width: 0 };

/** Exit 2, one line on stderr, no stack trace, nothing on stdout. */
function refused(r: Shown, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^imap-doctor: /);
  expect(r.stderr).not.toMatch(/\bat \S+ \(|node:internal/);
  expect(r.stderr).toMatch(pattern);
}

describe('show: pasted text', async () => {
  const report = await reportOf('wrong-password');
  const json = renderJson(report);
  const text = renderText(report, plain);
  const crlf = (s: string) => s.replace(/\n/g, '\r\n');
  const variants: Array<[string, string | Buffer]> = [
    ['the JSON as saved', json],
    [
      'text before and after',
      `Hello support,\nmy mail stopped working. Here is what imap-doctor said:\n\n${json}\nThanks,\nAlice\n`,
    ],
    ['CRLF line ends', crlf(json)],
    ['a Markdown code fence', `Report:\n\n\`\`\`json\n${json}\`\`\`\n\nsee above\n`],
    ['a BOM', `\uFEFF${json}`],
    [
      'a BOM, CRLF, a fence and text around it',
      Buffer.from(`\uFEFF${crlf(`Ticket #4711\n\`\`\`\n${json}\`\`\`\n-- \nsent from my phone\n`)}`),
    ],
    [
      'prose with braces and another JSON object before it',
      `My settings were {host: imap, port: 993}.\nThe app said {"error": 42}.\n${json}`,
    ],
    ['the JSON starting in the middle of a line', `report: ${json}`],
  ];
  for (const [label, input] of variants) {
    it(`${label}: the run's own text, apart from the "loaded from" line`, async () => {
      const r = await runShow(['show', file(input)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n')[0]).toMatch(
        /^\(loaded from .*input-\d+\.txt: saved \S+ by imap-doctor \S+; nothing was probed now\)$/,
      );
      expect(withoutSourceLine(r.stdout, 'text')).toBe(text);
    });
  }

  it('from standard input (-), named as such', async () => {
    const r = await runShow(['show', '-'], `pasted:\r\n${crlf(json)}`);
    expect(r.stdout.split('\n')[0]).toMatch(/^\(loaded from standard input: /);
    expect(withoutSourceLine(r.stdout, 'text')).toBe(text);
  });

  it('the same display flags as a live run: --verbose, --quiet, Markdown, JSON', async () => {
    const f = file(json);
    expect(withoutSourceLine((await runShow(['show', f, '--verbose'])).stdout, 'text')).toBe(
      renderText(report, { ...plain, verbose: true }),
    );
    expect(withoutSourceLine((await runShow(['show', f, '--quiet'])).stdout, 'text')).toBe(
      renderText(report, { ...plain, quiet: true }),
    );
    const md = await runShow(['show', f, '--format', 'markdown']);
    expect(md.stdout).toMatch(/^_\(loaded from /);
    expect(withoutSourceLine(md.stdout, 'markdown')).toBe(renderMarkdown(report));
    expect((await runShow(['show', f, '--json'])).stdout).toBe(json);
    const both = await runShow(['show', f, '--verbose', '--quiet']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^imap-doctor: option '--quiet' cannot be used with option '--verbose'/);
  });

  it('a line wrapped inside a string is an error naming the line, never silently repaired', async () => {
    const lines = json.split('\n');
    const at = lines.findIndex((l) => /"explanation": ".{60,}"/.test(l));
    const line = lines[at] as string;
    const cut = line.indexOf(' ', line.indexOf('"explanation": "') + 40);
    lines[at] = `${line.slice(0, cut)}\n${line.slice(cut + 1)}`;
    const r = await runShow(['show', file(`Here it is:\n${lines.join('\n')}`)]);
    refused(r, new RegExp(`line ${at + 2} breaks inside a quoted text: the report was wrapped when it was pasted`));
  });

  it('a paste cut off before its end, a syntax error, no JSON at all: one clear line each', async () => {
    refused(
      await runShow(['show', file(`report:\n${json.slice(0, json.length / 2)}`)]),
      /the JSON that starts on line 2 never ends: the paste looks cut off/,
    );
    const broken = json.replace('"verdict": {', '"verdict" {');
    const line = broken.split('\n').findIndex((l) => l.includes('"verdict" {')) + 1;
    refused(
      await runShow(['show', file(broken)]),
      new RegExp(`not valid JSON at line ${line}, column 13: expected ':' after a property name, found "\\{"`),
    );
    refused(await runShow(['show', file('no report here, sorry\n')]), /no JSON report in it/);
    refused(
      await runShow(['show', file('{"hello": "world"}')]),
      /not an imap-doctor report \(it has no schemaVersion\)/,
    );
    refused(await runShow(['show', path.join(tmp, 'missing.json')]), /cannot read .*missing\.json \(no such file\)/);
    refused(await runShow(['show']), /show needs a file/);
  });
});

describe('subcommands: usage errors', () => {
  it('exit 2 with the prefix, and never echo an option value (a password typed by mistake)', async () => {
    for (const cmd of ['explain', 'show', 'diff']) {
      const r = await runShow([cmd, '--password=Typed-By-Mistake-42']);
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toMatch(/^imap-doctor: unknown option '--password=…'/);
      expect(r.stderr).not.toContain('Typed-By-Mistake-42');
    }
  });
});

describe('show: versions and the schema', async () => {
  const report = await reportOf('expired');
  const value = JSON.parse(renderJson(report)) as Record<string, unknown>;
  const edit = (f: (v: Record<string, unknown>) => void) => {
    const v = structuredClone(value);
    f(v);
    return file(JSON.stringify(v, null, 2));
  };

  it('schemaVersion 1 and 2 both render, to the same text', async () => {
    const v2 = await runShow(['show', edit(() => undefined)]);
    const v1 = await runShow(['show', edit((v) => (v.schemaVersion = 1))]);
    expect(v1.code).toBe(1);
    expect(withoutSourceLine(v1.stdout, 'text')).toBe(withoutSourceLine(v2.stdout, 'text'));
    expect(withoutSourceLine(v1.stdout, 'text')).toBe(renderText(report, plain));
  });

  it('a newer schemaVersion is refused, naming it', async () => {
    refused(
      await runShow(['show', edit((v) => (v.schemaVersion = 3))]),
      /schemaVersion 3, newer than this imap-doctor \(\S+\) reads \(up to 2\): update imap-doctor/,
    );
    refused(
      await runShow(['show', edit((v) => (v.schemaVersion = 'two'))]),
      /schemaVersion "two" is not a report version/,
    );
  });

  it('an invalid report: one line naming the first problem and where it is', async () => {
    refused(
      await runShow(['show', edit((v) => ((v.verdict as { status: string }).status = 'fine'))]),
      /not a valid imap-doctor report \(schemaVersion 2\): verdict\.status must be one of "ok", "warning", "error"/,
    );
    refused(await runShow(['show', edit((v) => delete v.findings)]), /the top level lacks the field "findings"/);
    refused(
      await runShow([
        'show',
        edit((v) => (((v.endpoints as Array<{ port: unknown }>)[0] as { port: unknown }).port = '993')),
      ]),
      /endpoints\[0\]\.port must be of type integer \(it is string\)/,
    );
    refused(
      await runShow(['show', edit((v) => (v.comment = 'added by hand'))]),
      /comment is a field this report version does not define/,
    );
    // Fields added under version 2 are not version 1's.
    refused(
      await runShow([
        'show',
        edit((v) => ((v.schemaVersion = 1), (v.rejudged = { asOf: v.startedAt, gatheredBy: v.tool }))),
      ]),
      /\(schemaVersion 1\): rejudged is a field/,
    );
    refused(
      await runShow(['show', edit((v) => (v.startedAt = 'yesterday'))]),
      /startedAt must be a date and time \(ISO 8601\)/,
    );
  });

  it('saved evidence given to show without --rejudge says what to do', async () => {
    refused(
      await runShow(['show', file(evidenceText('expired'))]),
      /is saved evidence, not a report: imap-doctor show --rejudge/,
    );
  });
});

describe('show --rejudge', async () => {
  const ev = JSON.parse(evidenceText('expired')) as Record<string, unknown>;
  const evFile = (f: (v: Record<string, unknown>) => void) => {
    const v = structuredClone(ev);
    f(v);
    return file(JSON.stringify(v, null, 2));
  };

  it('judges saved evidence, and a report that carries its evidence, to the same report', async () => {
    const direct = await runShow(['show', '--rejudge', evFile(() => undefined), '--json']);
    expect(direct.code).toBe(1);
    const rejudged = JSON.parse(direct.stdout) as Report;
    expect(rejudged.rejudged).toEqual({ asOf: ev.startedAt, gatheredBy: ev.tool });
    const carrying = { ...rejudged, evidence: ev };
    delete carrying.rejudged;
    const viaReport = await runShow([
      'show',
      '--rejudge',
      file(`pasted:\n${JSON.stringify(carrying, null, 2)}`),
      '--json',
    ]);
    expect(JSON.parse(viaReport.stdout)).toEqual(rejudged);
    const text = await runShow(['show', '--rejudge', evFile(() => undefined)]);
    expect(text.stdout.split('\n')[0]).toMatch(
      /^\(re-judged from .*: evidence gathered \S+ by imap-doctor \S+, judged as of \S+; nothing was probed now\)$/,
    );
  });

  it('re-judges version 1 evidence, reading its made-up lookup of a crashed probe as the crash it was', async () => {
    const v1 = structuredClone(ev);
    v1.evidenceVersion = 1;
    const eps = v1.endpoints as Array<Record<string, unknown>>;
    eps[0] = {
      ...eps[0],
      resolve: {
        ms: 0,
        via: 'none',
        a: 'error',
        aaaa: 'error',
        addresses: [],
        error: { code: 'INTERNAL', message: 'TypeError: probe bug' },
      },
      addresses: [],
      login: { state: 'withheld', reason: 'internal-error' },
    };
    const loaded = await loadEvidence({ name: 'v1.json', text: JSON.stringify(v1) });
    expect(loaded.evidenceVersion).toBe(3);
    expect(loaded.endpoints[0]?.resolve).toEqual({
      crashed: 'probe',
      ms: 0,
      addresses: [],
      error: { code: 'INTERNAL', message: 'TypeError: probe bug' },
    });
    const codes = judgeEvidence(loaded).findings.map((f) => f.code);
    expect(codes.filter((c) => c === 'INTERNAL_ERROR')).toHaveLength(1);
    for (const invented of ['DNS_LOOKUP_FAILED', 'DNS_NO_ADDRESS', 'NO_NETWORK']) expect(codes).not.toContain(invented);
  });

  it('refuses an unknown evidence version clearly, either way', async () => {
    refused(
      await runShow(['show', '--rejudge', evFile((v) => (v.evidenceVersion = 4))]),
      /holds evidence version 4; this imap-doctor \(\S+\) re-judges versions 1 to 3 only\. It comes from a newer imap-doctor: update imap-doctor/,
    );
    refused(
      await runShow(['show', '--rejudge', evFile((v) => (v.evidenceVersion = 0))]),
      /evidence version 0; .* It comes from an older imap-doctor: run the diagnosis again/,
    );
    refused(
      await runShow(['show', '--rejudge', evFile((v) => (v.evidenceVersion = '1'))]),
      /not saved imap-doctor evidence \(evidenceVersion "1"\)/,
    );
  });

  it('refuses invalid evidence and a report without evidence, naming the problem', async () => {
    const noHost = (v: Record<string, unknown>) =>
      delete (
        (v.endpoints as Array<{ candidate: Record<string, unknown> }>)[0] as { candidate: Record<string, unknown> }
      ).candidate.host;
    refused(
      await runShow(['show', '--rejudge', evFile(noHost)]),
      /not valid imap-doctor evidence \(version 2\): endpoints\[0\]\.candidate lacks the field "host"/,
    );
    const badOutcome = (v: Record<string, unknown>) =>
      ((
        (v.endpoints as Array<{ addresses: Array<Record<string, unknown>> }>)[0]?.addresses[0] as Record<
          string,
          unknown
        >
      ).tcp = { state: 'failed', ms: 3 });
    refused(
      await runShow(['show', '--rejudge', evFile(badOutcome)]),
      /endpoints\[0\]\.addresses\[0\]\.tcp lacks the field "error"/,
    );
    const report = file(renderJson(await reportOf('expired')));
    refused(
      await runShow(['show', '--rejudge', report]),
      /is a report without evidence: re-run the diagnosis with --save-evidence <file> \(or --include-evidence\)/,
    );
  });

  it('--now takes an ISO date or "now", and only with --rejudge', async () => {
    const f = evFile(() => undefined);
    refused(await runShow(['show', '--rejudge', f, '--now', 'next tuesday']), /--now "next tuesday" is not a date/);
    refused(await runShow(['show', f, '--now', '2030-01-01']), /--now only applies with --rejudge/);
    const now = await runShow(['show', '--rejudge', f, '--now', 'now', '--json']);
    expect(Date.parse(String((JSON.parse(now.stdout) as Report).rejudged?.asOf))).toBeGreaterThan(
      Date.parse(String(ev.startedAt)),
    );
  });
});

describe('show --redact', () => {
  it('masks a report pasted unredacted by the same rules as a live --redact', async () => {
    const report = await reportOf('wrong-password');
    expect(renderJson(report)).toContain('alice@example.test');
    const f = file(renderJson(report));
    const r = await runShow(['show', f, '--redact']);
    expect(withoutSourceLine(r.stdout, 'text')).toBe(renderText(redactReport(report), plain));
    expect(r.stdout).not.toContain('alice@');
    expect(r.stdout).toContain('***@example.test');
    const json = await runShow(['show', f, '--redact', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(renderJson(redactReport(report))));
    expect(json.stdout).not.toMatch(/alice/i);
  });

  it('redacting twice changes nothing, and certificate fingerprints are not taken for IPv6 addresses', async () => {
    const report = await reportOf('healthy-993');
    const once = redactReport(report);
    expect(redactReport(once)).toEqual(once);
    const fp = report.endpoints[0]?.addresses[0]?.tls?.chain[0]?.fingerprint256;
    expect(fp).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(once.endpoints[0]?.addresses[0]?.tls?.chain[0]?.fingerprint256).toBe(fp);
    expect(renderText(once, plain)).not.toContain('***:');
  });

  it('evidence saved by a --redact run re-judges to a redacted report', async () => {
    const r = await runShow([
      'show',
      '--rejudge',
      path.join(CORPUS, 'wrong-password-redacted.evidence.json'),
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/alice/i);
    expect((JSON.parse(r.stdout) as Report).input.options.redact).toBe(true);
  });
});

describe('every corpus report round-trips through show', () => {
  it.each(SCENARIOS.map((s) => s.name))(
    '%s: text, --verbose, --quiet and Markdown as rendered from the report itself',
    async (name) => {
      const report = await reportOf(name);
      const f = file(renderJson(report));
      const modes: Array<[string[], string, string]> = [
        [[], 'text', renderText(report, plain)],
        [['--verbose'], 'text', renderText(report, { ...plain, verbose: true })],
        [['--quiet'], 'text', renderText(report, { ...plain, quiet: true })],
        [['--format', 'markdown'], 'markdown', renderMarkdown(report)],
      ];
      for (const [flags, format, expected] of modes) {
        const r = await runShow(['show', f, ...flags]);
        expect(r.stderr).toBe('');
        expect(withoutSourceLine(r.stdout, format), `${name} ${flags.join(' ')}`).toBe(expected);
      }
    },
  );
});
