/**
 * Provider knowledge: recognition by host name, greeting, capability, MX and domain (strongest
 * evidence first), the brand or region chosen per MX (GMX vs WEB.DE, the Zoho regions, AOL vs
 * Yahoo, Outlook.com vs Microsoft 365), the guard that keeps MX/domain advice off self-hosted
 * servers, the likely causes every provider ranks, rendered through the catalogue with the facts
 * and sources the knowledge base gives.
 */
import { describe, expect, it } from 'vitest';
import { renderEntry } from '../../../src/catalogue/index.js';
import { providerAdvice } from '../../../src/knowledge/advice.js';
import {
  DEFAULT_CAUSES,
  PROVIDERS,
  identifiedByServer,
  identifyProvider,
  loginCauses,
  providerById,
  providerImapHost,
  withMailBrand,
  type ProviderMatch,
} from '../../../src/knowledge/providers.js';

describe('identifyProvider', () => {
  const cases: Array<[string, Parameters<typeof identifyProvider>[0], string, string]> = [
    ['Gmail host', { host: 'IMAP.Gmail.com.' }, 'google', 'host'],
    ['Gmail greeting', { greeting: '* OK Gimap ready for requests from 192.0.2.1 abc123' }, 'google', 'greeting'],
    ['Microsoft 365 host', { host: 'outlook.office365.com' }, 'microsoft', 'host'],
    [
      'Exchange Online greeting (base64 backend name)',
      { greeting: '* OK The Microsoft Exchange IMAP4 service is ready. [TQBXADIAUABSADAAMgBDAEEAMAAwADEAMgA=]' },
      'microsoft',
      'greeting',
    ],
    ['iCloud capability', { capabilities: ['IMAP4rev1', 'XAPPLEPUSHSERVICE', 'AUTH=ATOKEN'] }, 'icloud', 'capability'],
    [
      'iCloud greeting',
      {
        greeting:
          '* OK [CAPABILITY XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready to rumble (1B1234a)',
      },
      'icloud',
      'greeting',
    ],
    [
      'Yahoo greeting',
      {
        greeting:
          '* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] IMAP4rev1 imapgate-1.8.1_01.20166 imap1033.mail.ne1.yahoo.com',
      },
      'yahoo',
      'greeting',
    ],
    [
      'Zoho greeting',
      { greeting: '* OK svwall.zoho.com IMAP4 Server (Zoho Mail IMAP4rev1 Server version 1.0)' },
      'zoho',
      'greeting',
    ],
    [
      'QQ Mail greeting',
      {
        greeting:
          '* OK [CAPABILITY IMAP4 IMAP4rev1 IDLE XAPPLEPUSHSERVICE ID UIDPLUS AUTH=LOGIN NAMESPACE] QQMail IMAP4Server ready',
      },
      'qq',
      'greeting',
    ],
    ['Workspace MX', { mxHosts: ['ASPMX.L.GOOGLE.COM.'] }, 'google', 'mx'],
    ['consumer domain', { domain: 'icloud.com' }, 'icloud', 'domain'],
    ['mail.ru host', { host: 'imap.mail.ru' }, 'mailru', 'host'],
    ['T-Online host', { host: 'secureimap.t-online.de' }, 't-online', 'host'],
  ];
  it.each(cases)('%s', (_n, input, id, via) => {
    const m = identifyProvider(input);
    expect(m?.provider.id).toBe(id);
    expect(m?.via).toBe(via);
  });

  it('the host name beats the greeting, the greeting beats MX and domain', () => {
    expect(
      identifyProvider({ host: 'imap.gmail.com', greeting: '* OK [CAPABILITY IMAP4rev1] iSCREAM ready to rumble' })
        ?.via,
    ).toBe('host');
    expect(
      identifyProvider({
        greeting: '* OK Gimap ready for requests from x',
        mxHosts: ['mx.zoho.com'],
        domain: 'icloud.com',
      })?.provider.id,
    ).toBe('google');
  });

  it('MX and domain are not applied to a server whose greeting names self-hosted software', () => {
    expect(
      identifyProvider({
        greeting: '* OK [CAPABILITY IMAP4rev1] Dovecot ready.',
        mxHosts: ['aspmx.l.google.com'],
        domain: 'gmail.com',
      }),
    ).toBeUndefined();
    expect(identifyProvider({ greeting: '* OK Courier-IMAP ready.', domain: 'gmail.com' })).toBeUndefined();
    expect(identifyProvider({ greeting: '* OK imap-doctor lab A ready.', domain: 'gmail.com' })?.via).toBe('domain');
  });

  it('on-premises Exchange (no base64 tag) and unknown servers are not providers', () => {
    expect(identifyProvider({ greeting: '* OK The Microsoft Exchange IMAP4 service is ready.' })).toBeUndefined();
    expect(
      identifyProvider({ host: 'imap.example.com', greeting: '* OK ready', domain: 'example.com' }),
    ).toBeUndefined();
  });

  it('only host, greeting and capability count as the server identifying itself', () => {
    expect(['host', 'greeting', 'capability'].every((via) => identifiedByServer({ via: via as 'host' }))).toBe(true);
    expect(identifiedByServer({ via: 'mx' }) || identifiedByServer({ via: 'domain' })).toBe(false);
  });
});

