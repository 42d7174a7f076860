import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  AUTODISCOVER_RESPONSE_SCHEMA,
  autodiscoverRequestBody,
  parseAutodiscover,
  type AutodiscoverResult,
} from '../../../src/discovery/parse-autodiscover.js';

const who = { address: 'alice@example.test', localPart: 'alice', domain: 'example.test' };

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/autodiscover/${name}`, import.meta.url), 'utf8');
}

describe('parseAutodiscover: settings', () => {
  it('maps IMAP/POP3/SMTP entries and their SSL/Encryption to a security mode', () => {
    expect(parseAutodiscover(fixture('imap-smtp.xml'), who)).toStrictEqual({
      ok: true,
      servers: [
        {
          protocol: 'imap',
          type: 'IMAP',
          host: 'imap.example.test',
          port: 993,
          security: 'tls',
          rawSecurity: 'SSL=on',
          username: 'alice@example.test',
        },
        {
          protocol: 'imap',
          type: 'IMAP',
          host: 'imap.example.test',
          port: 143,
          security: 'starttls',
          rawSecurity: 'SSL=on',
          username: 'alice',
          authentication: ['SPA'],
        },
        {
          protocol: 'pop3',
          type: 'POP3',
          host: 'pop.example.test',
          port: 110,
          security: 'plain',
          rawSecurity: 'SSL=off',
        },
        {
          protocol: 'smtp',
          type: 'SMTP',
          host: 'smtp.example.test',
          port: 587,
          security: 'starttls',
          rawSecurity: 'Encryption=TLS',
          username: 'alice@example.test',
        },
        {
          protocol: 'smtp',
          type: 'SMTP',
          host: 'smtp.example.test',
          port: 2525,
          security: 'tls',
          rawSecurity: 'Encryption=Auto',
        },
        {
          protocol: 'smtp',
          type: 'SMTP',
          host: 'smtp.example.test',
          port: 25,
          security: 'tls',
          rawSecurity: 'Encryption=SSL',
        },
        {
          protocol: 'smtp',
          type: 'SMTP',
          host: 'smtp.example.test',
          port: 465,
          security: 'plain',
          rawSecurity: 'SSL=on, Encryption=None',
        },
      ],
      problems: [
        { code: 'bad-port', where: 'Protocol[7].Port', value: '99999' },
        { code: 'missing-field', where: 'Protocol[8].Server' },
      ],
    } satisfies AutodiscoverResult);
  });

  it('reads Exchange-only answers as protocol other, host from the EWS/OWA URL or the EXPR server', () => {
    expect(parseAutodiscover(fixture('exch-only.xml'), who)).toStrictEqual({
      ok: true,
      servers: [
        { protocol: 'other', type: 'EXCH', host: 'mail.example.test', port: 443, security: 'tls' },
        { protocol: 'other', type: 'EXPR', host: 'outlook.example.test', port: 443, security: 'tls' },
        { protocol: 'other', type: 'WEB', host: 'owa.example.test', port: 8443, security: 'tls' },
      ],
      problems: [{ code: 'bad-hostname', where: 'Protocol[3].Server', value: 'f00dcafe@example.test' }],
    } satisfies AutodiscoverResult);
  });

  it('matches local names whatever the prefix and case, and fills placeholders in LoginName', () => {
    expect(parseAutodiscover(fixture('namespaced.xml'), who)).toStrictEqual({
      ok: true,
      servers: [
        {
          protocol: 'imap',
          type: 'imap',
          host: 'mail.example.test',
          port: 993,
          security: 'tls',
          rawSecurity: 'SSL=ON',
          username: 'alice',
        },
        {
          protocol: 'smtp',
          type: 'smtp',
          host: 'mail.example.test',
          port: 587,
          security: 'plain',
          rawSecurity: 'Encryption=none',
        },
      ],
      problems: [],
    } satisfies AutodiscoverResult);
  });

  it('without SSL or Encryption, uses the port: 143/110/25/587 STARTTLS, others TLS', () => {
    const body = (port: number) =>
      `<Autodiscover><Response><Account><Protocol><Type>IMAP</Type><Server>imap.example.test</Server><Port>${port}</Port></Protocol></Account></Response></Autodiscover>`;
    const security = (port: number) => {
      const r = parseAutodiscover(body(port), who);
      return r.ok ? r.servers[0]?.security : r.reason;
    };
    expect([143, 110, 25, 587, 993, 995, 465, 10143].map(security)).toEqual([
      'starttls',
      'starttls',
      'starttls',
      'starttls',
      'tls',
      'tls',
      'tls',
      'tls',
    ]);
  });
});

describe('parseAutodiscover: redirects and errors', () => {
  it('returns redirectAddr', () => {
    expect(parseAutodiscover(fixture('redirect-addr.xml'), who)).toStrictEqual({
      ok: true,
      servers: [],
      redirectAddr: 'alice@tenant.example.net',
      problems: [],
    } satisfies AutodiscoverResult);
  });

  it('returns redirectUrl', () => {
    expect(parseAutodiscover(fixture('redirect-url.xml'), who)).toStrictEqual({
      ok: true,
      servers: [],
      redirectUrl: 'https://autodiscover.hoster.example.net/autodiscover/autodiscover.xml',
      problems: [],
    } satisfies AutodiscoverResult);
  });

  it('refuses a redirectUrl that is not a URL', () => {
    const body = fixture('redirect-url.xml').replace(
      /<RedirectUrl>.*<\/RedirectUrl>/,
      '<RedirectUrl>not a url</RedirectUrl>',
    );
    expect(parseAutodiscover(body, who)).toStrictEqual({
      ok: false,
      reason: 'no-incoming-server',
      why: { code: 'redirect-url-unusable', redirectUrl: 'not a url' },
    });
  });

  it('turns Response/Error into error-response with code and message', () => {
    expect(parseAutodiscover(fixture('error.xml'), who)).toStrictEqual({
      ok: false,
      reason: 'error-response',
      detail: '600: Invalid Request',
    });
  });

  it('says no-incoming-server for a MobileSync answer, no-client-config for a foreign document', () => {
    expect(parseAutodiscover(fixture('mobilesync.xml'), who)).toStrictEqual({
      ok: false,
      reason: 'no-incoming-server',
      why: { code: 'no-element', element: 'Account' },
    });
    expect(parseAutodiscover('<clientConfig/>', who)).toStrictEqual({
      ok: false,
      reason: 'no-client-config',
      why: { code: 'no-autodiscover-response', element: 'clientConfig' },
    });
  });

  it('shares the autoconfig guards', () => {
    expect(parseAutodiscover('', who)).toStrictEqual({ ok: false, reason: 'empty' });
    expect(parseAutodiscover('<!DOCTYPE html><html></html>', who)).toStrictEqual({
      ok: false,
      reason: 'doctype',
      why: { code: 'html-doctype' },
    });
    expect(parseAutodiscover('<html><body>IIS</body></html>', who)).toStrictEqual({
      ok: false,
      reason: 'html',
      why: { code: 'html-root', element: 'html' },
    });
    expect(parseAutodiscover('<Autodiscover><Response>', who)).toMatchObject({ ok: false, reason: 'not-xml' });
    expect(parseAutodiscover(fixture('imap-smtp.xml'), who, { maxBytes: 100 })).toMatchObject({
      ok: false,
      reason: 'too-large',
    });
  });
});

describe('autodiscoverRequestBody', () => {
  it('is the Outlook POX request asking for the 2006a response schema', () => {
    const body = autodiscoverRequestBody('alice@example.test');
    expect(body).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">',
        '  <Request>',
        '    <EMailAddress>alice@example.test</EMailAddress>',
        '    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>',
        '  </Request>',
        '</Autodiscover>',
        '',
      ].join('\n'),
    );
    expect(AUTODISCOVER_RESPONSE_SCHEMA).toBe(
      'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a',
    );
  });

  it('escapes the address so it cannot break out of the element', () => {
    const nasty = `"o'brien"&<x>@example.test\u0001`;
    const body = autodiscoverRequestBody(nasty);
    expect(body).toContain('<EMailAddress>&quot;o&apos;brien&quot;&amp;&lt;x&gt;@example.test</EMailAddress>');
    const tree = new XMLParser({ parseTagValue: false }).parse(body) as {
      Autodiscover: { Request: { EMailAddress: string } };
    };
    expect(tree.Autodiscover.Request.EMailAddress).toBe(`"o'brien"&<x>@example.test`);
  });
});
