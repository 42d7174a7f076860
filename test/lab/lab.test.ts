/**
 * Proves the test lab itself: every Dovecot address greets as documented, each certificate fails exactly as
 * intended, B/C/D misbehave as designed, imapflow logs in, network namespaces tell DROP from REJECT, and each
 * fake-server script does what it promises. Runs against the servers started by test/servers/global-setup.ts.
 */
import net from 'node:net';
import tls, { type DetailedPeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labOrSkip, netnsAvailable } from '../servers/require.js';
import { readGreeting } from '../servers/dovecot.js';
import { rawSession } from '../servers/raw-imap.js';
import { scripts, startFakeImap, type FakeImapServer, type FakeScript, type FakeMode } from '../servers/fake-imap.js';
import { createNetns, type NetnsLab } from '../servers/netns.js';
import type { LabInfo } from '../servers/lab.js';

const lab = labOrSkip('lab');
const netnsOk = netnsAvailable('lab netns');

/** Only called inside tests of suites that are skipped when the lab is absent. */
function L(): LabInfo {
  if (!lab) throw new Error('lab missing');
  return lab;
}

interface TlsResult {
  authorized: boolean;
  authorizationError?: string;
  protocol: string | null;
  chain: DetailedPeerCertificate[];
  hostnameError?: string;
}

function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const out: DetailedPeerCertificate[] = [];
  let c: DetailedPeerCertificate | undefined = leaf;
  while (c && Object.keys(c).length && !out.includes(c)) {
    out.push(c);
    c = c.issuerCertificate;
  }
  return out;
}

function tlsProbe(host: string, port: number, extra: tls.ConnectionOptions = {}): Promise<TlsResult> {
  return new Promise((resolve, reject) => {
    const s = tls.connect(
      {
        host,
        port,
        rejectUnauthorized: false,
        ca: [readFileSync(L().certs.ca.crt)],
        // chain only: Node would otherwise fold the check against the dialled IP into `authorized`
        checkServerIdentity: () => undefined,
        ...extra,
      },
      () => {
        const leaf = s.getPeerCertificate(true);
        const idErr = tls.checkServerIdentity(L().hostname, leaf);
        const err = s.authorizationError as unknown as Error | string | null;
        resolve({
          authorized: s.authorized,
          ...(err
            ? {
                authorizationError:
                  typeof err === 'string' ? err : ((err as Error & { code?: string }).code ?? err.message),
              }
            : {}),
          protocol: s.getProtocol(),
          chain: chainOf(leaf),
          ...(idErr ? { hostnameError: (idErr as Error & { code?: string }).code ?? idErr.message } : {}),
        });
        s.destroy();
      },
    );
    s.setTimeout(5000, () => s.destroy(new Error('tls timeout')));
    s.once('error', reject);
  });
}

