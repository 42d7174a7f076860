/**
 * discovery/refused on hand-built evidence: what was not connected to and why. An unverified source
 * naming an IP address or an unusual port (steering), and with --no-private a source, OAuth issuer
 * metadata or an endpoint's host leading to private addresses. Nothing refused, nothing said.
 */
import { describe, expect, it } from 'vitest';
import { refusedCheck } from '../../../../src/checks/discovery/refused.js';
import type { MetadataFetch } from '../../../../src/model/standards.js';
import { discovery, source } from '../../../helpers/discovery.js';
import { candidate, context, endpoint } from '../../../helpers/evidence.js';
import { idOf, judged } from '../../../helpers/findings.js';

const refusedFetch = (target: string, kind: MetadataFetch['kind']): MetadataFetch => ({
  kind,
  url: `https://${target}/.well-known/x`,
  ms: 0,
  problem: 'refused',
  refused: { target, reason: 'private-address' },
});

describe('discovery/refused', () => {
  it('steering refused: UNVERIFIED_TARGET_REFUSED with the source, target, reason and its host and port', () => {
    const d = discovery([
      source('autoconfig-http', {
        refused: [
          { target: '203.0.113.9:993', reason: 'ip-literal' },
          { target: 'imap.example.com:2525', reason: 'port' },
        ],
      }),
    ]);
    const [ip, port, ...rest] = judged(refusedCheck.run(context([], { discovery: d })));
    expect(ip).toEqual({
      code: 'UNVERIFIED_TARGET_REFUSED',
      stage: 'discovery',
      params: {
        source: 'autoconfig-http',
        target: '203.0.113.9:993',
        reason: 'ip-literal',
        host: '203.0.113.9',
        port: 993,
      },
    });
    // A host name with a port is not a URL whose scheme is 'imap.example.com:': the fix text gets host and port.
    expect(port).toEqual({
      code: 'UNVERIFIED_TARGET_REFUSED',
      stage: 'discovery',
      params: {
        source: 'autoconfig-http',
        target: 'imap.example.com:2525',
        reason: 'port',
        host: 'imap.example.com',
        port: 2525,
      },
    });
    expect(rest).toEqual([]);
  });

  it('--no-private: a source URL is PRIVATE_ADDRESS_REFUSED in discovery; an IPv6 host:port is read without its brackets', () => {
    const d = discovery([
      source('autoconfig', {
        refused: [
          { target: 'https://autoconfig.example.com/mail/config-v1.1.xml', reason: 'private-address' },
          { target: '[fd00::1]:993', reason: 'private-address' },
        ],
      }),
    ]);
    expect(judged(refusedCheck.run(context([], { discovery: d })))).toEqual([
      {
        code: 'PRIVATE_ADDRESS_REFUSED',
        stage: 'discovery',
        params: {
          target: 'https://autoconfig.example.com/mail/config-v1.1.xml',
          source: 'autoconfig',
          host: 'autoconfig.example.com',
        },
      },
      {
        code: 'PRIVATE_ADDRESS_REFUSED',
        stage: 'discovery',
        params: { target: '[fd00::1]:993', source: 'autoconfig', host: 'fd00::1', port: 993 },
      },
    ]);
  });

  it('--no-private: OAuth metadata hosts once each, in the login stage, from discovery and from the --oauth-discover probe', () => {
    const issuer = {
      issuer: 'https://login.test',
      from: ['pacc' as const],
      namedBy: ['pacc' as const],
      fetches: [refusedFetch('login.test', 'rfc8414'), refusedFetch('login.test', 'oidc')],
    };
    const probed = endpoint(candidate(), {
      oauthProbe: {
        address: '192.0.2.10',
        ms: 1,
        issuer: { ...issuer, issuer: 'https://sso.test', fetches: [refusedFetch('sso.test', 'rfc8414')] },
      },
    });
    const d = discovery([], { oauthIssuers: [issuer] });
    expect(judged(refusedCheck.run(context([probed], { discovery: d })))).toEqual([
      {
        code: 'PRIVATE_ADDRESS_REFUSED',
        stage: 'login',
        params: { target: 'login.test', source: 'oauth-metadata', host: 'login.test' },
      },
      {
        code: 'PRIVATE_ADDRESS_REFUSED',
        stage: 'login',
        params: { target: 'sso.test', source: 'oauth-metadata', host: 'sso.test' },
      },
    ]);
  });

  it('--no-private: an endpoint whose host resolved to private addresses, in the resolve stage with those addresses', () => {
    const e = endpoint(candidate(), {
      resolve: { ms: 1, via: 'system', a: 'records', aaaa: 'nodata', addresses: [], refused: ['10.0.0.5'] },
    });
    expect(judged(refusedCheck.run(context([e])))).toEqual([
      {
        code: 'PRIVATE_ADDRESS_REFUSED',
        stage: 'resolve',
        endpoint: idOf('tls'),
        params: { target: 'imap.example.com', host: 'imap.example.com', addresses: ['10.0.0.5'] },
      },
    ]);
  });

  it('nothing refused: nothing, with or without discovery evidence', () => {
    expect(refusedCheck.run(context([endpoint()]))).toEqual([]);
    expect(
      refusedCheck.run(
        context([endpoint()], { discovery: discovery([source('autoconfig', {}, ['imap imap.example.com:993/tls'])]) }),
      ),
    ).toEqual([]);
  });
});
