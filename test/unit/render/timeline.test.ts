/**
 * The timeline built from the stage offsets, the --verbose text timeline, and the HTML report
 * (escaping, no script, no external asset, verdict and root cause first, waterfall bars).
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { esc, renderHtml, withSourceNote } from '../../../src/render/html.js';
import { ROOT } from '../../helpers/paths.js';
import { runShow } from '../../helpers/show.js';
import { renderText } from '../../../src/render/text.js';
import { timelineOf } from '../../../src/render/timeline.js';
import {
  addressProbe,
  candidate,
  cert,
  endpoint,
  greeting,
  LOGGED_IN,
  recordedStarts,
  reportFrom,
  tlsInfo,
} from '../../helpers/evidence.js';

const HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">';

describe('timeline', () => {
  it('places each step at its recorded start, and scales to the run', () => {
    const r = reportFrom([endpoint(candidate(), { login: LOGGED_IN })], { starts: recordedStarts(), durationMs: 200 });
    const t = timelineOf(r);
    expect(t.totalMs).toBe(200);
    expect(t.lanes.map((l) => l.title)).toEqual(['imap.example.com:993 SSL/TLS']);
    expect(t.lanes[0]?.bars.map((b) => `${b.label}@${b.at}+${b.ms}${b.estimated ? '?' : ''}`)).toEqual([
      'DNS@5+1',
      'Connect@7+10',
      'TLS@17+20',
      'Greeting@37+5',
      'Capabilities@42+2',
      'Login@50+80',
    ]);
  });

  it('without recorded starts, places each step after the previous one of its connection, marked estimated', () => {
    const t = timelineOf(reportFrom([endpoint(candidate(), { login: LOGGED_IN })]));
    expect(t.lanes[0]?.bars.map((b) => `${b.label}@${b.at}${b.estimated ? '?' : ''}`)).toEqual([
      'DNS@0?',
      'Connect@1?',
      'TLS@11?',
      'Greeting@31?',
      'Capabilities@36?',
      'Login@38?',
    ]);
    expect(t.totalMs).toBe(118);
  });

  it('--verbose prints one bar per step per endpoint; failed steps are marked', () => {
    const refused = endpoint(
      candidate('imap.example.com', 143, 'starttls'),
      {
        addresses: [
          addressProbe('starttls', { tcp: { state: 'failed', error: { code: 'REFUSED', message: 'refused' }, ms: 3 } }),
        ],
      },
      1,
    );
    const r = reportFrom([endpoint(candidate(), { login: LOGGED_IN }), refused], {
      starts: recordedStarts(),
      durationMs: 200,
    });
    const text = renderText(r, { color: false, verbose: true, quiet: false });
    const tl = text.slice(text.indexOf('Timeline'), text.indexOf('\n\n', text.indexOf('Timeline')));
    expect(tl).toMatch(/^ {4}✔ TLS {12}( +)(█+) +20 ms at 17 ms$/m);
    expect(tl).toMatch(/^ {4}✖ Connect .*3 ms at ~1 ms$/m);
    expect(tl).toContain('  imap.example.com:143 STARTTLS');
    expect(renderText(r, { color: false, verbose: false, quiet: false })).not.toContain('Timeline');
  });
});

describe('html report', () => {
  const hostile = reportFrom(
    [
      endpoint(candidate(), {
        addresses: [
          addressProbe('tls', {
            greeting: { state: 'ok', value: greeting(`* OK ${HOSTILE}`), ms: 5 },
            tls: {
              state: 'ok',
              value: tlsInfo({
                chainVerified: false,
                verifyError: 'CERT_HAS_EXPIRED',
                chain: [cert({ commonName: HOSTILE, validTo: '2021-01-01T00:00:00.000Z' })],
              }),
              ms: 9,
            },
          }),
        ],
        login: { state: 'withheld', reason: 'tls-not-verified' },
      }),
    ],
    { starts: recordedStarts(), durationMs: 120 },
  );

  it('escapes every character that could start markup, and neutralises control characters', () => {
    expect(esc(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&#39;');
    expect(esc('x\u0007y\u202ez')).toBe('x\uFFFDy\uFFFDz');
  });

  it('shows a network string as text: no script, no image, no event handler gets into the markup', () => {
    const html = renderHtml(hostile);
    expect(html).toContain(esc(HOSTILE));
    expect(html).not.toMatch(/<script|<img|<[^>]*\son\w+=/i);
    expect(
      html
        .match(/<[a-z][a-z0-9]*/g)
        ?.filter(
          (t) =>
            ![
              '<html',
              '<head',
              '<meta',
              '<title',
              '<style',
              '<body',
              '<header',
              '<h1',
              '<h2',
              '<h3',
              '<div',
              '<span',
              '<section',
              '<ul',
              '<li',
              '<b',
              '<table',
              '<tr',
              '<th',
              '<td',
              '<code',
              '<pre',
              '<p',
              '<br',
            ].includes(t),
        ),
    ).toEqual([]);
  });

  it('is self-contained: no external asset, no script allowed by its policy', () => {
    const html = renderHtml(hostile);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';/,
    );
    expect(html).not.toMatch(/<[^>]*\s(src|href|action|srcset|poster)=/i);
    expect(html).not.toMatch(/url\(|@import/);
  });

  it('leads with the verdict and the root cause, then checklist, endpoints and waterfall', () => {
    const html = renderHtml(hostile);
    const order = ['id="verdict"', 'id="root-cause"', 'id="checklist"', 'id="endpoints"', 'id="timeline"'].map((x) =>
      html.indexOf(x),
    );
    expect(order.every((x, i) => x > 0 && (i === 0 || x > (order[i - 1] ?? 0)))).toBe(true);
    expect(html).toContain('Root cause: The certificate of imap.example.com:993 expired on 2021-01-01');
    expect(html).toMatch(
      /<div class="bar" data-stage="tls" title="TLS: 9 ms, from 17 ms" style="left:14\.167%;width:7\.500%"><\/div>/,
    );
  });

  it('show --format html: the saved report as the same page, saying first where it came from', async () => {
    const evidence = path.join(ROOT, 'test/corpus/expired.evidence.json');
    const r = await runShow(['show', '--rejudge', evidence, '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^<!DOCTYPE html>\n[\s\S]*<body><p class="source">\(re-judged from .*expired\.evidence\.json: evidence gathered [^<]*\)<\/p>\n<header>/,
    );
    expect(r.stdout).toContain('TLS_CERT_EXPIRED');
    expect(withSourceNote('<body><header>', '<b>&')).toBe('<body><p class="source">&lt;b&gt;&amp;</p>\n<header>');
  });
});
