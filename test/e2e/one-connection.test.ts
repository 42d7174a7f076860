/**
 * Issue #9.3: on the healthy path the login goes over the connection the pre-auth probe opened —
 * one TCP connection, one TLS handshake, one greeting per endpoint address — counted by a proxy
 * in front of the lab's real Dovecot (test/servers/delay-proxy.ts, no delay). The safety rules on
 * that path, against the same Dovecot: the secret goes once per endpoint, only after TLS that
 * verified (a probed connection whose certificate does not verify is never handed over, and a
 * login is never written on it), and nothing is kept when the run has no credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { startDelayProxy, type DelayProxy } from '../servers/delay-proxy.js';
import { expectExit, registerSecret, runCli, secretForms, labArgs } from './cli-runner.js';

const lab = labOrSkip('dovecot (one connection per address)');

type Json = Record<string, unknown>;
/** The endpoints of a report with their login attempt and its transcript's client lines. */
function logins(json: unknown): Array<{ id: string; ok: boolean | undefined; client: string[] }> {
  const eps = ((json as Json).endpoints ?? []) as Json[];
  return eps.map((e) => {
    const login = (e.login ?? {}) as Json;
    const attempt = (login.attempt ?? login) as Json;
    const lines = ((attempt.transcript ?? []) as Json[]).filter((l) => l.dir === 'c').map((l) => String(l.text));
    return { id: String(e.id), ok: attempt.ok as boolean | undefined, client: lines };
  });
}

describe.skipIf(!lab)('one connection per endpoint address (lab Dovecot behind a counting proxy)', () => {
  if (!lab) return;
  const user = lab.users.alice;
  registerSecret(...secretForms(lab.password, user));
  const env = { IMAP_DOCTOR_PASSWORD: lab.password };
  let good: DelayProxy;
  let wrongName: DelayProxy;
  beforeAll(async () => {
    const routes = (host: string) => ({ 993: { host, port: 993 }, 143: { host, port: 143 } });
    good = await startDelayProxy({ routes: routes(lab.hosts.good), delayMs: 0 });
    wrongName = await startDelayProxy({ routes: routes(lab.hosts.wrongName), delayMs: 0 });
  });
  afterAll(async () => {
    await good?.close();
    await wrongName?.close();
  });
  const args = (ip: string, ...more: string[]) => labArgs(lab, user, ip, '3000', '--json', ...more);

  it('a healthy run on 993 and 143 (STARTTLS) opens one connection per endpoint, and logs in once on each', async () => {
    good.resetCounts();
    const r = await runCli(args(good.ip, '--transcript'), { env });
    expectExit(r, 0);
    expect(good.accepted[993], 'connections to 993: the probe, whose connection the login reuses').toBe(1);
    expect(good.accepted[143], 'connections to 143: the probe, STARTTLS, then the login on it').toBe(1);
    const l = logins(r.json);
    expect(l).toHaveLength(2);
    for (const e of l) {
      expect(e.ok, `${e.id} logged in`).toBe(true);
      expect(
        e.client.filter((c) => /^\S+ (AUTHENTICATE|LOGIN)\b/i.test(c)),
        `${e.id}: the secret went once`,
      ).toHaveLength(1);
      expect(
        e.client.some((c) => /STARTTLS/i.test(c)),
        `${e.id}: the login did not start TLS again`,
      ).toBe(false);
    }
  });

  it('the sync probe and --sessions still work over the kept connection; the extra sessions dial their own', async () => {
    good.resetCounts();
    const r = await runCli(args(good.ip, '--port', '993', '--sessions', '2'), { env });
    expectExit(r, 0);
    expect((r.json as unknown as Json).sync, 'sync readiness reported').toBeDefined();
    expect(good.accepted[993], 'the probe (reused by the login) and one extra session').toBe(2);
  });

  it('a certificate that does not name the host: nothing is handed over, no login is sent, no extra connection', async () => {
    wrongName.resetCounts();
    const r = await runCli(args(wrongName.ip, '--port', '993', '--transcript'), { env });
    expect(r.json?.findings.map((f) => f.code)).toContain('TLS_HOSTNAME_MISMATCH');
    const [e] = logins(r.json);
    expect(e?.client ?? [], 'no login line anywhere').toEqual([]);
    expect(wrongName.accepted[993], 'only the probe connected').toBe(1);
  });

  it('without credentials the probe hangs up as before (nothing kept)', async () => {
    good.resetCounts();
    const r = await runCli(args(good.ip, '--port', '993', '--no-login'), {});
    expectExit(r, 0);
    expect(good.accepted[993]).toBe(1);
  });
});