function connectOutcome(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect({ host, port });
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      resolve(`timeout after ${Math.round((Date.now() - t0) / 100) * 100} ms`);
    });
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe.skipIf(!lab)('lab: Dovecot greetings', () => {
  it('A answers its own greeting on every A address, plain 143 and implicit TLS 993', async () => {
    const h = L().hosts;
    const aHosts = [
      h.good,
      h.expired,
      h.wrongName,
      h.selfSigned,
      h.unknownCa,
      h.chainIncomplete,
      h.intercepted,
      h.expiringSoon,
      h.notYetValid,
    ];
    if (h.weak) aHosts.push(h.weak);
    if (h.goodV6) aHosts.push(h.goodV6);
    const lines = await Promise.all(
      aHosts.map((host) => readGreeting(host, 143, 3000, host.includes(':') ? undefined : '127.0.0.1')),
    );
    for (const line of lines) {
      expect(line).toBe(
        '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN] imap-doctor lab A ready.',
      );
    }
    const s = await rawSession({ host: h.good, port: 993, tls: true });
    expect(s.greeting).toBe(
      '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=LOGIN] imap-doctor lab A ready.',
    );
    s.close();
  });

  it('B, C and D greet with their own texts; B shows LOGINDISABLED to 127.0.0.1 only', async () => {
    const { hosts, greetings } = L();
    expect(greetings.b).toBe(
      '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ LOGINDISABLED] imap-doctor lab B ready.',
    );
    expect(await readGreeting(hosts.loginDisabled, 143, 3000, '127.0.0.1')).toBe(greetings.b);
    // Dovecot treats client IP == server IP as secure: no LOGINDISABLED then (research note pitfall).
    expect(await readGreeting(hosts.loginDisabled, 143, 3000, hosts.loginDisabled)).toContain('AUTH=PLAIN');
    expect(await readGreeting(hosts.tls10, 143, 3000)).toMatch(
      /^\* OK \[CAPABILITY .*STARTTLS.*\] imap-doctor lab C ready\.$/,
    );
    expect(await readGreeting(hosts.tempfail, 143, 3000)).toMatch(
      /^\* OK \[CAPABILITY .*STARTTLS.*\] imap-doctor lab D ready\.$/,
    );
  });

  it('E greets with IDLE; F (the stripped-down server) announces neither IDLE nor CONDSTORE', async () => {
    const { hosts, greetings } = L();
    expect(greetings.e).toBe(
      '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN] imap-doctor lab E ready.',
    );
    expect(await readGreeting(hosts.sync, 143, 3000)).toBe(greetings.e);
    expect(greetings.f).toMatch(/^\* OK \[CAPABILITY IMAP4rev1 .*\] imap-doctor lab F ready\.$/);
    expect(greetings.f).not.toMatch(/\b(IDLE|CONDSTORE|QRESYNC)\b/);
  });
});

