/**
 * The sources table of the text report: one row per source with what was asked, the outcome, the
 * time and what it named; plain without colour, ANSI with it, nothing when there was no discovery.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/model/report.js';
import { renderSourcesTable } from '../../../src/render/sources.js';
import { discovery, source } from '../../helpers/discovery.js';

function report(d: Report['discovery']): Report {
  return {
    schemaVersion: 2,
    tool: { name: 'imap-doctor', version: '0.0.0', node: '20' },
    input: { address: 'alice@example.com', domain: 'example.com', options: {} },
    startedAt: '2026-11-26T12:00:00.000Z',
    durationMs: 10,
    discovery: d,
    candidates: [],
    endpoints: [],
    network: { references: [], clock: [] },
    findings: [],
    verdict: { status: 'ok', working: null, summary: '', tally: { error: 0, warning: 0, info: 0, ok: 0 } },
  };
}

const d = discovery(
  [
    source('srv-imaps', { ms: 12 }, ['imap imap.example.com:993/tls']),
    source('srv-imap', { status: 'service-disabled' }),
    source('autoconfig', {
      status: 'tls-error',
      error: { code: 'HTTP_TLS', message: 'x', rawCode: 'CERT_HAS_EXPIRED' },
    }),
    source('autoconfig-http', {}, ['imap imap.hoster.net:993/tls']),
    source('ispdb', { status: 'not-found', httpStatus: 404 }),
    source('mx', {
      status: 'found',
      facts: {
        mxHosts: ['aspmx.l.google.com', 'alt1.aspmx.l.google.com', 'alt2.aspmx.l.google.com'],
        provider: 'google',
      },
    }),
    source('autodiscover', { status: 'timeout' }),
    source('mx-ispdb', {}, ['pop3 pop.hoster.net:995/tls']),
  ],
  { provider: { id: 'google', name: 'Google', via: 'mx', evidence: 'aspmx.l.google.com' } },
);

describe('renderSourcesTable', () => {
  it('one aligned row per source, in evidence order', () => {
    const lines = renderSourcesTable(report(d), { color: false });
    expect(lines[0]).toBe('Where the settings for example.com were looked for (mail handled by Google):');
    expect(lines).toHaveLength(9);
    expect(lines[1]).toMatch(
      /^ {2}✔ SRV _imaps +_imaps\._tcp\.example\.com SRV +found +12 ms {2}imap\.example\.com:993 SSL\/TLS$/,
    );
    expect(lines[2]).toMatch(/· SRV _imap .* not offered \("\."\)/);
    expect(lines[3]).toMatch(/! autoconfig .* TLS error \(CERT_HAS_EXPIRED\)/);
    expect(lines[4]).toMatch(/! autoconfig \(http\) .* found, unverified \(http\) .* imap\.hoster\.net:993 SSL\/TLS$/);
    expect(lines[5]).toMatch(/· ISPDB .* not found \(HTTP 404\)/);
    expect(lines[6]).toMatch(/MX .* aspmx\.l\.google\.com, alt1\.aspmx\.l\.google\.com, … → google$/);
    expect(lines[7]).toMatch(/✖ Autodiscover .* timeout/);
    expect(lines[8]).toMatch(/ISPDB via MX .* POP3 only: pop\.hoster\.net:995 SSL\/TLS$/);
    const cols = lines.slice(1).map((l) => l.indexOf(' ms'));
    expect(new Set(cols).size).toBe(1);
  });

  it('colours only on request, ASCII marks on request, nothing without discovery', () => {
    expect(renderSourcesTable(report(d), { color: false }).join('\n')).not.toMatch(/\u001b\[/);
    expect(renderSourcesTable(report(d), { color: true }).join('\n')).toMatch(/\u001b\[/);
    expect(renderSourcesTable(report(d), { color: false, ascii: true })[1]).toMatch(/^ {2}\+ SRV _imaps/);
    expect(renderSourcesTable(report(null), { color: false })).toEqual([]);
  });

  it('prints the catalogue words for a reason code, with the details the facts carry', () => {
    const row = (x: ReturnType<typeof source>) => renderSourcesTable(report(discovery([x])), { color: false })[1] ?? '';
    expect(row(source('ispdb', { status: 'disabled', facts: { reason: 'no-ispdb' } }))).toMatch(
      /ISPDB .* off .* --no-ispdb$/,
    );
    expect(row(source('guess', { status: 'skipped', facts: { reason: 'settings-published' } }))).toMatch(
      /settings were published$/,
    );
    const refusedSrv = source('autodiscover-srv', {
      status: 'skipped',
      refused: [{ target: '192.0.2.7:8443', reason: 'ip-literal' }],
      facts: { reason: 'unverified-target-refused' },
    });
    expect(row(refusedSrv)).toMatch(/192\.0\.2\.7:8443 named by an unverified SRV record: not connected to$/);
    expect(
      row(
        source('autodiscover', {
          facts: { reason: 'redirect-url-not-followed', redirectUrl: 'https://elsewhere.example.net/a.xml' },
        }),
      ),
    ).toMatch(/redirects to the URL https:\/\/elsewhere\.example\.net\/a\.xml; not followed$/);
    expect(
      row(source('autodiscover', { status: 'http-error', httpStatus: 401, facts: { reason: 'asks-credentials' } })),
    ).toMatch(/asks for credentials \(imap-doctor never sends them to Autodiscover\)$/);
  });
});
