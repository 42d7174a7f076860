/**
 * Output hygiene: strings from the network (greeting, ALERT, STARTTLS injection, settings-file
 * fields, MX names, server replies) and from the user reach text, Markdown and HTML only with their
 * control characters made visible, so a hostile server cannot clear the screen, retitle the window
 * or write the clipboard (OSC 52). JSON keeps the data (its own escaping makes it inert).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DiscoveryEvidence } from '../../../src/model/discovery.js';
import { diffReports } from '../../../src/report/diff.js';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../../../src/render/diff.js';
import { renderHtml } from '../../../src/render/html.js';
import { renderJson } from '../../../src/render/json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { visible } from '../../../src/render/visible.js';
import { addressProbe, candidate, endpoint, greeting, reportFrom } from '../../helpers/evidence.js';
import { fuzzParams } from '../../fuzz/params.js';

/** Everything a terminal or Markdown viewer would act on: C0 except \n and \t, DEL, C1, bidi and line separators. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const CLEAR = '\u001b[2J\u001b[H';
const TITLE = '\u001b]0;pwned\u0007';
const CLIPBOARD = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const C1 = '\u009b31m';
const BIDI = '\u202eevil\u202c';
const hostile = `${CLEAR}${TITLE}${CLIPBOARD}${C1}${BIDI}\rfake line`;

function hostileReport() {
  const discovery: DiscoveryEvidence = {
    domain: 'example.com',
    resolverWorking: true,
    sources: [
      {
        source: 'autoconfig',
        query: 'https://autoconfig.example.com/mail/config-v1.1.xml',
        status: 'invalid',
        ms: 3,
        servers: [],
        trust: 'trusted',
        trustReason: 'https-domain',
        invalid: { reason: 'not-xml', detail: hostile },
        facts: { displayName: hostile, enableUrl: hostile },
      },
      {
        source: 'mx',
        query: 'example.com MX',
        status: 'found',
        ms: 2,
        servers: [],
        trust: 'trusted',
        trustReason: 'known-provider',
        facts: { mxHosts: [`mx${hostile}.example.com`] },
      },
    ],
  };
  const a = addressProbe('starttls', {
    greeting: { state: 'ok', value: { ...greeting(`* OK ${hostile}`), text: hostile }, ms: 1 },
    starttls: {
      state: 'ok',
      value: {
        advertised: true,
        response: { status: 'OK', text: hostile, line: `a2 OK ${hostile}` },
        injectedBytes: 12,
        injectedSample: hostile,
      },
      ms: 1,
    },
    transcript: [{ t: 1, dir: 's', layer: 'plain', text: hostile }],
  });
  return reportFrom(
    [
      endpoint(candidate('imap.example.com', 143, 'starttls'), {
        addresses: [a],
        login: {
          state: 'attempted',
          attempt: {
            address: '192.0.2.10',
            ms: 5,
            ok: false,
            alerts: [hostile],
            bye: hostile,
            credentialsRejected: true,
            response: { status: 'NO', code: 'ALERT', text: hostile, line: `a1 NO [ALERT] ${hostile}` },
          },
        },
      }),
    ],
    { discovery },
  );
}

describe('control characters from the network are made visible', () => {
  it('in the text report (colour off and on), the Markdown report and the HTML page', () => {
    const r = hostileReport();
    for (const out of [
      renderText(r, { color: false, verbose: true, quiet: false }),
      renderMarkdown(r),
      renderHtml(r),
    ]) {
      expect(out).not.toMatch(RAW_CONTROL);
      expect(out).toContain('\\x1b]52;c;');
      expect(out).toContain('\\u202e');
    }
    // With colour on the only escape sequences are the renderer's own SGR codes.
    const coloured = renderText(r, { color: true, verbose: true, quiet: false });
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW_CONTROL);
  });

  it("show and diff of saved reports (anyone's files) print them made visible too", () => {
    const clean = reportFrom([endpoint()]);
    const d = diffReports(clean, hostileReport(), { before: `before${CLEAR}.json`, after: `after${TITLE}.json` });
    for (const out of [renderDiffText(d, { color: false }), renderDiffMarkdown(d), renderDiffJson(d)])
      expect(out).not.toMatch(RAW_CONTROL);
  });

  it('JSON keeps the data as it came, escaped by JSON itself', () => {
    const json = renderJson(hostileReport());
    expect(json).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json).endpoints[0].login.alerts[0]).toBe(hostile);
  });

  it('visible() shows every hidden character as an escape, keeps newlines and tabs, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const v = visible(s);
        expect(v).not.toMatch(RAW_CONTROL);
        expect(visible(v)).toBe(v);
        expect(v.split('\n').length).toBe(s.split('\n').length);
        expect(v.replace(/\\x[0-9a-f]{2}|\\u[0-9a-f]{4}/g, '')).toBe(
          s.replace(new RegExp(RAW_CONTROL.source, 'g'), '').replace(/\\x[0-9a-f]{2}|\\u[0-9a-f]{4}/g, ''),
        );
      }),
      fuzzParams(),
    );
  });
});
