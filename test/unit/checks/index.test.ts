/** The check runner: checks declare the evidence they need; one missing need skips a check, with that need as its reason. */
import { describe, expect, it } from 'vitest';
import { CHECKS, planChecks, runChecks } from '../../../src/checks/index.js';
import type { Check } from '../../../src/checks/types.js';
import { finding } from '../../../src/checks/types.js';
import { candidate, context, endpoint } from '../../helpers/evidence.js';

const probe = (needs: Check['needs']): Check => ({
  id: `test/${needs.join('+') || 'none'}`,
  needs,
  run: () => [finding('RUN_INTERRUPTED', 'run', { steps: [] })],
});

describe('checks declare what they need', () => {
  it('every check declares its needs', () => {
    for (const c of CHECKS) expect(Array.isArray(c.needs), c.id).toBe(true);
  });

  it('a check whose evidence is missing is skipped with the missing need; the others run', () => {
    const ctx = context([endpoint(candidate('imap.example.com', 143, 'plain'))], {
      discovery: null,
      credentials: null,
    });
    const checks = [
      probe([]),
      probe(['discovery']),
      probe(['endpoints']),
      probe(['tls']),
      probe(['login']),
      probe(['credentials']),
    ];
    expect(planChecks(ctx, checks).map((p) => [p.check.id, p.skipped])).toEqual([
      ['test/none', undefined],
      ['test/discovery', 'discovery'],
      ['test/endpoints', undefined],
      ['test/tls', 'tls'],
      ['test/login', 'login'],
      ['test/credentials', 'credentials'],
    ]);
    expect(runChecks(ctx, checks)).toHaveLength(2);
  });

  it('with discovery, TLS, a login and credentials, nothing is skipped', () => {
    const e = endpoint(candidate(), {
      login: {
        state: 'attempted',
        attempt: { address: '192.0.2.10', ms: 1, ok: true, alerts: [], credentialsRejected: false },
      },
    });
    const ctx = context([e], { discovery: { domain: 'example.com', resolverWorking: true, sources: [] } });
    expect(planChecks(ctx).filter((p) => p.skipped)).toEqual([]);
  });

  it('the discovery checks are skipped, not run, when discovery did not run (--host)', () => {
    const skipped = planChecks(context([endpoint()]))
      .filter((p) => p.skipped === 'discovery')
      .map((p) => p.check.id);
    expect(skipped).toEqual(
      expect.arrayContaining([
        'discovery/dns',
        'discovery/provider',
        'discovery/consistency',
        'discovery/srv',
        'discovery/autoconfig',
        'discovery/pacc',
        'auth/published-auth',
      ]),
    );
  });

  it('the sync checks are skipped with the reason login when no login was attempted (--no-login)', () => {
    const plan = planChecks(
      context([endpoint()], { discovery: { domain: 'example.com', resolverWorking: true, sources: [] } }),
    );
    const sync = plan.filter((p) => p.check.id.startsWith('sync/'));
    expect(sync.length).toBeGreaterThan(0);
    expect(sync.map((p) => p.skipped)).toEqual(sync.map(() => 'login'));
  });
});
