/**
 * The report's `sync` section and how each renderer prints it: the capability table with RFCs,
 * the probe rows, the folder roles, and "For apps and integrations" — the provider's login rule
 * when it is known (else what worked), push or poll, resync, sessions and published limits with
 * their sources. Also: no section without a login that carried the probe.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/render/html.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { endpoint, reportFrom } from '../../helpers/evidence.js';
import { DOVECOT_CAPS, synced, syncEvidence } from '../../helpers/sync-evidence.js';

describe('the sync section', () => {
  it('absent without a sync probe', () => {
    expect(reportFrom([endpoint()]).sync).toBeUndefined();
  });
  it('a self-hosted server: every capability with its RFC, roles, and the login that worked', () => {
    const r = reportFrom([synced()]);
    const s = r.sync;
    expect(s?.endpoint).toBe('imap.example.com:993/tls');
    expect(s?.capabilities.map((c) => `${c.name}:${c.supported}`)).toEqual([
      'IDLE:true',
      'CONDSTORE:true',
      'QRESYNC:true',
      'UIDPLUS:true',
      'MOVE:true',
      'SPECIAL-USE:true',
      'LIST-STATUS:true',
      'ESEARCH:true',
      'UTF8=ACCEPT:false',
      'COMPRESS=DEFLATE:false',
      'NOTIFY:false',
      'QUOTA:true',
    ]);
    expect(s?.capabilities.every((c) => /^RFC \d+$/.test(c.rfc) && c.gives.length > 0)).toBe(true);
    expect(s?.roles.every((x) => x.folder === x.role)).toBe(true);
    expect(s?.integrations).toEqual({
      login: { method: 'password', from: 'this-login', mechanism: 'AUTHENTICATE PLAIN' },
      limits: [],
      push: 'idle',
      incremental: 'qresync',
      sessions: 'not-tested',
    });
  });
  it('a known provider: its login rule; Fastmail: its storage limit with the page it comes from', () => {
    const gmail = reportFrom([synced(syncEvidence(), {}, 'imap.gmail.com')]).sync?.integrations;
    expect(gmail?.login).toMatchObject({
      method: 'app-password',
      from: 'provider',
      provider: 'Google (Gmail / Google Workspace)',
    });
    expect(gmail?.knowledge?.sources.some((x) => x.rule === 'login')).toBe(true);
    const fm = reportFrom([synced(syncEvidence(), {}, 'imap.fastmail.com')]).sync?.integrations;
    expect(fm?.limits).toEqual([
      { rule: 'storage-limit', text: expect.stringMatching(/^Fastmail mail storage is 2 GB/) },
    ]);
    expect(fm?.knowledge?.sources.find((x) => x.rule === 'storage-limit')?.url).toBe(
      'https://www.fastmail.com/help/account/limits.html',
    );
  });
  it('push, resync and sessions follow the evidence', () => {
    const noPush = reportFrom([
      synced(syncEvidence({ idle: { state: 'skipped', reason: 'not-advertised' } }), {
        capabilitiesAfterLogin: DOVECOT_CAPS.filter((c) => !['IDLE', 'CONDSTORE', 'QRESYNC'].includes(c)),
      }),
    ]);
    expect(noPush.sync?.integrations).toMatchObject({ push: 'poll', incremental: 'full-rescan' });
    const broken = reportFrom([
      synced(
        syncEvidence({
          idle: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 },
          idleBreak: 'no-continuation',
        }),
        { capabilitiesAfterLogin: DOVECOT_CAPS.filter((c) => c !== 'QRESYNC') },
      ),
    ]);
    expect(broken.sync?.integrations).toMatchObject({ push: 'idle-broken', incremental: 'condstore' });
    const low = reportFrom([
      synced(syncEvidence(), {
        sessions: {
          requested: 4,
          opened: 2,
          attempts: [
            { ok: true, ms: 1 },
            { ok: false, ms: 1, error: { code: 'CLOSED', message: 'closed' } },
          ],
        },
      }),
    ]);
    expect(low.sync?.integrations.sessions).toBe('limited');
  });
  it('text, Markdown and HTML print the table, the rows and the advice', () => {
    const r = reportFrom([synced(syncEvidence(), {}, 'imap.fastmail.com')]);
    const text = renderText(r, { color: false, verbose: false, quiet: false });
    expect(text).toMatch(
      /Sync readiness  imap\.fastmail\.com:993\/tls · 5 read-only commands after the login, 9 ms\n  ✔ IDLE {14}push: new mail shows up at once {16}RFC 2177\n/,
    );
    expect(text).toContain('  ✔ Push      IDLE → "+" in 3 ms → DONE → OK in 1 ms');
    expect(text).toContain(
      '  ✔ Folders   6 (prefix "", delimiter "/"); Sent → Sent, Drafts → Drafts, Trash → Trash, Junk → Junk, Archive → Archive',
    );
    expect(text).toContain('  ✔ Storage   STORAGE 10 of 100 KiB (10%)');
    expect(text).toMatch(/For apps and integrations\n {2}Login: {7}Fastmail requires an app password/);
    expect(text).toContain('Known limit: Fastmail mail storage is 2 GB');
    expect(text).toContain('(source: https://www.fastmail.com/help/account/limits.html)');
    expect(renderText(r, { color: false, verbose: false, quiet: true })).not.toContain('Sync readiness');
    const md = renderMarkdown(r);
    expect(md).toContain('| QRESYNC | ✅ | resync changes and deletions in one step | RFC 7162 |');
    expect(md).toContain('| NOTIFY | — | push for every folder, not only one | RFC 5465 |');
    expect(md).toContain('- **Push:** IDLE works');
    const html = renderHtml(r);
    expect(html).toContain('<h2 id="integrations">For apps and integrations</h2>');
    expect(html).toContain('<td>RFC 6154</td>');
  });
});
