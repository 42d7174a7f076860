/** One root cause, consequences grouped under it; --redact masks the user and client IPs but not servers. */
import { describe, expect, it } from 'vitest';
import type { EndpointEvidence } from '../../../src/model/evidence.js';
import { redactReport } from '../../../src/report/redact.js';
import { groupConsequences } from '../../../src/report/root-cause.js';
import type { Finding } from '../../../src/model/finding.js';
import { renderText } from '../../../src/render/text.js';
import { addressProbe, candidate, cert, endpoint, reportFrom, tlsInfo } from '../../helpers/evidence.js';

function report(endpoints: EndpointEvidence[]) {
  return reportFrom(endpoints, { options: { user: 'alice@example.com' } });
}

const expiredTls = tlsInfo({
  chainVerified: false,
  verifyError: 'CERT_HAS_EXPIRED',
  chain: [cert({ validTo: '2021-01-01T00:00:00.000Z' })],
});

describe('root cause first', () => {
  const e993 = endpoint(
    candidate('imap.example.com', 993, 'tls', { portGuessed: true }),
    {
      addresses: [addressProbe('tls', { tls: { state: 'ok', value: expiredTls, ms: 5 } })],
      login: { state: 'withheld', reason: 'tls-not-verified' },
    },
    0,
  );
  const e143 = endpoint(
    candidate('imap.example.com', 143, 'starttls', { portGuessed: true }),
    {
      addresses: [addressProbe('starttls', { starttlsTls: { state: 'ok', value: expiredTls, ms: 5 } })],
      login: { state: 'withheld', reason: 'tls-not-verified' },
    },
    1,
  );
  const r = report([e993, e143]);

  it('the expired certificate is the one root; the sibling port and the withheld logins follow it', () => {
    const roots = r.findings.filter((f) => f.severity === 'error' && !f.causedBy);
    expect(roots.map((f) => f.code)).toEqual(['TLS_CERT_EXPIRED']);
    expect(r.findings[0]?.code).toBe('TLS_CERT_EXPIRED');
    const sibling = r.findings.find((f) => f.code === 'TLS_CERT_EXPIRED' && f.causedBy);
    expect(sibling?.params.sameAs).toBe('imap.example.com:993/tls');
    const withheld = r.findings.filter((f) => f.code === 'LOGIN_WITHHELD');
    expect(withheld).toHaveLength(2);
    expect(withheld.every((f) => f.causedBy !== undefined)).toBe(true);
    expect(r.verdict.tally.error).toBe(1);
  });

  it('the text report shows the consequences under the root, not as separate problems', () => {
    const text = renderText(r, { color: false, verbose: false, quiet: false });
    const problems = text.slice(text.indexOf('Problems'));
    expect(problems.match(/^ {2}✖ /gm)).toHaveLength(1);
    expect(problems).toContain('Also: the same on imap.example.com:143 (STARTTLS).');
    expect(problems).toContain('Because of this: The password was not sent to imap.example.com:993.');
  });
});

describe('--redact', () => {
  it('masks the address, the username and client IPs a server echoes, keeping server names and addresses', () => {
    const e = endpoint(candidate(), {
      addresses: [
        addressProbe('tls', {
          address: '192.0.2.10',
          tcp: { state: 'ok', value: { localAddress: '10.1.2.3' }, ms: 1 },
          greeting: {
            state: 'ok',
            value: {
              line: '* OK Gimap ready for requests from 203.0.113.5 x1',
              kind: 'ok',
              text: 'Gimap ready for requests from 203.0.113.5 x1',
            },
            ms: 1,
          },
        }),
      ],
      login: {
        state: 'attempted',
        attempt: {
          address: '192.0.2.10',
          ms: 5,
          ok: false,
          alerts: [],
          credentialsRejected: true,
          response: {
            status: 'NO',
            code: 'AUTHENTICATIONFAILED',
            text: 'Invalid credentials for alice@example.com',
            line: '2 NO [AUTHENTICATIONFAILED] Invalid credentials for alice@example.com',
          },
        },
      },
    });
    const red = redactReport(report([e]));
    const json = JSON.stringify(red);
    expect(json).not.toMatch(/alice/);
    expect(json).not.toContain('203.0.113.5');
    expect(json).not.toContain('10.1.2.3');
    expect(json).toContain('***@example.com');
    expect(json).toContain('imap.example.com');
    expect(red.endpoints[0]?.addresses[0]?.address).toBe('192.0.2.10');
    expect(red.endpoints[0]?.addresses[0]?.greeting?.line).toBe('* OK Gimap ready for requests from *** x1');
    expect(red.input.options.redact).toBe(true);
  });
});

