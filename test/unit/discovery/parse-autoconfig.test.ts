import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAutoconfig } from '../../../src/discovery/parse-autoconfig.js';
import type { ParsedConfig, ParseResult, ServerSetting } from '../../../src/model/discovery.js';

const who = { address: 'alice@example.test', localPart: 'alice', domain: 'example.test' };

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/autoconfig/${name}`, import.meta.url), 'utf8');
}

function parsed(name: string): ParsedConfig {
  const result = parseAutoconfig(fixture(name), who);
  if (!result.ok)
    throw new Error(`${name}: expected ok, got ${result.reason} ${result.detail ?? result.why?.code ?? ''}`);
  return result.config;
}

const imaps = (extra: Partial<ServerSetting> = {}): ServerSetting => ({
  protocol: 'imap',
  type: 'imap',
  host: 'imap.example.test',
  port: 993,
  security: 'tls',
  rawSecurity: 'SSL',
  ...extra,
});

describe('parseAutoconfig: valid documents', () => {
  it('keeps several incoming and outgoing servers in document (preference) order', () => {
    const user = { username: 'alice@example.test' };
    expect(parsed('multi-incoming.xml')).toStrictEqual({
      providerId: 'example.test',
      displayName: 'Example Mail',
      domains: ['example.test', 'example-mail.test'],
      incoming: [
        imaps({ ...user, authentication: ['password-cleartext'] }),
        {
          protocol: 'imap',
          type: 'imap',
          host: 'imap.example.test',
          port: 143,
          security: 'starttls',
          rawSecurity: 'STARTTLS',
          ...user,
          authentication: ['password-encrypted'],
        },
        {
          protocol: 'pop3',
          type: 'pop3',
          host: 'pop.example.test',
          port: 995,
          security: 'tls',
          rawSecurity: 'SSL',
          ...user,
          authentication: ['password-cleartext'],
        },
      ],
      outgoing: [
        {
          protocol: 'smtp',
          type: 'smtp',
          host: 'smtp.example.test',
          port: 465,
          security: 'tls',
          rawSecurity: 'SSL',
          ...user,
          authentication: ['password-cleartext'],
        },
        {
          protocol: 'smtp',
          type: 'smtp',
          host: 'smtp.example.test',
          port: 587,
          security: 'starttls',
          rawSecurity: 'STARTTLS',
          ...user,
          authentication: ['password-cleartext'],
        },
      ],
      problems: [],
      documentationUrls: ['https://help.example.test/imap', 'https://help.example.test/smtp'],
    } satisfies ParsedConfig);
  });

  it('fills %EMAILLOCALPART% and %EMAILDOMAIN% in usernames and hostnames', () => {
    const config = parsed('localpart-username.xml');
    expect(config.incoming).toStrictEqual([
      {
        protocol: 'imap',
        type: 'imap',
        host: 'mail.example.test',
        port: 993,
        security: 'tls',
        rawSecurity: 'SSL',
        username: 'alice',
        authentication: ['password-cleartext'],
      },
    ]);
    expect(config.outgoing).toStrictEqual([
      {
        protocol: 'smtp',
        type: 'smtp',
        host: 'example.test',
        port: 587,
        security: 'starttls',
        rawSecurity: 'STARTTLS',
        username: 'alice.example.test',
        authentication: ['password-cleartext'],
      },
    ]);
    expect(config.problems).toEqual([]);
  });

  it('keeps a server with socketType TLS as unknown and says so; a missing socketType likewise', () => {
    const config = parsed('sockettype-tls.xml');
    expect(config.incoming).toStrictEqual([
      imaps({
        security: 'unknown',
        rawSecurity: 'TLS',
        username: 'alice@example.test',
        authentication: ['password-cleartext'],
      }),
    ]);
    expect(config.outgoing).toStrictEqual([
      {
        protocol: 'smtp',
        type: 'smtp',
        host: 'smtp.example.test',
        port: 587,
        security: 'unknown',
        username: 'alice@example.test',
        authentication: ['password-cleartext'],
      },
    ]);
    expect(config.problems).toStrictEqual([
      { code: 'unknown-socket-type', where: 'incomingServer[0].socketType', value: 'TLS' },
      { code: 'missing-field', where: 'outgoingServer[0].socketType' },
    ]);
  });

  it('takes the first socketType it understands, matching case-insensitively but keeping the raw text', () => {
    const config = parsed('two-sockettypes.xml');
    expect(config.incoming.map((s) => [s.port, s.security, s.rawSecurity])).toEqual([
      [143, 'starttls', 'starttls'],
      [993, 'tls', 'SSL'],
    ]);
    expect(config.outgoing).toStrictEqual([
      {
        protocol: 'smtp',
        type: 'smtp',
        host: 'smtp.example.test',
        port: 25,
        security: 'plain',
        rawSecurity: 'Plain',
        authentication: ['none'],
      },
    ]);
    expect(config.problems).toEqual([]);
  });

  it('keeps authentication methods raw and in order, and reads <enable visiturl> outside emailProvider', () => {
    const config = parsed('oauth2.xml');
    expect(config.incoming[0]?.authentication).toEqual(['OAuth2', 'password-cleartext']);
    expect(config.outgoing[0]?.authentication).toEqual(['OAuth2', 'SCRAM-SHA-256-PLUS', 'password-cleartext']);
    expect(config.enableUrl).toBe('https://example.test/settings?tab=imap&lang=en');
    expect(config.displayName).toBe('OAuth provider');
  });

  it('accepts version 1.2 with a url-only incoming server of an unknown type', () => {
    const config = parsed('version-1.2.xml');
    expect(config.domains).toEqual(['example.test']);
    expect(config.incoming).toStrictEqual([
      {
        protocol: 'other',
        type: 'jmap',
        host: 'jmap.example.test',
        port: 443,
        security: 'tls',
        username: 'alice@example.test',
        authentication: ['OAuth2'],
      },
      imaps({
        username: 'alice@example.test',
        authentication: ['SCRAM-SHA-256-PLUS', 'password-cleartext'],
        sasl: ['SCRAM-SHA-256-PLUS'],
      }),
    ]);
    expect(config.outgoing.map((s) => s.host)).toEqual(['smtp.example.test']);
    expect(config.problems).toEqual([]);
    expect(config.oauth2).toBeUndefined();
  });

  it('reads the 1.2 <oAuth2> element and repeated <authentication system=…> in order, never the client secret', () => {
    const config = parsed('version-1.2-oauth.xml');
    expect(config.oauth2).toStrictEqual({
      issuer: 'https://login.example.test',
      authURL: 'https://login.example.test/authorize',
      tokenURL: 'https://login.example.test/token',
      scope: 'IMAP SMTP offline_access',
      clientID: 'open',
    });
    expect(JSON.stringify(config)).not.toContain('give-me-your-password');
    const imap = config.incoming.find((x) => x.protocol === 'imap');
    expect(imap?.authentication).toEqual(['OAuth2', 'OAUTHBEARER', 'scram-sha-256', 'password-cleartext']);
    expect(imap?.sasl).toEqual(['OAUTHBEARER', 'SCRAM-SHA-256']);
  });

  it('ignores unknown elements and namespaced extensions; nntp becomes protocol other', () => {
    const config = parsed('unknown-elements.xml');
    expect(config.incoming).toStrictEqual([
      imaps({ username: 'alice@example.test', authentication: ['password-cleartext'] }),
      { protocol: 'other', type: 'nntp', host: 'news.example.test', port: 563, security: 'tls', rawSecurity: 'SSL' },
    ]);
    expect(config.outgoing).toStrictEqual([
      {
        protocol: 'smtp',
        type: 'smtp',
        host: 'smtp.example.test',
        port: 587,
        security: 'starttls',
        rawSecurity: 'STARTTLS',
        authentication: ['client-IP-address'],
      },
    ]);
    expect(config.problems).toEqual([]);
  });

  it('reads a body that starts with a UTF-8 byte-order mark', () => {
    const body = fixture('bom.xml');
    expect(body.charCodeAt(0)).toBe(0xfeff);
    expect(parseAutoconfig(body, who)).toStrictEqual(parseAutoconfig(fixture('localpart-username.xml'), who));
  });

  it('reads CRLF line endings exactly like LF', () => {
    const body = fixture('crlf.xml');
    expect(body).toContain('\r\n');
    expect(parseAutoconfig(body, who)).toStrictEqual(parseAutoconfig(fixture('multi-incoming.xml'), who));
  });

  it('uses the first of several emailProviders', () => {
    const config = parsed('two-providers.xml');
    expect(config.providerId).toBe('first.example.test');
    expect(config.incoming.map((s) => s.host)).toEqual(['imap.first.example.test']);
    expect(config.outgoing).toEqual([]);
  });

  it('takes host, port and security from a url when there is no hostname', () => {
    const config = parsed('url-only.xml');
    expect(config.incoming).toStrictEqual([
      {
        protocol: 'imap',
        type: 'imap',
        host: 'outlook.example.test',
        port: 993,
        security: 'tls',
        rawSecurity: 'SSL',
        username: 'alice@example.test',
        authentication: ['OAuth2'],
      },
      {
        protocol: 'other',
        type: 'ews',
        host: 'outlook.example.test',
        port: 443,
        security: 'tls',
        username: 'alice@example.test',
        authentication: ['OAuth2'],
      },
      { protocol: 'other', type: 'owa', host: 'owa.example.test', port: 8080, security: 'plain' },
      {
        protocol: 'other',
        type: 'exchange',
        host: 'outlook.example.test',
        port: 443,
        security: 'tls',
        rawSecurity: 'SSL',
      },
    ]);
    expect(config.problems).toStrictEqual([
      { code: 'bad-hostname', where: 'incomingServer[3].url', value: 'ftp://graph.example.test/' },
    ]);
  });
});

describe('parseAutoconfig: defective servers are skipped or flagged, the rest kept', () => {
  it('refuses a hostname with %REALNAME%, flags unfilled usernames but keeps those servers', () => {
    const config = parsed('realname-host.xml');
    expect(config.incoming).toStrictEqual([
      imaps({ username: '%REALNAME%' }),
      {
        protocol: 'pop3',
        type: 'pop3',
        host: 'pop.example.test',
        port: 995,
        security: 'tls',
        rawSecurity: 'SSL',
        username: '%EMAILADDRESS',
      },
    ]);
    expect(config.outgoing.map((s) => s.username)).toEqual(['alice']);
    expect(config.problems).toStrictEqual([
      { code: 'unfilled-placeholder', where: 'incomingServer[0].hostname', value: '%REALNAME%.example.test' },
      { code: 'unfilled-placeholder', where: 'incomingServer[1].username', value: '%REALNAME%' },
      { code: 'unfilled-placeholder', where: 'incomingServer[2].username', value: '%EMAILADDRESS' },
    ]);
  });

  it('skips ports outside 1–65535, non-numeric and missing ports', () => {
    const config = parsed('bad-ports.xml');
    expect(config.incoming).toStrictEqual([imaps()]);
    expect(config.outgoing).toEqual([]);
    expect(config.problems).toStrictEqual([
      { code: 'bad-port', where: 'incomingServer[0].port', value: '0' },
      { code: 'bad-port', where: 'incomingServer[1].port', value: '70000' },
      { code: 'bad-port', where: 'incomingServer[2].port', value: 'imaps' },
      { code: 'missing-field', where: 'incomingServer[3].port' },
      { code: 'bad-port', where: 'outgoingServer[0].port', value: '-25' },
    ]);
  });

  it('skips hostnames that are neither DNS names nor IPs; normalises IPv6, IDN and a trailing dot', () => {
    const config = parsed('bad-hostnames.xml');
    expect(config.incoming.map((s) => s.host)).toEqual(['192.0.2.10', '2001:db8::1', 'mail.xn--bcher-kva.test']);
    expect(config.problems).toStrictEqual([
      { code: 'bad-hostname', where: 'incomingServer[0].hostname', value: 'imap example.test' },
      { code: 'bad-hostname', where: 'incomingServer[1].hostname', value: '-imap.example.test' },
      { code: 'bad-hostname', where: 'incomingServer[2].hostname', value: 'https://imap.example.test/' },
      { code: 'missing-field', where: 'incomingServer[3].hostname' },
      { code: 'missing-field', where: 'incomingServer[7].type' },
    ]);
  });

  it('lower-cases hostnames after filling placeholders', () => {
    const body = fixture('localpart-username.xml');
    const result = parseAutoconfig(body, { address: 'Bob@Example.TEST', localPart: 'Bob', domain: 'Example.TEST' });
    expect(result.ok && result.config.incoming[0]).toMatchObject({ host: 'mail.example.test', username: 'Bob' });
  });

  it('flags a hostname that becomes invalid only after filling', () => {
    const body = fixture('localpart-username.xml').replace('mail.%EMAILDOMAIN%', '%EMAILLOCALPART%.%EMAILDOMAIN%');
    const result = parseAutoconfig(body, { address: 'a+b@example.test', localPart: 'a+b', domain: 'example.test' });
    expect(result.ok && result.config.problems).toStrictEqual([
      { code: 'bad-hostname', where: 'incomingServer[0].hostname', value: 'a+b.example.test' },
    ]);
  });
});

describe('parseAutoconfig: unusable bodies', () => {
  const cases: [string, ParseResult][] = [
    ['empty.xml', { ok: false, reason: 'empty' }],
    ['whitespace.xml', { ok: false, reason: 'empty' }],
    ['html-login.html', { ok: false, reason: 'html', why: { code: 'html-root', element: 'html' } }],
    ['html-comment-first.html', { ok: false, reason: 'html', why: { code: 'html-root', element: 'html' } }],
    ['html-login-doctype.html', { ok: false, reason: 'doctype', why: { code: 'html-doctype' } }],
    ['billion-laughs.xml', { ok: false, reason: 'doctype', why: { code: 'declaration', kind: 'DOCTYPE' } }],
    ['external-entity.xml', { ok: false, reason: 'doctype', why: { code: 'declaration', kind: 'DOCTYPE' } }],
    ['entity-without-doctype.xml', { ok: false, reason: 'doctype', why: { code: 'declaration', kind: 'ENTITY' } }],
    [
      'truncated.xml',
      {
        ok: false,
        reason: 'not-xml',
        why: { code: 'xml-error', message: "Closing tag 'in' doesn't have proper closing.", line: 15, column: 9 },
      },
    ],
    ['wrong-root.xml', { ok: false, reason: 'no-client-config', why: { code: 'root-element', element: 'config' } }],
    [
      'no-email-provider.xml',
      { ok: false, reason: 'no-client-config', why: { code: 'no-element', element: 'emailProvider' } },
    ],
    ['no-incoming.xml', { ok: false, reason: 'no-incoming-server' }],
  ];
  it.each(cases)('%s', (name, expected) => {
    expect(parseAutoconfig(fixture(name), who)).toStrictEqual(expected);
  });

  it('refuses a 300 KiB document by its UTF-8 size, and reads it with a larger maxBytes', () => {
    const valid = fixture('multi-incoming.xml');
    const padded = valid.replace('<clientConfig', `<!-- ${'x'.repeat(300 * 1024)} -->\n<clientConfig`);
    const bytes = Buffer.byteLength(padded, 'utf8');
    expect(parseAutoconfig(padded, who)).toStrictEqual({
      ok: false,
      reason: 'too-large',
      why: { code: 'over-limit', bytes, limit: 262144 },
    });
    expect(parseAutoconfig(padded, who, { maxBytes: 512 * 1024 })).toStrictEqual(parseAutoconfig(valid, who));
  });

  it('counts UTF-8 bytes, not characters, against maxBytes', () => {
    const body = `<clientConfig><emailProvider id="é"/></clientConfig>`;
    const chars = body.length;
    expect(Buffer.byteLength(body, 'utf8')).toBe(chars + 1);
    expect(parseAutoconfig(body, who, { maxBytes: chars })).toMatchObject({ ok: false, reason: 'too-large' });
    expect(parseAutoconfig(body, who, { maxBytes: chars + 1 })).toStrictEqual({
      ok: false,
      reason: 'no-incoming-server',
    });
  });

  it('refuses DOCTYPE and ENTITY in any case and anywhere, even inside a comment', () => {
    const valid = fixture('multi-incoming.xml');
    for (const sneaky of ['<!doctype x>', '<!DocType x>', '<!-- <!ENTITY a "b"> -->', '<!entity a "b">']) {
      const body = valid.replace('<clientConfig', `${sneaky}\n<clientConfig`);
      expect(parseAutoconfig(body, who)).toMatchObject({ ok: false, reason: 'doctype' });
    }
  });

  it('calls an HTML fragment without a root <html> html when it is not well-formed', () => {
    const body = '<div class="x"><html><p>Sign in<br></p></html></div>';
    expect(parseAutoconfig(body, who)).toStrictEqual({
      ok: false,
      reason: 'html',
      why: { code: 'html-malformed' },
    });
    expect(parseAutoconfig('<body><p>Not found</p></body>', who)).toStrictEqual({
      ok: false,
      reason: 'html',
      why: { code: 'html-root', element: 'body' },
    });
  });

  it('never throws: plain text, JSON, names the parser refuses, a non-string', () => {
    expect(parseAutoconfig('Not Found', who)).toStrictEqual({
      ok: false,
      reason: 'not-xml',
      why: { code: 'xml-error', message: "char 'N' is not expected.", line: 1, column: 1 },
    });
    expect(parseAutoconfig('{"imap":"x"}', who)).toMatchObject({ ok: false, reason: 'not-xml' });
    expect(parseAutoconfig('<clientConfig><constructor/></clientConfig>', who)).toMatchObject({
      ok: false,
      reason: 'not-xml',
    });
    expect(parseAutoconfig('<clientConfig><__proto__><x>1</x></__proto__></clientConfig>', who)).toMatchObject({
      ok: false,
      reason: 'not-xml',
    });
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(parseAutoconfig(undefined as unknown as string, who)).toStrictEqual({ ok: false, reason: 'empty' });
  });

  it('treats an emailProvider without any element content as no-incoming-server, a text-only one as no-client-config', () => {
    expect(parseAutoconfig('<clientConfig><emailProvider id="x.test"/></clientConfig>', who)).toStrictEqual({
      ok: false,
      reason: 'no-incoming-server',
    });
    expect(parseAutoconfig('<clientConfig><emailProvider>text</emailProvider></clientConfig>', who)).toStrictEqual({
      ok: false,
      reason: 'no-client-config',
      why: { code: 'no-element', element: 'emailProvider' },
    });
  });
});
