/**
 * Provider knowledge: recognition by host name, greeting, capability, MX and domain (strongest
 * evidence first, pain-points §1.15), the guard that keeps MX/domain advice off self-hosted
 * servers, and the login advice every provider must carry, rendered through the catalogue.
 */
import { describe, expect, it } from 'vitest';
import { renderEntry } from '../../src/catalogue/index.js';
import { DEFAULT_LOGIN_ADVICE, LOGIN_ADVICE, PROVIDERS, identifiedByServer, identifyProvider, loginAdvice, providerById } from '../../src/knowledge/providers.js';

describe('identifyProvider', () => {
  const cases: Array<[string, Parameters<typeof identifyProvider>[0], string, string]> = [
    ['Gmail host', { host: 'IMAP.Gmail.com.' }, 'google', 'host'],
    ['Gmail greeting', { greeting: '* OK Gimap ready for requests from 192.0.2.1 abc123' }, 'google', 'greeting'],
    ['Microsoft 365 host', { host: 'outlook.office365.com' }, 'microsoft', 'host'],
    ['Exchange Online greeting (base64 backend name)', { greeting: '* OK The Microsoft Exchange IMAP4 service is ready. [TQBXADIAUABSADAAMgBDAEEAMAAwADEAMgA=]' }, 'microsoft', 'greeting'],
    ['iCloud capability', { capabilities: ['IMAP4rev1', 'XAPPLEPUSHSERVICE', 'AUTH=ATOKEN'] }, 'icloud', 'capability'],
    ['iCloud greeting', { greeting: '* OK [CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready to rumble (1B1234a)' }, 'icloud', 'greeting'],
    ['Yahoo greeting', { greeting: '* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] IMAP4rev1 imapgate-1.8.1_01.20166 imap1033.mail.ne1.yahoo.com' }, 'yahoo', 'greeting'],
    ['Zoho greeting', { greeting: '* OK mx.zoho.com IMAP4 Server (Zoho Mail IMAP4rev1 Server version 1.0)' }, 'zoho', 'greeting'],
    ['GMX greeting', { greeting: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] IMAP server ready H miweb104 15.4.2' }, 'gmx', 'greeting'],
    ['Workspace MX', { mxHosts: ['ASPMX.L.GOOGLE.COM.'] }, 'google', 'mx'],
    ['consumer domain', { domain: 'icloud.com' }, 'icloud', 'domain'],
  ];
  it.each(cases)('%s', (_n, input, id, via) => {
    const m = identifyProvider(input);
    expect(m?.provider.id).toBe(id);
    expect(m?.via).toBe(via);
  });

  it('the host name beats the greeting, the greeting beats MX and domain', () => {
    expect(identifyProvider({ host: 'imap.gmail.com', greeting: '* OK [CAPABILITY IMAP4rev1] iSCREAM ready to rumble' })?.via).toBe('host');
    expect(identifyProvider({ greeting: '* OK Gimap ready for requests from x', mxHosts: ['mx.zoho.com'], domain: 'icloud.com' })?.provider.id).toBe('google');
  });

  it('MX and domain are not applied to a server whose greeting names self-hosted software', () => {
    expect(identifyProvider({ greeting: '* OK [CAPABILITY IMAP4rev1] Dovecot ready.', mxHosts: ['aspmx.l.google.com'], domain: 'gmail.com' })).toBeUndefined();
    expect(identifyProvider({ greeting: '* OK Courier-IMAP ready.', domain: 'gmail.com' })).toBeUndefined();
    expect(identifyProvider({ greeting: '* OK imap-doctor lab A ready.', domain: 'gmail.com' })?.via).toBe('domain');
  });

  it('on-premises Exchange (no base64 tag) and unknown servers are not providers', () => {
    expect(identifyProvider({ greeting: '* OK The Microsoft Exchange IMAP4 service is ready.' })).toBeUndefined();
    expect(identifyProvider({ host: 'imap.example.com', greeting: '* OK ready', domain: 'example.com' })).toBeUndefined();
  });

  it('only host, greeting and capability count as the server identifying itself', () => {
    expect(['host', 'greeting', 'capability'].every((via) => identifiedByServer({ via: via as 'host' }))).toBe(true);
    expect(identifiedByServer({ via: 'mx' }) || identifiedByServer({ via: 'domain' })).toBe(false);
  });
});

describe('login advice', () => {
  it('covers every provider, and nothing else', () => {
    expect(Object.keys(LOGIN_ADVICE).sort()).toEqual(PROVIDERS.map((p) => p.id).sort());
  });

  it('ranks the app password first for Gmail, iCloud and Yahoo, OAuth first for Microsoft (pain-points §1.3–1.7)', () => {
    for (const id of ['google', 'icloud', 'yahoo']) expect(loginAdvice(providerById(id)).causes[0]).toBe('app-password');
    expect(loginAdvice(providerById('microsoft')).causes[0]).toBe('oauth-only');
    expect(loginAdvice(undefined)).toBe(DEFAULT_LOGIN_ADVICE);
  });

  it('agrees with each provider\'s login policy', () => {
    for (const p of PROVIDERS) {
      const first = loginAdvice(p).causes[0];
      if (p.login === 'oauth') expect(first, p.id).toBe('oauth-only');
      if (p.login === 'authorization-code') expect(first, p.id).toBe('authorization-code');
      if (p.login === 'app-password') expect(first, p.id).toBe('app-password');
      if (loginAdvice(p).causes.includes('imap-switch')) expect(p.imapSwitch, `${p.id} has an IMAP switch to name`).toBeDefined();
    }
  });

  it.each(PROVIDERS.map((p) => [p.id]))('AUTH_FAILED renders every likely cause for %s, with a fix for each', (id) => {
    const p = providerById(id);
    const causes = loginAdvice(p).causes;
    const t = renderEntry(
      'AUTH_FAILED',
      { user: 'alice@example.com', response: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials', alerts: [], likelyCauses: causes, provider: p?.name ?? id, providerId: id, providerVia: 'host', providerEvidence: p?.imap?.host ?? 'imap.example.com' },
      { host: 'imap.example.com', port: 993 },
    );
    expect(t.fix).toHaveLength(causes.length);
    expect(t.explanation).toMatch(/recognised as .* from its host name/);
    for (const s of [t.title, t.explanation, ...t.fix]) expect(s).not.toMatch(/undefined|\[object Object\]/);
    if (p?.appPasswordUrl && (causes.includes('app-password') || causes.includes('app-password-if-2fa'))) expect(t.fix.join(' ')).toContain(p.appPasswordUrl);
  });
});

describe('no big-provider advice for servers people run themselves', () => {
  it('Dovecot with the push plugin (XAPPLEPUSHSERVICE) is not iCloud; only AUTH=ATOKEN says iCloud', () => {
    expect(identifyProvider({ greeting: '* OK [CAPABILITY IMAP4rev1 XAPPLEPUSHSERVICE AUTH=PLAIN] Dovecot ready.', capabilities: ['IMAP4rev1', 'XAPPLEPUSHSERVICE', 'AUTH=PLAIN'] })).toBeUndefined();
    expect(identifyProvider({ capabilities: ['IMAP4rev1', 'XAPPLEPUSHSERVICE', 'AUTH=ATOKEN'] })?.provider.id).toBe('icloud');
  });
  it('a Coremail greeting alone is not NetEase; NetEase\'s host name is', () => {
    expect(identifyProvider({ greeting: '* OK Coremail System IMap Server Ready(coremail.example.edu)' })).toBeUndefined();
    expect(identifyProvider({ host: 'imap.163.com' })?.provider.id).toBe('netease');
  });
});
