/** The report builder: severity by provenance, merged addresses, root cause first, verdict. */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/index.js';
import type { Check } from '../../../src/checks/types.js';
import { finding } from '../../../src/checks/types.js';
import { internalFinding } from '../../../src/errors/classify.js';
import type { EndpointEvidence } from '../../../src/model/evidence.js';
import { exitCodeFor } from '../../../src/cli.js';
import { addressProbe, candidate, context, endpoint, reportFrom } from '../../helpers/evidence.js';

const refused = {
  state: 'failed' as const,
  error: { code: 'REFUSED' as const, message: 'connect ECONNREFUSED' },
  ms: 1,
};

function report(endpoints: EndpointEvidence[], loginExpected = false) {
  return reportFrom(endpoints, { credentials: loginExpected ? 'password' : null });
}

describe('buildReport', () => {
  it('a dead guess is information, never an error, when another endpoint works', () => {
    const good = endpoint(
      candidate('imap.example.com', 993, 'tls', { provenance: 'guess', userTrusted: false }),
      {},
      0,
    );
    const dead = endpoint(
      candidate('mail.example.com', 993, 'tls', { provenance: 'guess', userTrusted: false }),
      { addresses: [addressProbe('tls', { tcp: refused })] },
      1,
    );
    const r = report([good, dead]);
    const f = r.findings.find((x) => x.code === 'TCP_REFUSED');
    expect(f?.severity).toBe('info');
    expect(r.verdict.status).toBe('ok');
    expect(r.verdict.working).toMatchObject({ host: 'imap.example.com', port: 993, loginVerified: false });
    expect(exitCodeFor(r)).toBe(0);
  });

  it('the same refusal on a host the user named with its port is an error', () => {
    const r = report([endpoint(candidate(), { addresses: [addressProbe('tls', { tcp: refused })] })]);
    expect(r.findings[0]).toMatchObject({ code: 'TCP_REFUSED', severity: 'error', who: 'mail-admin' });
    expect(r.verdict.status).toBe('error');
    expect(r.verdict.summary).toMatch(
      /^Nothing accepts connections on port 993 of imap\.example\.com\. Who must act: the mail server's admin\.$/,
    );
    expect(exitCodeFor(r)).toBe(1);
  });

  it('with a guessed port, a failing sibling of a working endpoint is lowered (info for reachability)', () => {
    const ok = endpoint(candidate('imap.example.com', 993, 'tls', { portGuessed: true }), {}, 0);
    const closed = endpoint(
      candidate('imap.example.com', 143, 'starttls', { portGuessed: true }),
      { addresses: [addressProbe('starttls', { tcp: refused })] },
      1,
    );
    const r = report([ok, closed]);
    expect(r.findings.find((x) => x.code === 'TCP_REFUSED')?.severity).toBe('info');
  });

  it('merges the same finding on every address of an endpoint into one', () => {
    const e = endpoint(candidate(), {
      addresses: [
        addressProbe('tls', { address: '192.0.2.10', tcp: refused }),
        addressProbe('tls', { address: '2001:db8::10', family: 6, tcp: refused }),
      ],
    });
    const r = report([e]);
    const fs = r.findings.filter((x) => x.code === 'TCP_REFUSED');
    expect(fs).toHaveLength(1);
    expect(fs[0]?.subject.address).toBeUndefined();
    expect(fs[0]?.params.addresses).toEqual(['192.0.2.10', '2001:db8::10']);
  });

  it('keeps findings that differ per address apart, naming the address', () => {
    const e = endpoint(candidate(), {
      addresses: [
        addressProbe('tls', { address: '192.0.2.10' }),
        addressProbe('tls', { address: '2001:db8::10', family: 6, tcp: refused }),
      ],
    });
    const r = report([e]);
    expect(r.findings.find((x) => x.code === 'TCP_REFUSED')?.subject.address).toBe('2001:db8::10');
  });

  it('orders errors before warnings before notes before passes, then by endpoint rank and stage', () => {
    const r = report([endpoint(candidate('imap.example.com', 143, 'starttls', { portGuessed: false }))]);
    const sev = r.findings.map((f) => f.severity);
    const rank = { error: 0, warning: 1, info: 2, ok: 3 } as const;
    expect([...sev].sort((a, b) => rank[a] - rank[b])).toEqual(sev);
  });

  it('when nothing works and no check found an error, says so with an error (exit 1, never 0)', () => {
    const e = endpoint(candidate('imap.example.com', 143, 'plain'));
    const r = report([e]);
    expect(r.verdict.working).toBeNull();
    expect(r.findings.some((f) => f.severity === 'error')).toBe(true);
    expect(exitCodeFor(r)).toBe(1);
  });

  it('a login that was expected but not attempted cannot be called working', () => {
    const r = report([endpoint()], true);
    expect(r.verdict.working).toBeNull();
  });
});

