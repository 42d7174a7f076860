/**
 * auth/published-auth on hand-built evidence: the login methods autoconfig or PACC publish against
 * the server's SASL list (OAuth promised and missing or the reverse, a password where none works,
 * recommended SASL mechanisms absent).
 */
import { describe, expect, it } from 'vitest';
import { publishedAuthCheck } from '../../../../src/checks/auth/published-auth.js';
import type { DiscoveryEvidence, SourceResult } from '../../../../src/model/discovery.js';
import type { PaccFacts } from '../../../../src/model/standards.js';
import { discovery, source } from '../../../helpers/discovery.js';
import { addressProbe, candidate, context, endpoint } from '../../../helpers/evidence.js';

const result = (over: Partial<SourceResult>): SourceResult =>
  source('pacc', { status: 'found', trustReason: 'pacc-digest', ...over });
const evidence = (...sources: SourceResult[]): DiscoveryEvidence => discovery(sources);
const facts = (over: Partial<PaccFacts>): PaccFacts => ({
  txtName: '_ua-auto-config.example.com',
  txtStatus: 'records',
  txtAuthenticated: false,
  txt: [],
  verified: false,
  ...over,
});

describe('auth/published-auth: the published login method against the server (AUTH_METHOD_NOT_OFFERED)', () => {
  const imap = (auth: string[], sasl?: string[]) => ({
    protocol: 'imap' as const,
    type: 'imap',
    host: 'imap.example.com',
    port: 993,
    security: 'tls' as const,
    authentication: auth,
    ...(sasl ? { sasl } : {}),
  });
  const serverWith = (caps: string[]) =>
    endpoint(candidate(), { addresses: [addressProbe('tls', { capability: { state: 'ok', value: caps, ms: 1 } })] });
  const run = (s: SourceResult, caps: string[]) =>
    publishedAuthCheck
      .run(context([serverWith(caps)], { discovery: evidence(s) }))
      .map((f) => [f.params.direction, f.params.missing]);
  const autoconfig = (auth: string[], sasl?: string[]) =>
    result({
      source: 'autoconfig',
      query: 'https://autoconfig.example.com/mail/config-v1.1.xml',
      servers: [imap(auth, sasl)],
    });

  it('OAuth promised and missing, and the reverse', () => {
    expect(run(autoconfig(['OAuth2', 'password-cleartext']), ['IMAP4rev1', 'AUTH=PLAIN'])).toEqual([
      ['oauth-missing', undefined],
    ]);
    expect(run(autoconfig(['password-cleartext']), ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=OAUTHBEARER'])).toEqual([
      ['oauth-unpublished', undefined],
    ]);
    expect(run(autoconfig(['OAuth2', 'password-cleartext']), ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=XOAUTH2'])).toEqual([]);
  });

  it('a password promised where none works, and SASL mechanisms recommended but absent (autoconfig 1.2)', () => {
    expect(run(autoconfig(['password-cleartext']), ['IMAP4rev1', 'LOGINDISABLED', 'AUTH=OAUTHBEARER'])).toEqual([
      ['oauth-unpublished', undefined],
      ['password-missing', undefined],
    ]);
    expect(run(autoconfig(['password-cleartext']), ['IMAP4rev1'])).toEqual([]);
    expect(
      run(autoconfig(['SCRAM-SHA-256-PLUS', 'password-cleartext'], ['SCRAM-SHA-256-PLUS']), [
        'IMAP4rev1',
        'AUTH=PLAIN',
        'AUTH=SCRAM-SHA-256',
      ]),
    ).toEqual([['sasl-missing', ['SCRAM-SHA-256-PLUS']]]);
  });

  it('PACC: oauth-public and password against the server', () => {
    const pacc = result({
      servers: [imap([])],
      pacc: facts({ verified: true, oauthIssuer: 'https://login.example.com', passwordAllowed: true }),
    });
    expect(run(pacc, ['IMAP4rev1', 'AUTH=PLAIN'])).toEqual([['oauth-missing', undefined]]);
    expect(run(pacc, ['IMAP4rev1', 'AUTH=PLAIN', 'AUTH=OAUTHBEARER'])).toEqual([]);
  });
});