describe('providerImapHost: the well-known IMAP hosts of the firewall rule', () => {
  it("every brand's own published IMAP endpoint is one, host and port alike", () => {
    const endpoints = PROVIDERS.flatMap((p) => p.brands.flatMap((b) => (b.imap ? [{ p, imap: b.imap }] : [])));
    expect(endpoints.length).toBeGreaterThan(15);
    for (const { p, imap } of endpoints)
      expect(providerImapHost(imap.host, imap.port)?.provider.id, imap.host).toBe(p.id);
  });

  it("names the brand when the host is one brand's, only the provider when brands share it; case and a final dot do not matter", () => {
    expect(providerImapHost('IMAP.web.de.', 993)).toMatchObject({
      provider: { id: 'gmx' },
      brand: { id: 'webde' },
      via: 'host',
    });
    const shared = providerImapHost('outlook.office365.com', 993);
    expect(shared?.provider.id).toBe('microsoft');
    expect(shared?.brand).toBeUndefined();
  });

  it('not a look-alike, another host of the same domain, or a port the provider does not publish', () => {
    for (const [host, port] of [
      ['imap.gmail.com.example.net', 993],
      ['evilimap.gmail.com', 993],
      ['smtp.gmail.com', 993],
      ['imap.gmail.com', 143],
      ['imap.example.com', 993],
    ] as const) {
      expect(providerImapHost(host, port), `${host}:${port}`).toBeUndefined();
    }
  });
});