describe('a bug in the doctor becomes INTERNAL_ERROR, the rest of the report intact', () => {
  it('a throwing check', () => {
    const boom: Check = {
      id: 'test/boom',
      needs: [],
      run: () => {
        throw new TypeError('boom');
      },
    };
    const tcpLike: Check = {
      id: 'test/ok',
      needs: ['endpoints'],
      run: (ctx) => ctx.endpoints.map((e) => finding('TCP_OK', 'tcp', { address: '192.0.2.10', ms: 1 }, { e })),
    };
    const fs = runChecks(context([endpoint()]), [boom, tcpLike]);
    expect(fs.map((f) => f.code)).toEqual(['INTERNAL_ERROR', 'TCP_OK']);
    expect(fs[0]?.params).toEqual({ step: 'check', check: 'test/boom', error: 'TypeError: boom' });
    expect(reportFrom([endpoint()], { findings: fs }).findings.find((f) => f.code === 'INTERNAL_ERROR')?.title).toBe(
      'imap-doctor hit an internal error in check test/boom',
    );
  });

  it('exit code 3 while the report still carries everything else', () => {
    const e = endpoint();
    const ctx = context([e], { credentials: null });
    const findings = [...runChecks(ctx), internalFinding({ step: 'probe', endpoint: 'x:993/tls' }, new Error('x'))];
    const r = reportFrom([e], { credentials: null, findings });
    expect(exitCodeFor(r)).toBe(3);
    expect(r.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['INTERNAL_ERROR', 'TLS_OK', 'TCP_OK']));
  });
});

describe('evidence marked INTERNAL (a probe or source crashed) is reported as a doctor bug', () => {
  it('a crashed discovery source and a crashed TLS read both become INTERNAL_ERROR', () => {
    const e = endpoint(candidate(), {
      addresses: [
        addressProbe('tls', {
          tls: { state: 'failed', error: { code: 'INTERNAL', message: 'could not read the TLS session: boom' }, ms: 1 },
        }),
      ],
    });
    const fs = runChecks(
      context([e], {
        discovery: {
          domain: 'example.com',
          resolverWorking: true,
          sources: [
            {
              source: 'mx',
              query: 'example.com MX',
              status: 'skipped',
              ms: 0,
              servers: [],
              trust: 'trusted',
              trustReason: 'dns',
              error: { code: 'INTERNAL', message: 'TypeError: x' },
            },
          ],
        },
      }),
    );
    const internal = fs.filter((f) => f.code === 'INTERNAL_ERROR').map((f) => f.params);
    expect(internal).toEqual([
      { step: 'source', source: 'mx', error: 'TypeError: x' },
      {
        step: 'probe',
        endpoint: 'imap.example.com:993/tls',
        address: '192.0.2.10',
        stage: 'tls',
        error: 'could not read the TLS session: boom',
      },
    ]);
    const titles = reportFrom([e], { findings: fs })
      .findings.filter((f) => f.code === 'INTERNAL_ERROR')
      .map((f) => f.title);
    expect(titles).toEqual([
      'imap-doctor hit an internal error in discovery source mx',
      'imap-doctor hit an internal error in the tls stage of imap.example.com:993/tls (192.0.2.10)',
    ]);
  });
});