describe.skipIf(!lab)('lab: certificates as served', () => {
  it('good (.2 and ::1): authorized against the test CA, name matches, leaf only', async () => {
    const r = await tlsProbe(L().hosts.good, 993);
    expect(r).toMatchObject({ authorized: true, protocol: 'TLSv1.3' });
    expect(r.hostnameError).toBeUndefined();
    expect(r.chain).toHaveLength(2); // leaf + the CA that Node found in `ca`
    if (L().hosts.goodV6) expect((await tlsProbe('::1', 993)).authorized).toBe(true);
    const noCa = await tlsProbe(L().hosts.good, 993, { ca: undefined });
    expect(noCa.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('expired, not yet valid, self-signed, unknown CA', async () => {
    const h = L().hosts;
    expect((await tlsProbe(h.expired, 993)).authorizationError).toBe('CERT_HAS_EXPIRED');
    expect((await tlsProbe(h.notYetValid, 993)).authorizationError).toBe('CERT_NOT_YET_VALID');
    expect((await tlsProbe(h.selfSigned, 993)).authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const unknown = await tlsProbe(h.unknownCa, 993);
    expect(unknown.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(unknown.chain[0]?.issuer.CN).toBe('imap-doctor other CA');
    expect((await tlsProbe(h.unknownCa, 993, { ca: [readFileSync(L().certs.otherCa.crt)] })).authorized).toBe(true);
  });

  it('wrong name: chain verifies, hostname check fails', async () => {
    const r = await tlsProbe(L().hosts.wrongName, 993);
    expect(r.authorized).toBe(true);
    expect(r.hostnameError).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(r.chain[0]?.subjectaltname).toBe('DNS:other.invalid');
  });

  it('chain incomplete: 1-cert chain, AIA URL served by the lab, intermediate completes it', async () => {
    const r = await tlsProbe(L().hosts.chainIncomplete, 993);
    expect(r.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(r.chain).toHaveLength(1);
    expect(r.chain[0]?.infoAccess?.['CA Issuers - URI']).toEqual([L().aia.url]);
    const der = await new Promise<Buffer>((resolve, reject) =>
      http
        .get(L().aia.url, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(Buffer.concat(parts)) : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        })
        .on('error', reject),
    );
    const intermediate = new X509Certificate(der);
    expect(intermediate.subject).toBe('CN=imap-doctor test intermediate');
    const leaf = new X509Certificate(readFileSync(L().certs.chainIncomplete.crt));
    expect(leaf.checkIssued(intermediate)).toBe(true);
    const fixed = await tlsProbe(L().hosts.chainIncomplete, 993, {
      ca: [readFileSync(L().certs.ca.crt), intermediate.toString()],
    });
    expect(fixed.authorized).toBe(true);
  });

  it('intercepted: the server sends leaf + Avast root → SELF_SIGNED_CERT_IN_CHAIN', async () => {
    const r = await tlsProbe(L().hosts.intercepted, 993);
    expect(r.authorizationError).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    expect(r.chain).toHaveLength(2);
    expect(r.chain[1]?.subject).toMatchObject({
      CN: 'Avast Web/Mail Shield Root',
      O: 'Avast Web/Mail Shield',
      OU: 'generated by Avast Antivirus for SSL/TLS scanning',
    });
  });

  it('expiring soon: valid, ends within 6 days', async () => {
    const r = await tlsProbe(L().hosts.expiringSoon, 993);
    expect(r.authorized).toBe(true);
    const left = Date.parse(r.chain[0]?.valid_to ?? '') - Date.now();
    expect(left).toBeGreaterThan(4 * 86400_000);
    expect(left).toBeLessThan(6 * 86400_000);
  });

  it('weak: RSA-1024 leaf with a SHA-1 signature is served', async () => {
    const weak = L().hosts.weak;
    if (!weak) {
      expect(L().weakNote).toBeTruthy();
      return;
    }
    const legacy = await tlsProbe(weak, 993, { ciphers: 'DEFAULT:@SECLEVEL=0' });
    expect(legacy.chain[0]?.bits).toBe(1024);
    expect(legacy.authorized).toBe(true);
    // Node 20 (OpenSSL 3.0, SECLEVEL 1) rejects the chain, but has no name for X509 errors 66/68 (EE key too
    // small, CA digest too weak): authorizationError is 'UNSPECIFIED'. openssl s_client says 68.
    const strict = await tlsProbe(weak, 993);
    expect(strict).toMatchObject({ authorized: false, authorizationError: 'UNSPECIFIED', protocol: 'TLSv1.3' });
  });

  it('STARTTLS on A:143 upgrades to an authorized TLS session', async () => {
    const s = await rawSession({ host: L().hosts.good, port: 143 });
    const { lines, socket } = await s.starttls('a1', {
      ca: [readFileSync(L().certs.ca.crt)],
      servername: L().hostname,
    });
    expect(lines).toEqual(['a1 OK Begin TLS negotiation now.']);
    expect(socket?.authorized).toBe(true);
    const caps = await s.command('a2', 'CAPABILITY');
    expect(caps[0]).not.toContain('STARTTLS');
    s.close();
  });
});

describe.skipIf(!lab)('lab: B (LOGINDISABLED), C (TLS 1.0 only), D (tempfail)', () => {
  it('B refuses LOGIN before TLS and has no STARTTLS', async () => {
    const s = await rawSession({ host: L().hosts.loginDisabled, port: 143, localAddress: '127.0.0.1' });
    expect(await s.command('a1', `LOGIN ${L().users.alice} "${L().password}"`)).toEqual([
      '* BAD [ALERT] Plaintext authentication not allowed without SSL/TLS, but your client did it anyway. If anyone was listening, the password was exposed.',
      'a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.',
    ]);
    expect(await s.command('a2', 'STARTTLS')).toEqual(["a2 BAD TLS support isn't enabled."]);
    s.close();
  });

  it('C refuses a default Node handshake and accepts TLS 1.0 at SECLEVEL 0', async () => {
    const h = L().hosts.tls10;
    await expect(tlsProbe(h, 993)).rejects.toMatchObject({ code: 'ECONNRESET' });
    const legacy = await tlsProbe(h, 993, { minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
    expect(legacy).toMatchObject({ authorized: true, protocol: 'TLSv1' });
  });

  it('D answers every login with NO [UNAVAILABLE] Temporary authentication failure', async () => {
    const s = await rawSession({ host: L().hosts.tempfail, port: 143 });
    const reply = await s.command('a1', `LOGIN ${L().users.alice} "${L().password}"`);
    expect(reply).toHaveLength(1);
    expect(reply[0]).toMatch(
      /^a1 NO \[UNAVAILABLE\] Temporary authentication failure\. \[[^\]]+:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]$/,
    );
    s.close();
  });

  it('raw logins on A: good (then EXAMINE INBOX), wrong password, locked, disabled', async () => {
    const { users, password, lockedReason, hosts } = L();
    const s = await rawSession({ host: hosts.good, port: 143 });
    expect(await s.command('a1', `LOGIN ${users.alice} wrong-password`)).toEqual([
      'a1 NO [AUTHENTICATIONFAILED] Authentication failed.',
    ]);
    expect(await s.command('a2', `LOGIN ${users.locked} "${password}"`)).toEqual([`a2 NO [ALERT] ${lockedReason}`]);
    expect(await s.command('a3', `LOGIN ${users.locked} wrong-password`)).toEqual([
      'a3 NO [AUTHENTICATIONFAILED] Authentication failed.',
    ]);
    expect(await s.command('a4', `LOGIN ${users.disabled} "${password}"`)).toEqual([
      `a4 NO [CONTACTADMIN] ${lockedReason}`,
    ]);
    const ok = await s.command('a5', `LOGIN ${users.alice} "${password}"`);
    expect(ok.at(-1)).toMatch(/^a5 OK \[CAPABILITY IMAP4rev1 .*\] Logged in$/);
    expect((await s.command('a6', 'EXAMINE INBOX')).at(-1)).toMatch(/^a6 OK \[READ-ONLY\] Examine completed/);
    s.close();
  });
});

describe.skipIf(!lab)('lab: imapflow against A', () => {
  const client = (pass: string, user = L().users.alice): ImapFlow =>
    new ImapFlow({
      host: L().hosts.good,
      port: 993,
      secure: true,
      auth: { user, pass },
      logger: false,
      tls: { ca: [readFileSync(L().certs.ca.crt, 'utf8')] },
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10_000,
    });

  it('logs in as alice and opens INBOX read-only', async () => {
    const c = client(L().password);
    c.on('error', () => undefined);
    await c.connect();
    const box = await c.mailboxOpen('INBOX', { readOnly: true });
    expect(box.readOnly).toBe(true);
    await c.logout();
  });

  it('wrong password → AUTHENTICATIONFAILED; locked → ALERT', async () => {
    const bad = client('not-the-password');
    bad.on('error', () => undefined);
    await expect(bad.connect()).rejects.toMatchObject({
      authenticationFailed: true,
      serverResponseCode: 'AUTHENTICATIONFAILED',
    });
    const locked = client(L().password, L().users.locked);
    locked.on('error', () => undefined);
    await expect(locked.connect()).rejects.toMatchObject({
      serverResponseCode: 'ALERT',
      responseText: L().lockedReason,
    });
  });
});

describe('lab: fake IMAP scripts', () => {
  const servers: FakeImapServer[] = [];
  const start = async (mode: FakeMode, script: FakeScript, withCert = false): Promise<FakeImapServer> => {
    const certs = lab?.certs;
    const s = await startFakeImap({
      host: '127.0.0.1',
      mode,
      script,
      ...(withCert && certs ? { cert: certs.good.crt, key: certs.good.key } : {}),
    });
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('silent never writes; close hangs up; bye and banners send one line', async () => {
    const silent = await start('plain', scripts.silent());
    expect(await readGreeting('127.0.0.1', silent.port, 300)).toBeNull();
    expect(silent.connections()).toBe(1);
    const closer = await start('plain', scripts.close());
    expect(await connectAndRead(closer.port)).toBe('');
    const bye = await start('plain', scripts.bye());
    expect(await connectAndRead(bye.port)).toBe('* BYE [UNAVAILABLE] Too many connections from your IP\r\n');
    for (const text of ['220 mail.example.test ESMTP Postfix', '+OK Dovecot ready.', 'SSH-2.0-OpenSSH_9.2p1']) {
      const b = await start('plain', scripts.banner(text));
      expect(await readGreeting('127.0.0.1', b.port, 1000)).toBe(text);
    }
  });

  it('starttlsInjection: tagged OK and injected line arrive in one segment, tag echoed', async () => {
    const f = await start('plain', scripts.starttlsInjection());
    const s = await rawSession({ host: '127.0.0.1', port: f.port });
    expect(s.greeting).toContain('STARTTLS');
    const before = s.chunks.length;
    s.write('x7 STARTTLS\r\n');
    expect(await s.readLine()).toBe('x7 OK Begin TLS negotiation now');
    expect(await s.readLine()).toBe('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected');
    expect(s.chunks.slice(before)).toEqual([
      'x7 OK Begin TLS negotiation now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n',
    ]);
    s.close();
  });

  it.skipIf(!lab)('starttlsInjection with a certificate still upgrades after the injected bytes', async () => {
    const f = await start('starttls', scripts.starttlsInjection(), true);
    const s = await rawSession({ host: '127.0.0.1', port: f.port });
    const { lines, leftover, socket } = await s.starttls('a1');
    expect(lines).toEqual(['a1 OK Begin TLS negotiation now']);
    expect(leftover).toBe('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n');
    expect(socket?.encrypted).toBe(true);
    expect((await s.command('a2', 'NOOP')).at(-1)).toBe('a2 OK NOOP completed');
    s.close();
  });

  it('starttlsRefused answers NO; the client sends no LOGIN', async () => {
    const f = await start('plain', scripts.starttlsRefused());
    const s = await rawSession({ host: '127.0.0.1', port: f.port });
    expect(s.greeting).toContain('STARTTLS');
    expect((await s.starttls('a1')).lines).toEqual(['a1 NO [UNAVAILABLE] TLS is not available right now']);
    s.close();
    expect(f.received('STARTTLS')).toHaveLength(1);
    expect(f.received('LOGIN')).toHaveLength(0);
  });

  it('handlers: scripted login text reaches imapflow; AUTHENTICATE PLAIN via "+" is decoded', async () => {
    const alert = 'Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)';
    const f = await start(
      'plain',
      scripts.handlers({
        greeting: '* OK Gimap ready for requests from 127.0.0.1 h1',
        capabilities: 'IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 SASL-IR AUTH=PLAIN',
        replies: { AUTHENTICATE: [`NO [ALERT] ${alert}`] },
      }),
    );
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: f.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'someone@example.test', pass: 'fake-secret-1' },
      logger: false,
      connectionTimeout: 3000,
      greetingTimeout: 3000,
    });
    c.on('error', () => undefined);
    await expect(c.connect()).rejects.toMatchObject({ serverResponseCode: 'ALERT', responseText: alert });
    expect(f.credentials).toEqual([
      { conn: 1, mechanism: 'PLAIN', saslIr: false, user: 'someone@example.test', pass: 'fake-secret-1' },
    ]);
    expect(f.received('LOGIN')).toHaveLength(0);
  });

  it('handlers: an OAuth error challenge ("+ <base64 json>") reaches imapflow as oauthError', async () => {
    const challenge = Buffer.from(
      JSON.stringify({ status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' }),
    ).toString('base64');
    const f = await start(
      'plain',
      scripts.handlers({
        capabilities: 'IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=PLAIN',
        replies: { AUTHENTICATE: [`+ ${challenge}`, 'NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)'] },
      }),
    );
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: f.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: 'someone@example.test', accessToken: 'ya29.fake-token' },
      logger: false,
      connectionTimeout: 3000,
      greetingTimeout: 3000,
    });
    c.on('error', () => undefined);
    await expect(c.connect()).rejects.toMatchObject({
      serverResponseCode: 'AUTHENTICATIONFAILED',
      oauthError: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' },
    });
    expect(f.credentials[0]).toMatchObject({ mechanism: 'XOAUTH2', saslIr: true, user: 'someone@example.test' });
    expect(f.credentials[0]?.payload).toContain('auth=Bearer ya29.fake-token');
    expect(f.lines.at(-1)).toMatchObject({ kind: 'line', text: '' }); // imapflow's XOAUTH2 breaker is an empty line
  });

  it('handlers: SASL-IR, AUTHENTICATE LOGIN, LOGIN with quoted strings and both literal kinds', async () => {
    const f = await start('plain', scripts.handlers({ replies: { LOGIN: ['NO [AUTHENTICATIONFAILED] nope'] } }));
    const s = await rawSession({ host: '127.0.0.1', port: f.port });
    const ir = Buffer.from('\0u1@example.test\0p1').toString('base64');
    expect(await s.command('a1', `AUTHENTICATE PLAIN ${ir}`)).toEqual([
      'a1 OK [CAPABILITY IMAP4rev1 NAMESPACE ID] Logged in',
    ]);
    s.write('a2 AUTHENTICATE LOGIN\r\n');
    expect(await s.readLine()).toBe('+ VXNlcm5hbWU6');
    s.write(`${Buffer.from('u2').toString('base64')}\r\n`);
    expect(await s.readLine()).toBe('+ UGFzc3dvcmQ6');
    s.write(`${Buffer.from('p2').toString('base64')}\r\n`);
    expect(await s.readLine()).toMatch(/^a2 OK/);
    expect(await s.command('a3', 'LOGIN "u3\\"q" "p 3\\\\"')).toEqual(['a3 NO [AUTHENTICATIONFAILED] nope']);
    s.write('a4 LOGIN {2}\r\n');
    expect(await s.readLine()).toBe('+ Ready for literal data');
    s.write('u4 {2+}\r\np4\r\n');
    expect(await s.readLine()).toBe('a4 NO [AUTHENTICATIONFAILED] nope');
    s.close();
    expect(f.credentials.map(({ mechanism, user, pass, saslIr }) => ({ mechanism, user, pass, saslIr }))).toEqual([
      { mechanism: 'PLAIN', user: 'u1@example.test', pass: 'p1', saslIr: true },
      { mechanism: 'LOGIN', user: 'u2', pass: 'p2', saslIr: false },
      { mechanism: 'LOGIN', user: 'u3"q', pass: 'p 3\\', saslIr: undefined },
      { mechanism: 'LOGIN', user: 'u4', pass: 'p4', saslIr: undefined },
    ]);
  });

  it.skipIf(!lab)('tls mode greets inside TLS; starttls mode upgrades and drops STARTTLS', async () => {
    const t = await start('tls', scripts.handlers(), true);
    const s1 = await rawSession({ host: '127.0.0.1', port: t.port, tls: true });
    expect(s1.greeting).toBe('* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN] imap-doctor fake ready.');
    s1.close();
    const st = await start('starttls', scripts.handlers(), true);
    const s2 = await rawSession({ host: '127.0.0.1', port: st.port });
    expect(s2.greeting).toContain(' STARTTLS]');
    const { socket } = await s2.starttls('a1', {
      ca: [readFileSync(L().certs.ca.crt)],
      servername: 'imap.example.test',
    });
    expect(socket?.authorized).toBe(true);
    expect(await s2.command('a2', 'CAPABILITY')).toEqual([
      '* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN',
      'a2 OK CAPABILITY completed',
    ]);
    s2.close();
    expect(st.commands.map((c) => `${c.layer}:${c.name}`)).toEqual(['plain:STARTTLS', 'tls:CAPABILITY']);
  });
});

function connectAndRead(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const s = net.connect({ host: '127.0.0.1', port });
    s.setEncoding('latin1');
    s.on('data', (d: string) => (data += d));
    s.on('end', () => resolve(data));
    s.on('error', reject);
    s.setTimeout(2000, () => s.destroy(new Error('no close')));
  });
}

describe.skipIf(!netnsOk)('lab: network namespaces', () => {
  let ns: NetnsLab;
  beforeAll(async () => {
    ns = await createNetns({ client: true, ipv6: true });
    const S = ns.server.ns;
    await ns.iptables(S, ['-A', 'INPUT', '-p', 'tcp', '--dport', '993', '-j', 'DROP']);
    await ns.iptables(S, ['-A', 'INPUT', '-p', 'tcp', '--dport', '995', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    await ns.iptables(S, [
      '-A',
      'INPUT',
      '-p',
      'tcp',
      '--dport',
      '466',
      '-j',
      'REJECT',
      '--reject-with',
      'icmp-host-unreachable',
    ]);
    const C = ns.client?.ns ?? '';
    for (const port of ['993', '143'])
      await ns.iptables(C, ['-A', 'OUTPUT', '-p', 'tcp', '--dport', port, '-j', 'DROP']);
  });
  afterAll(async () => {
    await ns?.destroy();
  });

  it('DROP times out, REJECT tcp-reset is ECONNREFUSED, icmp-host-unreachable is EHOSTUNREACH', async () => {
    const ip = ns.server.ip;
    const [drop, reset, host, closed] = await Promise.all([
      connectOutcome(ip, 993, 1000),
      connectOutcome(ip, 995, 1000),
      connectOutcome(ip, 466, 1000),
      connectOutcome(ip, 1143, 1000),
    ]);
    expect(drop).toBe('timeout after 1000 ms');
    expect(reset).toBe('ECONNREFUSED');
    expect(host).toBe('EHOSTUNREACH');
    expect(closed).toBe('ECONNREFUSED');
  });

  it('listeners inside the namespace answer over IPv4 and IPv6', async () => {
    const imap = await ns.listen(ns.server.ns, 143, { kind: 'imap' }, '::');
    expect(await readGreeting(ns.server.ip, imap.port, 2000)).toBe(
      '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] imap-doctor netns ready.',
    );
    expect(await readGreeting(ns.server.ip6 ?? '', imap.port, 2000)).toBe(
      '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] imap-doctor netns ready.',
    );
    await imap.stop();
  });

  it('client namespace: OUTPUT drops 993/143 while 443 works', async () => {
    const client = ns.client;
    if (!client) throw new Error('no client namespace');
    const https443 = lab
      ? await ns.listen(ns.server.ns, 443, { kind: 'https', cert: lab.certs.good.crt, key: lab.certs.good.key })
      : await ns.listen(ns.server.ns, 443, { kind: 'http' });
    const imap = await ns.listen(ns.server.ns, 993, { kind: 'tcp' });
    const probe = `
      const net = require('node:net');
      const go = (port) => new Promise((r) => { const s = net.connect({ host: '${client.serverIp}', port });
        s.setTimeout(800, () => { s.destroy(); r('timeout'); });
        s.on('connect', () => { s.destroy(); r('connected'); }); s.on('error', (e) => r(e.code)); });
      Promise.all([go(443), go(993), go(143)]).then((v) => console.log(v.join(',')));`;
    const out = await new Promise<string>((resolve) => {
      const child = ns.spawn(client.ns, process.execPath, ['-e', probe]);
      let o = '';
      child.stdout?.on('data', (d: Buffer) => (o += d.toString()));
      child.on('exit', () => resolve(o.trim()));
    });
    expect(out).toBe('connected,timeout,timeout');
    await Promise.all([https443.stop(), imap.stop()]);
  });

  it('spawned children are reaped by destroy()', async () => {
    const extra = await createNetns();
    const child = extra.spawn(extra.server.ns, 'sleep', ['30']);
    await new Promise((r) => setTimeout(r, 100));
    await extra.destroy();
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    const list = await new Promise<string>((resolve) => {
      let o = '';
      const p = spawn('ip', ['netns', 'list']);
      p.stdout.on('data', (d: Buffer) => (o += d.toString()));
      p.on('exit', () => resolve(o));
    });
    expect(list).not.toContain(extra.server.ns);
  });
});
