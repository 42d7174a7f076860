/**
 * `imap-doctor publish` without I/O: the plan read from a report (only what verified), each block
 * parsed back by the doctor's own parsers, every lint rule against a document that breaks it (and
 * one that keeps them all), --submission parsing, and docs/publish.md kept in step with the rules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAutoconfig } from '../../../src/discovery/parse-autoconfig.js';
import { parseAutodiscover } from '../../../src/discovery/parse-autodiscover.js';
import { paccDigest, parseUaacRecord, readPaccJson } from '../../../src/discovery/parse-pacc.js';
import { buildBlocks, type PublishBlock } from '../../../src/publish/blocks.js';
import { parseSubmission, publishOutput } from '../../../src/publish/command.js';
import { LINT_RULES, lintPublished, type PublishedDoc } from '../../../src/publish/lint.js';
import { planFromReport, type PublishPlan } from '../../../src/publish/plan.js';
import { publishDoc } from '../../../src/render/publish-doc.js';
import { addressProbe, candidate, cert, endpoint, reportFrom, tlsInfo } from '../../helpers/evidence.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const who = { address: 'alice@example.com', localPart: 'alice', domain: 'example.com' };

const plan = (over: Partial<PublishPlan> = {}): PublishPlan => ({
  domain: 'example.com',
  providerName: 'Example & Co <mail>',
  imap: [
    { host: 'imap.example.com', port: 993, security: 'tls' },
    { host: 'imap.example.com', port: 143, security: 'starttls' },
  ],
  chains: [
    {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      leaf: cert({ spkiSha256: 'aa'.repeat(32) }),
      issuer: cert({ spkiSha256: 'bb'.repeat(32), trustAnchor: true }),
    },
  ],
  sasl: ['PLAIN', 'LOGIN', 'SCRAM-SHA-256', 'OAUTHBEARER'],
  loginCommand: true,
  submission: { host: 'smtp.example.com', port: 465, security: 'tls', from: '--submission' },
  oauth: {
    issuer: 'https://login.example.com',
    authURL: 'https://login.example.com/a',
    tokenURL: 'https://login.example.com/t',
  },
  ...over,
});
const blockOf = (blocks: PublishBlock[], id: string) => blocks.find((b) => b.id === id) as PublishBlock;

describe('publish blocks', () => {
  const blocks = buildBlocks(plan());

  it('the autoconfig block parses back: servers in order, the 1.2 fields, escaped names, the OAuth endpoints', () => {
    const r = parseAutoconfig(blockOf(blocks, 'autoconfig').text, who);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.displayName).toBe('Example & Co <mail>');
    expect(r.config.incoming.map((s) => [s.port, s.security, s.username])).toEqual([
      [993, 'tls', 'alice@example.com'],
      [143, 'starttls', 'alice@example.com'],
    ]);
    expect(r.config.incoming[0]?.authentication).toEqual(['OAuth2', 'SCRAM-SHA-256', 'password-cleartext']);
    expect(r.config.incoming[0]?.sasl).toEqual(['SCRAM-SHA-256']);
    expect(r.config.outgoing[0]).toMatchObject({
      host: 'smtp.example.com',
      port: 465,
      security: 'tls',
      authentication: ['OAuth2', 'password-cleartext'],
    });
    expect(r.config.oauth2).toEqual({
      issuer: 'https://login.example.com',
      authURL: 'https://login.example.com/a',
      tokenURL: 'https://login.example.com/t',
    });
    // …and it keeps every client rule the lint knows.
    expect(
      lintPublished(
        [
          {
            kind: 'autoconfig',
            url: 'https://autoconfig.example.com/mail/config-v1.1.xml',
            hops: [],
            status: 200,
            body: blockOf(blocks, 'autoconfig').text,
          },
        ],
        'example.com',
      ),
    ).toEqual([]);
  });

  it('no <oAuth2> without both endpoints (Thunderbird for Android would reject the file), and a note says so', () => {
    const b = blockOf(buildBlocks(plan({ oauth: { issuer: 'https://login.example.com' } })), 'autoconfig');
    expect(b.text).not.toContain('<oAuth2>');
    expect(b.notes).toContain('no-oauth-metadata');
  });

  it('SRV records with RFC 8314 priorities, "." for what is not offered', () => {
    expect(blockOf(blocks, 'srv').data.records).toEqual([
      '_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com.',
      '_imap._tcp.example.com. 3600 IN SRV 10 1 143 imap.example.com.',
      '_submissions._tcp.example.com. 3600 IN SRV 0 1 465 smtp.example.com.',
      '_submission._tcp.example.com. 3600 IN SRV 0 0 0 .',
    ]);
    const tlsOnly = buildBlocks(
      plan({ imap: [{ host: 'imap.example.com', port: 993, security: 'tls' }], submission: undefined }),
    );
    expect(blockOf(tlsOnly, 'srv').data.records).toEqual([
      '_imaps._tcp.example.com. 3600 IN SRV 0 1 993 imap.example.com.',
      '_imap._tcp.example.com. 3600 IN SRV 0 0 0 .',
    ]);
    expect(blockOf(tlsOnly, 'autoconfig').notes).toContain('no-submission');
  });

  it('the PACC document reads back and its TXT record holds the digest of its exact bytes', () => {
    const data = blockOf(blocks, 'pacc').data as { document: string; txt: string; record: string };
    const read = readPaccJson(data.document);
    expect(read.ok && read.facts).toMatchObject({
      passwordAllowed: true,
      oauthIssuer: 'https://login.example.com',
      submissionKey: 'submit',
      provider: { name: 'Example & Co <mail>' },
    });
    expect(parseUaacRecord(data.txt).digest).toBe(paccDigest(Buffer.from(data.document)));
    expect(data.record).toBe(`_ua-auto-config.example.com. 3600 IN TXT "${data.txt}"`);
    expect(
      blockOf(buildBlocks(plan({ imap: [{ host: 'imap.example.com', port: 143, security: 'starttls' }] })), 'pacc'),
    ).toMatchObject({ text: '', notes: ['pacc-needs-993'] });
  });

  it('TLSA pairs for each verified port; a CA from the trust store must be sent by the server', () => {
    const b = blockOf(blocks, 'tlsa');
    expect(b.data.records).toEqual([
      `_993._tcp.imap.example.com. 3600 IN TLSA 3 1 1 ${'aa'.repeat(32)}`,
      `_993._tcp.imap.example.com. 3600 IN TLSA 2 1 1 ${'bb'.repeat(32)}`,
    ]);
    expect(b.notes).toEqual(['tlsa-needs-dnssec', 'tlsa-ta-must-be-sent']);
  });

  it('the Autodiscover answer parses back; the certificate names cover every host', () => {
    const ad = parseAutodiscover(blockOf(blocks, 'autodiscover').text, who);
    expect(ad.ok && ad.servers.map((s) => [s.protocol, s.host, s.port, s.security])).toEqual([
      ['imap', 'imap.example.com', 993, 'tls'],
      ['smtp', 'smtp.example.com', 465, 'tls'],
    ]);
    expect(blockOf(blocks, 'certificates').data).toEqual({
      mail: ['imap.example.com', 'smtp.example.com'],
      web: ['autoconfig.example.com', 'example.com', 'ua-auto-config.example.com', 'autodiscover.example.com'],
    });
  });

  it('nothing verified, nothing to publish (exit 1); blocks and no lint error exit 0', () => {
    expect(buildBlocks(plan({ imap: [] }))).toEqual([]);
    const result = { domain: 'example.com', plan: plan(), blocks, lints: [], problems: [] };
    expect(publishOutput(result, 'json').exitCode).toBe(0);
    expect(publishOutput({ ...result, plan: plan({ imap: [] }), blocks: [] }, 'text')).toMatchObject({ exitCode: 1 });
  });

  it('what a server published is printed with its control characters made visible; JSON escapes them (the same data)', () => {
    const lint = {
      rule: LINT_RULES[0]?.id ?? '',
      severity: 'warning' as const,
      clients: ['thunderbird' as const],
      url: 'https://autoconfig.example.com/mail/config-v1.1.xml',
      value: 'imap\x1b]52;c;ZXZpbA==\x07\u009b\u202e.example.com',
    };
    const result = { domain: 'example.com', plan: plan(), blocks: [], lints: [lint], problems: [] };
    const text = publishOutput(result, 'text').text;
    expect(text).toContain('imap\\x1b]52;c;ZXZpbA==\\x07\\x9b\\u202e.example.com');
    expect(text).not.toMatch(/[\x1b\x07\u009b\u202e]/);
    const json = publishOutput(result, 'json').text;
    expect(json).not.toMatch(/[\x1b\x07\u009b\u202e]/);
    expect(JSON.parse(json).lints[0].value).toBe(lint.value);
  });
});

describe('the plan reads only what verified', () => {
  it('a failing endpoint and an unverified certificate are left out; STARTTLS kept when it verified', () => {
    const tls = endpoint(candidate('imap.example.com', 993, 'tls'));
    const starttls = endpoint(candidate('imap.example.com', 143, 'starttls'), {}, 1);
    const broken = endpoint(
      candidate('mail.example.com', 993, 'tls'),
      {
        addresses: [
          addressProbe('tls', {
            tls: { state: 'ok', value: tlsInfo({ chainVerified: false, verifyError: 'CERT_HAS_EXPIRED' }), ms: 1 },
          }),
        ],
      },
      2,
    );
    const p = planFromReport(reportFrom([broken, starttls, tls], { credentials: null }));
    expect(p.imap).toEqual([
      { host: 'imap.example.com', port: 993, security: 'tls' },
      { host: 'imap.example.com', port: 143, security: 'starttls' },
    ]);
    expect(p.sasl).toEqual(['PLAIN']);
    expect(p.submission).toBeUndefined();
  });
});

describe('lint rules', () => {
  const doc = (body: string, over: Partial<PublishedDoc> = {}): PublishedDoc => ({
    kind: 'autoconfig',
    url: 'https://autoconfig.example.com/mail/config-v1.1.xml',
    hops: [],
    status: 200,
    body,
    ...over,
  });
  const server = (inner: string, tag = 'incomingServer', type = 'imap') => `<${tag} type="${type}">${inner}</${tag}>`;
  const good =
    '<hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>';
  const smtp = server(good.replace('imap.', 'smtp.').replace('993', '465'), 'outgoingServer', 'smtp');
  const xml = (inner: string, id = 'example.com') =>
    `<?xml version="1.0"?><clientConfig><emailProvider id="${id}"><domain>example.com</domain>${inner}</emailProvider></clientConfig>`;
  const rules = (d: PublishedDoc) => lintPublished([d], 'example.com').map((l) => `${l.rule}:${l.severity}`);

  it('a file that keeps every rule passes', () => {
    expect(rules(doc(xml(server(good) + smtp)))).toEqual([]);
  });

  it('each autoconfig rule fires on a file that breaks it', () => {
    expect(rules(doc(xml(server(good.replace('SSL', 'TLS')) + smtp)))).toEqual(['autoconfig-socket-type:error']);
    expect(rules(doc(xml(server(good.replace('SSL', 'plain')) + smtp)))).toEqual(['autoconfig-socket-type:error']);
    expect(rules(doc(xml(server(good))))).toEqual(['autoconfig-outgoing-missing:error']);
    expect(rules(doc(xml(server(good.replace('imap.example.com', 'imap.%EMAILDOMAIN%')) + smtp)))).toEqual([
      'autoconfig-hostname-placeholder:warning',
    ]);
    expect(rules(doc(xml(server(good.replace('imap.example.com', 'imap.%DOMAIN%')) + smtp)))).toEqual([
      'autoconfig-hostname-placeholder:error',
    ]);
    expect(rules(doc(xml(server(good.replace('imap.example.com', '%EMAILADDRESS%')) + smtp)))).toEqual([
      'autoconfig-hostname-placeholder:error',
    ]);
    expect(rules(doc(xml(server(good.replace('<username>%EMAILADDRESS%</username>', '')) + smtp)))).toEqual([
      'autoconfig-username-missing:error',
    ]);
    expect(rules(doc(xml(server(good.replace('password-cleartext', 'NTLM')) + smtp)))).toEqual([
      'autoconfig-no-usable-auth:error',
    ]);
    expect(rules(doc(xml(server(good) + smtp, 'not a host')))).toEqual(['autoconfig-domain-missing:error']);
  });

  it("redirect chains: an http hop in a settings file; Outlook's redirect statuses and foreign domains for Autodiscover", () => {
    const viaHttp = doc(xml(server(good) + smtp), {
      hops: [
        {
          url: 'http://autoconfig.example.com/mail/config-v1.1.xml',
          status: 301,
          location: 'https://autoconfig.example.com/mail/config-v1.1.xml',
        },
        { url: 'https://autoconfig.example.com/mail/config-v1.1.xml', status: 200 },
      ],
    });
    expect(rules(viaHttp)).toEqual(['redirect-via-http:warning']);
    const ad = (status: number, to: string): PublishedDoc => ({
      kind: 'autodiscover',
      url: 'http://autodiscover.example.com/autodiscover/autodiscover.xml',
      hops: [
        { url: 'http://autodiscover.example.com/autodiscover/autodiscover.xml', status, location: to },
        { url: to, status: 200 },
      ],
      status: 200,
    });
    expect(rules(ad(302, 'https://autodiscover.example.com/autodiscover/autodiscover.xml'))).toEqual([]);
    expect(rules(ad(308, 'https://autodiscover.example.com/autodiscover/autodiscover.xml'))).toEqual([
      'autodiscover-redirect-status:error',
    ]);
    expect(rules(ad(302, 'https://mail.hoster.net/autodiscover/autodiscover.xml'))).toEqual([
      'autodiscover-redirect-off-domain:warning',
    ]);
    expect(rules(ad(302, 'https://autodiscover.outlook.com/autodiscover/autodiscover.xml'))).toEqual([]);
  });

  it('every rule names its clients and the code or document it comes from, and docs/publish.md lists them', () => {
    for (const r of LINT_RULES) {
      expect(r.clients.length, r.id).toBeGreaterThan(0);
      expect(r.source.length, r.id).toBeGreaterThan(10);
    }
    expect(readFileSync(path.join(ROOT, 'docs/publish.md'), 'utf8'), 'run `npm run docs`').toBe(publishDoc());
  });
});

describe('--submission', () => {
  it('takes host:port with an optional security, defaulting from the port', () => {
    expect(parseSubmission('SMTP.example.com:465')).toEqual({ host: 'smtp.example.com', port: 465, security: 'tls' });
    expect(parseSubmission('smtp.example.com:587')).toEqual({
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls',
    });
    expect(parseSubmission('smtp.example.com:2465/tls')).toEqual({
      host: 'smtp.example.com',
      port: 2465,
      security: 'tls',
    });
    for (const bad of [
      'smtp.example.com',
      'smtp.example.com:0',
      'smtp.example.com:99999',
      'smtp.example.com:587/plain',
    ])
      expect(() => parseSubmission(bad), bad).toThrow(/--submission/);
  });
});
