/**
 * The login over a kept probe connection (src/probes/kept.ts, src/probes/imapflow-adapter.ts),
 * driven directly against the lab's real Dovecot: the probe hands over its verified connection,
 * the login runs on it (no second connection) and imapflow's private field the adapter reads
 * (authCapabilities) names the mechanism after a real login. And the gate right before the
 * secret: a connection whose certificate does not verify, or that the server closed, is never
 * written a login on — the login dials anew (and imapflow's strict check refuses that one).
 */
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labOrSkip } from '../../servers/require.js';
import { startDelayProxy, type DelayProxy } from '../../servers/delay-proxy.js';
import { registerSecret, secretForms } from '../../e2e/cli-runner.js';
import { probeAddress, type SessionParams } from '../../../src/probes/session.js';
import { tryLogin, type LoginParams } from '../../../src/probes/auth.js';
import { createTrustStore } from '../../../src/probes/trust.js';
import { fitForLogin, type KeptConnection } from '../../../src/probes/kept.js';
import { Secret } from '../../../src/util/secret.js';
import { LIMITS } from '../../../src/limits.js';
import { NODE_IO } from '../../../src/io.js';

const lab = labOrSkip('dovecot (login over the kept connection)');

describe.skipIf(!lab)('login over the kept probe connection', () => {
  if (!lab) return;
  const host = lab.hostname;
  const user = lab.users.alice;
  registerSecret(...secretForms(lab.password, user));
  const trust = createTrustStore([readFileSync(lab.certs.ca.crt, 'utf8')]);
  let proxy: DelayProxy;
  beforeAll(async () => {
    proxy = await startDelayProxy({
      routes: { 993: { host: lab.hosts.good, port: 993 }, 143: { host: lab.hosts.good, port: 143 } },
      delayMs: 0,
    });
  });
  afterAll(() => proxy?.close());

  const probe = async (port: number, security: 'tls' | 'starttls'): Promise<KeptConnection | undefined> => {
    let kept: KeptConnection | undefined;
    const p: SessionParams = {
      io: NODE_IO,
      trust,
      policy: { noPrivate: false, exempt: new Set() },
      lookup: () => Promise.reject(new Error('the address is given: nothing to look up')),
      timeoutMs: 3000,
      run: new AbortController().signal,
      maxLineBytes: LIMITS.imapLineBytes,
      transcript: false,
      emit: () => {},
      keep: (k) => (kept = k),
      endpoint: `${host}:${port}`,
      host,
      port,
      security,
      address: proxy.ip,
      family: 4,
    };
    await probeAddress(p);
    return kept;
  };
  const login = (
    port: number,
    security: 'tls' | 'starttls',
    kept: KeptConnection | undefined,
    password = lab.password,
  ): LoginParams => ({
    host,
    port,
    security,
    address: proxy.ip,
    family: 4,
    user,
    password: new Secret(password),
    trust,
    timeoutMs: 3000,
    run: new AbortController().signal,
    transcript: true,
    clientVersion: 'test',
    ...(kept ? { kept } : {}),
  });

  for (const [port, security] of [
    [993, 'tls'],
    [143, 'starttls'],
  ] as const) {
    it(`${port} (${security}): the probe keeps its verified connection and the login runs on it, once`, async () => {
      proxy.resetCounts();
      const kept = await probe(port, security);
      expect(kept, 'the probe handed over its connection').toBeDefined();
      expect(kept?.replay).toMatch(/^\* OK \[CAPABILITY [^\]]*AUTH=PLAIN[^\]]*\] /);
      expect(fitForLogin(kept as KeptConnection, host)).toBe(true);
      const at = await tryLogin(login(port, security, kept));
      expect(at.ok).toBe(true);
      expect(at.mechanism, "imapflow's authCapabilities read through the adapter after a real login").toBe(
        'AUTHENTICATE PLAIN',
      );
      expect(at.mailbox?.state).toBe('ok');
      expect(proxy.accepted[port], 'one connection for the probe and the login').toBe(1);
      const client = (at.transcript ?? []).filter((l) => l.dir === 'c').map((l) => l.text);
      expect(client.filter((c) => /AUTHENTICATE|LOGIN /.test(c))).toHaveLength(1);
      expect(
        client.some((c) => /STARTTLS|CAPABILITY/.test(c)),
        'neither STARTTLS nor CAPABILITY again',
      ).toBe(false);
    });
  }

  /** Client flights in a transcript: runs of client lines with no server line between them (each after the first waits for the server). */
  const flights = (lines: Array<{ dir: string; text: string }>): string[][] => {
    const out: string[][] = [];
    let last = '';
    for (const l of lines.filter((x) => x.dir === 'c' || x.dir === 's')) {
      if (l.dir === 'c' && last !== 'c') out.push([]);
      if (l.dir === 'c') out[out.length - 1]?.push(l.text.replace(/^\S+ /, ''));
      last = l.dir;
    }
    return out;
  };

  it('the login is one round trip (SASL-IR); then EXAMINE, the sync commands and IDLE go out in one flight, then DONE, then LOGOUT whose answer nobody waits for', async () => {
    const kept = await probe(993, 'tls');
    const at = await tryLogin({ ...login(993, 'tls', kept), afterLogin: { now: new Date(), sessions: 1 } });
    expect(at.ok).toBe(true);
    expect(at.sync?.idle.state).toBe('ok');
    expect(at.mailbox).toMatchObject({ state: 'ok', value: { name: 'INBOX', readOnly: true } });
    const lines = at.transcript ?? [];
    const f = flights(lines);
    // After the greeting (and the probe's CAPABILITY, on the same connection): the login, the read-only batch with IDLE, DONE; LOGOUT is not waited for.
    expect(f.map((x) => x.map((c) => c.split(' ')[0]))).toEqual([
      ['AUTHENTICATE'],
      ['EXAMINE', 'NAMESPACE', 'LIST', 'UID', 'IDLE'],
      ['DONE'],
      ['LOGOUT'],
    ]);
    expect(f[0]?.[0]).toBe('AUTHENTICATE PLAIN [initial response hidden]');
    expect(
      lines.filter((l) => l.dir !== 'i').at(-1),
      'no server line after LOGOUT: its answer is not waited for',
    ).toMatchObject({ dir: 'c', text: expect.stringMatching(/LOGOUT$/) });
  });

  it('a wrong password over the kept connection is refused once, as on a new one', async () => {
    proxy.resetCounts();
    const at = await tryLogin(login(993, 'tls', await probe(993, 'tls'), 'not-the-password'));
    expect(at).toMatchObject({ ok: false, credentialsRejected: true, response: { status: 'NO' } });
    expect(proxy.accepted[993]).toBe(1);
  });

  /** A TLS connection to the lab that the probe would never keep: the chain or the name does not verify. */
  const unverified = async (to: string, ca: boolean): Promise<{ kept: KeptConnection; writes: string[] }> => {
    const socket = tls.connect({
      host: to,
      port: 993,
      servername: host,
      rejectUnauthorized: false,
      ...(ca ? { secureContext: trust.context('modern') } : {}),
    });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const greeting = await new Promise<string>((resolve) =>
      socket.once('data', (d: Buffer) => resolve(d.toString('utf8'))),
    );
    socket.pause();
    const writes: string[] = [];
    const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      writes.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return { kept: { socket, replay: greeting.trim(), endpoint: `${host}:993`, address: to }, writes };
  };

  for (const [what, to, ca] of [
    ['a certificate for another name', 'wrongName', true],
    ['a chain that does not verify (CA unknown)', 'good', false],
  ] as const) {
    it(`${what}: the gate refuses the kept connection, no login is written on it, and the new connection is refused by imapflow`, async () => {
      const { kept, writes } = await unverified(lab.hosts[to], ca);
      expect(fitForLogin(kept, host)).toBe(false);
      const at = await tryLogin({ ...login(993, 'tls', kept), address: lab.hosts.wrongName });
      expect(writes.join(''), 'only a LOGOUT, never a login').toMatch(/^(a9 LOGOUT\r\n)?$/);
      expect(at.ok).toBe(false);
      expect(at.error?.code).toMatch(/^TLS_/);
      expect(at.transcript?.some((l) => l.dir === 'c' && /AUTHENTICATE|LOGIN /.test(l.text))).toBe(false);
    });
  }

  it('a kept connection the server already closed is not used: the login dials a new one', async () => {
    proxy.resetCounts();
    const kept = (await probe(993, 'tls')) as KeptConnection;
    kept.socket.destroy();
    const at = await tryLogin(login(993, 'tls', kept));
    expect(at.ok).toBe(true);
    expect(proxy.accepted[993], 'the probe, then the login on a new connection').toBe(2);
  });
});