describe('brands and regions, chosen from the MX (each with its own server)', () => {
  // MX host names as published by each brand (the pattern rests on the ISPDB's domain list).
  const mx: Array<[string, string, string, string | undefined]> = [
    ['GMX (gmx.net)', 'mx00.emig.gmx.net', 'gmx-net', 'imap.gmx.net'],
    ['GMX (gmx.com)', 'mx00.gmx.com', 'gmx-com', 'imap.gmx.com'],
    ['WEB.DE', 'mx-ha03.web.de', 'webde', 'imap.web.de'],
    ['AOL', 'mx-aol.mail.gm0.yahoodns.net', 'aol', 'imap.aol.com'],
    ['Yahoo', 'mta5.am0.yahoodns.net', 'yahoo', 'imap.mail.yahoo.com'],
    ['Outlook.com', 'hotmail-com.olc.protection.outlook.com', 'outlook', 'outlook.office365.com'],
    ['Microsoft 365', 'contoso-com.mail.protection.outlook.com', 'm365', 'outlook.office365.com'],
    ['Zoho US', 'mx.zoho.com', 'zoho-com', 'imap.zoho.com'],
    ['Zoho EU', 'mx.zoho.eu', 'zoho-eu', 'imap.zoho.eu'],
    ['Zoho India', 'mx.zoho.in', 'zoho-in', 'imap.zoho.in'],
    ['Zoho Australia', 'mx.zoho.com.au', 'zoho-au', 'imap.zoho.com.au'],
    ['Zoho Japan', 'mx.zoho.jp', 'zoho-jp', 'imap.zoho.jp'],
    ['Zoho Canada', 'mx.zohocloud.ca', 'zoho-ca', 'imap.zohocloud.ca'],
    ['Zoho Saudi Arabia (no server named by any source)', 'mx.zoho.sa', 'zoho-sa', undefined],
    ['NetEase 126', 'mx.126.com', 'netease-126', 'imap.126.com'],
  ];
  it.each(mx)('%s: MX %s → brand %s, server %s', (_n, host, brand, imap) => {
    const m = identifyProvider({ mxHosts: [host] });
    expect(m?.brand?.id).toBe(brand);
    expect(m?.brand?.imap?.host).toBe(imap);
  });

  it('the brand comes from the address domain too (web.de is not gmx.net; aol.com is not yahoo.com)', () => {
    expect(identifyProvider({ domain: 'web.de' })?.brand?.imap?.host).toBe('imap.web.de');
    expect(identifyProvider({ domain: 'aol.com' })?.brand?.imap?.host).toBe('imap.aol.com');
    expect(identifyProvider({ domain: 'zohocloud.ca' })?.brand?.imap?.host).toBe('imap.zohocloud.ca');
  });

  it("a host shared by brands names no brand; the domain's MX then tells Outlook.com from Microsoft 365", () => {
    const own = identifyProvider({ host: 'outlook.office365.com' }) as ProviderMatch;
    expect(own.brand).toBeUndefined();
    const mail = identifyProvider({ mxHosts: ['hotmail-com.olc.protection.outlook.com'] });
    expect(withMailBrand(own, mail).brand?.id).toBe('outlook');
    expect(
      withMailBrand(own, identifyProvider({ mxHosts: ['contoso-com.mail.protection.outlook.com'] })).brand?.id,
    ).toBe('m365');
  });

  it('a server in another region than the MX keeps its own brand and names the region the mail is in; wrong-region then leads', () => {
    const own = identifyProvider({ host: 'imap.zoho.com' }) as ProviderMatch;
    const m = withMailBrand(own, identifyProvider({ mxHosts: ['mx.zoho.eu'] }));
    expect(m.brand?.id).toBe('zoho-com');
    expect(m.mailBrand?.id).toBe('zoho-eu');
    expect(loginCauses(m)[0]).toBe('wrong-region');
    const { params } = providerAdvice(m, 'AUTH_FAILED', loginCauses(m));
    expect(params).toMatchObject({ expectedHost: 'imap.zoho.eu', mailRegion: 'Zoho Mail (EU data centre, zoho.eu)' });
    const t = renderEntry(
      'AUTH_FAILED',
      {
        ...params,
        likelyCauses: loginCauses(m),
        provider: 'Zoho Mail (US data centre, zoho.com)',
        providerVia: 'host',
        providerEvidence: 'imap.zoho.com',
      },
      { host: 'imap.zoho.com', port: 993 },
    );
    expect(t.title).toContain('your account is in Zoho Mail (EU data centre, zoho.eu)');
    expect(t.fix[0]).toBe(
      'Use imap.zoho.eu, the server of Zoho Mail (EU data centre, zoho.eu), instead of imap.zoho.com.',
    );
    // Same region, or another provider's MX: nothing changes.
    expect(withMailBrand(own, identifyProvider({ mxHosts: ['mx.zoho.com'] })).mailBrand).toBeUndefined();
    expect(withMailBrand(own, identifyProvider({ mxHosts: ['aspmx.l.google.com'] }))).toBe(own);
  });
});