describe('groupConsequences never hides a real problem', () => {
  const f = (
    code: string,
    severity: 'error' | 'warning' | 'info',
    endpoint: string | undefined,
    params: Record<string, string | string[]> = {},
    stage: Finding['stage'] = 'tcp',
  ): Finding => ({ code, severity, subject: {}, params, stage, ...(endpoint ? { endpoint } : {}) }) as Finding;
  const E = 'imap.example.com:993/tls';

  it('a warning about a published endpoint (a working CNAME SRV target) absorbs nothing', () => {
    const out = groupConsequences([
      f('SRV_TARGET_BROKEN', 'warning', E, {}, 'discovery'),
      f('AUTH_FAILED', 'error', E, {}, 'login'),
    ]);
    const auth = out.find((x) => x.code === 'AUTH_FAILED');
    expect(auth?.causedBy).toBeUndefined();
    expect(auth?.severity).toBe('error');
  });

  it('details of a published endpoint that fails keep their own severity', () => {
    const out = groupConsequences([
      f('PUBLISHED_SETTINGS_WRONG', 'error', E, {}, 'discovery'),
      f('INBOX_NOT_ACCESSIBLE', 'error', E, {}, 'mailbox'),
    ]);
    expect(out.find((x) => x.code === 'INBOX_NOT_ACCESSIBLE')).toMatchObject({
      causedBy: 'PUBLISHED_SETTINGS_WRONG',
      relation: 'detail',
      severity: 'error',
    });
  });

  it('a consequence is capped by the top of its chain, not just its direct root', () => {
    const out = groupConsequences([
      f('IPV6_PATH_BROKEN', 'warning', undefined, { addresses: ['2001:db8::1'] }),
      f('TCP_TIMEOUT', 'error', E, { address: '2001:db8::1' }),
    ]);
    expect(out.find((x) => x.code === 'TCP_TIMEOUT')).toMatchObject({
      causedBy: 'IPV6_PATH_BROKEN',
      severity: 'warning',
    });
  });

  it('a root scoped to addresses still explains a finding about the whole endpoint (dual stack)', () => {
    const out = groupConsequences([
      f('TLS_CERT_EXPIRED', 'error', E, { addresses: ['192.0.2.10', '2001:db8::10'] }, 'tls'),
      f('LOGIN_WITHHELD', 'info', E, { reason: 'tls-not-verified' }, 'login'),
    ]);
    expect(out.find((x) => x.code === 'LOGIN_WITHHELD')?.causedBy).toBe('TLS_CERT_EXPIRED');
  });
});

describe('--redact and --send-address', () => {
  it('masks the URL-encoded address in source URLs', () => {
    const r = report([endpoint()]);
    r.discovery = {
      domain: 'example.com',
      resolverWorking: true,
      sources: [
        {
          source: 'autoconfig',
          query: 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=alice%40example.com',
          status: 'found',
          ms: 1,
          servers: [],
          trust: 'trusted',
          trustReason: 'https-domain',
        },
      ],
    };
    const red = redactReport(r);
    expect(JSON.stringify(red)).not.toMatch(/alice/);
    expect(red.discovery?.sources[0]?.query).toBe(
      'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=***%40example.com',
    );
  });
});
