/**
 * Snapshot tests of the text and Markdown renderers over fixed reports built from hand-made
 * evidence (colour off and on). A changed snapshot is a changed user-visible output: review it.
 */
import { describe, expect, it } from 'vitest';
import type { EndpointEvidence } from '../../../src/model/evidence.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { renderJson } from '../../../src/render/json.js';
import { addressProbe, candidate, cert, endpoint, reportFrom, tlsInfo } from '../../helpers/evidence.js';

function report(endpoints: EndpointEvidence[], credentials: 'password' | null = 'password') {
  return reportFrom(endpoints, { credentials, durationMs: 1234 });
}

const healthy = report([
  endpoint(candidate('imap.example.com', 993, 'tls', { portGuessed: true }), {
    login: {
      state: 'attempted',
      attempt: {
        address: '192.0.2.10',
        ms: 80,
        ok: true,
        alerts: [],
        credentialsRejected: false,
        mechanism: 'AUTHENTICATE PLAIN',
        mailbox: { state: 'ok', value: { name: 'INBOX', exists: 3, readOnly: true }, ms: 4 },
      },
    },
  }),
]);

const expired = report([
  endpoint(candidate('imap.example.com', 993, 'tls'), {
    addresses: [
      addressProbe('tls', {
        tls: {
          state: 'ok',
          value: tlsInfo({
            chainVerified: false,
            verifyError: 'CERT_HAS_EXPIRED',
            chain: [cert({ validTo: '2021-01-01T00:00:00.000Z' })],
          }),
          ms: 9,
        },
      }),
    ],
    login: { state: 'withheld', reason: 'tls-not-verified' },
  }),
]);

const wrongPassword = report([
  endpoint(candidate('imap.example.com', 993, 'tls'), {
    login: {
      state: 'attempted',
      attempt: {
        address: '192.0.2.10',
        ms: 510,
        ok: false,
        alerts: [],
        credentialsRejected: true,
        mechanism: 'AUTHENTICATE PLAIN',
        response: {
          status: 'NO',
          code: 'AUTHENTICATIONFAILED',
          text: 'Authentication failed.',
          line: '2 NO [AUTHENTICATIONFAILED] Authentication failed.',
        },
      },
    },
  }),
]);

describe('text renderer', () => {
  it.each([
    ['healthy', healthy],
    ['expired', expired],
    ['wrong password', wrongPassword],
  ])('%s, colour off', (name, r) => {
    expect(renderText(r, { color: false, verbose: false, quiet: false })).toMatchSnapshot();
  });

  it('verbose lists what passed; quiet keeps only verdict, problems and settings', () => {
    expect(renderText(healthy, { color: false, verbose: true, quiet: false })).toMatchSnapshot();
    const q = renderText(expired, { color: false, verbose: false, quiet: true });
    expect(q).toMatchSnapshot();
    expect(q).not.toContain('Fix:');
  });

  it('colour on uses ANSI codes, colour off never does', () => {
    const on = renderText(expired, { color: true, verbose: false, quiet: false });
    expect(on).toMatch(/\u001b\[31m✖/);
    expect(on).toMatchSnapshot();
    expect(renderText(expired, { color: false, verbose: true, quiet: false })).not.toMatch(/\u001b\[/);
  });

  it('ascii symbols on request', () => {
    expect(renderText(expired, { color: false, verbose: false, quiet: true, ascii: true })).toMatch(
      /^x The certificate/m,
    );
  });

  it('wraps explanations at the terminal width', () => {
    const t = renderText(expired, { color: false, verbose: false, quiet: false, width: 60 });
    const problems = t.slice(t.indexOf('Problems'));
    for (const line of problems.split('\n').filter((l) => l.startsWith('    ') && !l.includes('`')))
      expect(line.length).toBeLessThanOrEqual(64);
  });
});

describe('markdown renderer', () => {
  it.each([
    ['healthy', healthy],
    ['expired', expired],
  ])('%s', (name, r) => {
    const md = renderMarkdown(r);
    expect(md).toMatchSnapshot();
    expect(md.indexOf(r.verdict.summary.slice(0, 20))).toBeLessThan(md.indexOf('## Checklist'));
    expect(md).toContain('<details>');
  });
});

describe('json renderer', () => {
  it('is the report itself, schemaVersion first', () => {
    const j = renderJson(expired);
    expect(j.startsWith('{\n  "schemaVersion": 2,')).toBe(true);
    expect(JSON.parse(j)).toEqual(JSON.parse(JSON.stringify(expired)));
  });
});

describe('text renderer: consequences', () => {
  it('prints a consequence sentence that repeats per port once, with its ports; a single one unchanged', () => {
    const r = structuredClone(expired);
    const root = r.findings.find((f) => f.severity === 'error' && !f.causedBy);
    expect(root).toBeDefined();
    const follow = (port: number, security: 'tls' | 'starttls', title: string) => ({
      ...structuredClone(root!),
      code: 'DNS_NO_ADDRESS' as NonNullable<typeof root>['code'],
      title,
      subject: { host: 'imap.example.com', port, security },
      causedBy: root!.code,
    });
    r.findings.splice(
      r.findings.indexOf(root!) + 1,
      0,
      follow(993, 'tls', 'The server name imap.example.com does not resolve to any address'),
      follow(143, 'starttls', 'The server name imap.example.com does not resolve to any address'),
      follow(993, 'tls', 'Something only on one port'),
    );
    const text = renderText(r, { color: false, verbose: false, quiet: false, width: 0 });
    const lines = text.split('\n').filter((l) => l.includes('Because of this:'));
    expect(lines.filter((l) => l.includes('imap.example.com does not resolve'))).toEqual([
      '    Because of this: The server name imap.example.com does not resolve to any address (on 993 SSL/TLS, 143 STARTTLS).',
    ]);
    expect(lines).toContain('    Because of this: Something only on one port.');
  });
});
