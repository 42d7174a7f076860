/**
 * The checks about the run as a whole (src/checks/run/run.ts) on hand-built evidence: the login not
 * tested, a plain-text endpoint, Ctrl-C, the deadline, and evidence a crashed probe or source left.
 */
import { describe, expect, it } from 'vitest';
import {
  deadlineCheck,
  interruptedCheck,
  internalEvidenceCheck,
  loginNotTestedCheck,
  plainSecurityCheck,
} from '../../../../src/checks/run/run.js';
import { addressProbe, candidate, context, endpoint } from '../../../helpers/evidence.js';
import { discovery, source } from '../../../helpers/discovery.js';
import { idOf, judged } from '../../../helpers/findings.js';

describe('run/login-not-tested', () => {
  it('no credentials: LOGIN_NOT_TESTED with the reason (no-password when none is given)', () => {
    expect(judged(loginNotTestedCheck.run(context([], { credentials: null, noLoginReason: 'no-login-flag' })))).toEqual(
      [{ code: 'LOGIN_NOT_TESTED', stage: 'run', params: { reason: 'no-login-flag' } }],
    );
    expect(loginNotTestedCheck.run(context([], { credentials: null }))[0]?.params).toEqual({ reason: 'no-password' });
  });
  it('with a password or a token: nothing', () => {
    expect(loginNotTestedCheck.run(context([]))).toEqual([]);
    expect(loginNotTestedCheck.run(context([], { credentials: 'oauth' }))).toEqual([]);
  });
});

describe('run/plain-security', () => {
  it('each plain-text endpoint is SECURITY_PLAIN; TLS and STARTTLS endpoints are not', () => {
    const plain = endpoint(candidate('imap.example.com', 143, 'plain'));
    expect(
      judged(
        plainSecurityCheck.run(context([endpoint(), plain, endpoint(candidate('imap.example.com', 143, 'starttls'))])),
      ),
    ).toEqual([{ code: 'SECURITY_PLAIN', stage: 'tcp', endpoint: idOf('plain'), params: {} }]);
    expect(plainSecurityCheck.run(context([endpoint()]))).toEqual([]);
  });
});

describe('run/interrupted', () => {
  it('Ctrl-C: RUN_INTERRUPTED with the steps it cut; not interrupted: nothing', () => {
    expect(judged(interruptedCheck.run(context([], { interrupted: ['login imap.example.com:993'] })))).toEqual([
      { code: 'RUN_INTERRUPTED', stage: 'run', params: { steps: ['login imap.example.com:993'] } },
    ]);
    expect(interruptedCheck.run(context([], { interrupted: null }))).toEqual([]);
  });
});

describe('run/deadline', () => {
  it('steps cut by --deadline: RUN_DEADLINE_EXCEEDED with the deadline and the steps; none cut: nothing', () => {
    expect(judged(deadlineCheck.run(context([], { deadlineMs: 20000, deadlineHit: ['tcp 192.0.2.10:993'] })))).toEqual([
      { code: 'RUN_DEADLINE_EXCEEDED', stage: 'run', params: { deadlineMs: 20000, steps: ['tcp 192.0.2.10:993'] } },
    ]);
    expect(deadlineCheck.run(context([]))).toEqual([]);
  });
});

describe('run/internal-evidence', () => {
  it('a crashed source, probe stage and login each become INTERNAL_ERROR saying where', () => {
    const crashedTls = endpoint(candidate(), {
      addresses: [
        addressProbe('tls', { tls: { state: 'failed', error: { code: 'INTERNAL', message: 'TypeError: x' }, ms: 1 } }),
      ],
      login: {
        state: 'attempted',
        attempt: {
          address: '192.0.2.10',
          ms: 1,
          ok: false,
          alerts: [],
          credentialsRejected: false,
          error: { code: 'INTERNAL', message: 'RangeError: y' },
        },
      },
    });
    const d = discovery([source('srv-imaps', { status: 'skipped', error: { code: 'INTERNAL', message: 'Error: z' } })]);
    const fs = internalEvidenceCheck.run(context([crashedTls], { discovery: d }));
    expect(fs.map((f) => [f.code, f.stage, f.params])).toEqual([
      ['INTERNAL_ERROR', 'run', { step: 'source', source: 'srv-imaps', error: 'Error: z' }],
      [
        'INTERNAL_ERROR',
        'run',
        { step: 'probe', endpoint: idOf('tls'), address: '192.0.2.10', stage: 'tls', error: 'TypeError: x' },
      ],
      ['INTERNAL_ERROR', 'run', { step: 'login', endpoint: idOf('tls'), error: 'RangeError: y' }],
    ]);
  });
  it('ordinary failures (a timeout, a refused login) are no doctor bug: nothing', () => {
    const timedOut = endpoint(candidate(), {
      addresses: [addressProbe('tls', { tls: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 } })],
    });
    expect(
      internalEvidenceCheck.run(
        context([timedOut], {
          discovery: discovery([source('srv-imaps', { status: 'timeout', error: { code: 'TIMEOUT', message: 't' } })]),
        }),
      ),
    ).toEqual([]);
  });
});