describe('likely causes', () => {
  it('rank the app password first for Gmail, iCloud, Yahoo/AOL, Yandex, mail.ru and T-Online; OAuth first for Microsoft; the password itself without a provider', () => {
    for (const id of ['google', 'icloud', 'yahoo', 'yandex', 'mailru', 't-online', 'fastmail', 'naver'])
      expect(loginCauses({ provider: providerById(id), via: 'host', evidence: '' } as ProviderMatch)[0], id).toBe(
        'app-password',
      );
    expect(loginCauses({ provider: providerById('microsoft'), via: 'host', evidence: '' } as ProviderMatch)[0]).toBe(
      'oauth-only',
    );
    expect(loginCauses(undefined)).toEqual([...DEFAULT_CAUSES]);
  });

  it("agree with each provider's login policy", () => {
    for (const p of PROVIDERS) {
      const first = p.causes[0];
      if (p.login === 'oauth') expect(first, p.id).toBe('oauth-only');
      if (p.login === 'authorization-code') expect(first, p.id).toBe('authorization-code');
      if (p.login === 'app-password') expect(first, p.id).toBe('app-password');
      if (p.login === 'bridge') expect(first, p.id).toBe('bridge-password');
    }
  });

  it.each(PROVIDERS.flatMap((p) => p.brands.map((b) => [p.id, b.id] as const)))(
    'AUTH_FAILED for %s (%s) renders every likely cause, each with a fix, with the facts the entry gives',
    (id, brandId) => {
      const p = providerById(id);
      if (!p) throw new Error(id);
      const brand = p.brands.find((b) => b.id === brandId);
      const m: ProviderMatch = {
        provider: p,
        ...(brand ? { brand } : {}),
        via: 'host',
        evidence: brand?.imap?.host ?? 'imap.example.com',
      };
      const causes = loginCauses(m);
      const { params, knowledge } = providerAdvice(m, 'AUTH_FAILED', causes);
      const t = renderEntry(
        'AUTH_FAILED',
        {
          user: 'alice@example.com',
          response: 'a1 NO [AUTHENTICATIONFAILED] Invalid credentials',
          alerts: [],
          likelyCauses: causes,
          provider: brand?.name ?? p.name,
          providerId: id,
          providerVia: 'host',
          providerEvidence: m.evidence,
          ...params,
        },
        { host: 'imap.example.com', port: 993 },
      );
      expect(t.fix).toHaveLength(causes.length);
      expect(t.explanation).toMatch(/recognised as .* from its host name/);
      for (const s of [t.title, t.explanation, ...t.fix]) expect(s).not.toMatch(/undefined|\[object Object\]/);
      const at = brand?.appPassword ?? p.appPassword;
      if (
        at &&
        (causes.includes('app-password') ||
          causes.includes('app-password-if-2fa') ||
          causes.includes('authorization-code'))
      )
        expect(t.fix.join(' ')).toContain(at);
      if (p.policy || brand?.policy) expect(t.explanation).toContain(brand?.policy ?? p.policy);
      // Every fact used has its rule's sources in the knowledge, and the hosts it was recognised by.
      expect(knowledge.checked).toBe(p.checked);
      expect(knowledge.sources.some((s) => s.rule === 'hosts')).toBe(true);
      if (params.appPasswordAt) expect(knowledge.sources.some((s) => s.rule === 'app-password')).toBe(true);
      if (params.imapSwitch || params.imapAlwaysOn)
        expect(knowledge.sources.some((s) => s.rule === 'imap-switch')).toBe(true);
      if (params.providerPolicy) expect(knowledge.sources.some((s) => s.rule === 'login')).toBe(true);
    },
  );
});

describe('no big-provider advice for servers people run themselves', () => {
  it('Dovecot with the push plugin (XAPPLEPUSHSERVICE) is not iCloud; only AUTH=ATOKEN says iCloud', () => {
    expect(
      identifyProvider({
        greeting: '* OK [CAPABILITY IMAP4rev1 XAPPLEPUSHSERVICE AUTH=PLAIN] Dovecot ready.',
        capabilities: ['IMAP4rev1', 'XAPPLEPUSHSERVICE', 'AUTH=PLAIN'],
      }),
    ).toBeUndefined();
    expect(identifyProvider({ capabilities: ['IMAP4rev1', 'XAPPLEPUSHSERVICE', 'AUTH=ATOKEN'] })?.provider.id).toBe(
      'icloud',
    );
  });
  it("a Coremail greeting alone is not NetEase; NetEase's host name is", () => {
    expect(
      identifyProvider({ greeting: '* OK Coremail System IMap Server Ready(coremail.example.edu)' }),
    ).toBeUndefined();
    expect(identifyProvider({ host: 'imap.163.com' })?.provider.id).toBe('netease');
  });
});
