/**
 * probeEndpoint's conversation driven over an in-memory duplex (DoctorDeps.io): greeting and
 * CAPABILITY, STARTTLS accepted (real TLS on both ends of the pair), refused, or followed by injected
 * bytes, a BYE greeting, a server that drips, a line past the limit, a refused connect. Fast unit
 * tests of the path the lab covers end to end, and the behaviours no real server produces on purpose.
 */
import type { Duplex } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AddressProbe, Security } from '../../../src/model/evidence.js';
import type { Io } from '../../../src/io.js';
import { probeEndpoint, type EndpointContext } from '../../../src/probes/endpoint.js';
import { createTrustStore } from '../../../src/probes/trust.js';
import { OPEN_POLICY } from '../../../src/util/ip.js';
import { candidate } from '../../helpers/evidence.js';
import {
  makeTestCert,
  memoryIo,
  netError,
  onLines,
  serverTlsOnHello,
  type Serve,
  type TestCert,
} from '../../helpers/memory-io.js';

const HOST = 'imap.example.test';
const ADDRESS = '192.0.2.10';
let cert: TestCert;

beforeAll(async () => {
  cert = await makeTestCert([HOST]);
});

function ctxFor(io: Io, over: Partial<EndpointContext> = {}): EndpointContext {
  return {
    io,
    trust: createTrustStore([cert.cert]),
    policy: OPEN_POLICY,
    lookup: async () => {
      throw new Error('pinned: no lookup expected');
    },
    pinned: { [HOST]: [ADDRESS] },
    timeoutMs: 2000,
    run: new AbortController().signal,
    maxLineBytes: 4096,
    transcript: true,
    emit: () => {},
    ...over,
  };
}

async function probe(
  serve: Serve,
  security: Security,
  over: Partial<EndpointContext> = {},
): Promise<{ a: AddressProbe; io: ReturnType<typeof memoryIo> }> {
  const io = memoryIo(serve);
  const e = await probeEndpoint(candidate(HOST, security === 'tls' ? 993 : 143, security), 0, ctxFor(io, over));
  expect(e.addresses).toHaveLength(1);
  return { a: e.addresses[0] as AddressProbe, io };
}

/** A scripted IMAP server: the greeting, then each tagged command answered by `reply` (lines without CRLF). */
function imap(
  greeting: string,
  reply: (tag: string, command: string, s: Duplex, stop: () => void) => string[] | void,
): Serve {
  return (s) => {
    s.write(`${greeting}\r\n`);
    const stop = onLines(s, (line) => {
      const [tag = '', command = ''] = line.split(' ');
      const out = reply(tag, command.toUpperCase(), s, stop);
      if (out) s.write(out.map((l) => `${l}\r\n`).join(''));
    });
  };
}

const capability = (tag: string, caps: string) => [`* CAPABILITY ${caps}`, `${tag} OK done`];

/** STARTTLS answered OK (with `extra` bytes in the same write), then TLS and a CAPABILITY over it. */
function starttlsServer(extra = ''): Serve {
  return imap('* OK ready', (tag, command, s, stop) => {
    if (command === 'CAPABILITY') return capability(tag, 'IMAP4rev1 STARTTLS LOGINDISABLED');
    if (command !== 'STARTTLS') return [`${tag} BAD unexpected`];
    stop();
    s.write(`${tag} OK begin TLS\r\n${extra}`);
    serverTlsOnHello(s, cert, (t) =>
      onLines(t, (line) => {
        const [tag2 = '', cmd2 = ''] = line.split(' ');
        if (cmd2.toUpperCase() === 'CAPABILITY')
          t.write(
            capability(tag2, 'IMAP4rev1 AUTH=PLAIN')
              .map((l) => `${l}\r\n`)
              .join(''),
          );
      }),
    );
    return undefined;
  });
}

describe('probeEndpoint over an in-memory duplex', () => {
  it('reads the greeting and the CAPABILITY reply, dialling the pinned address through the injected connect', async () => {
    const { a, io } = await probe(
      imap('* OK [CAPABILITY IMAP4rev1 STARTTLS] hello', (tag, command) =>
        command === 'CAPABILITY' ? capability(tag, 'IMAP4rev1 STARTTLS ID') : [`${tag} BAD no`],
      ),
      'plain',
    );
    expect(io.dialled.map((d) => `${d.address}:${d.port}/${d.family}`)).toEqual([`${ADDRESS}:143/4`]);
    expect(a.tcp).toMatchObject({ state: 'ok', value: { localAddress: '198.51.100.1' } });
    expect(a.greeting).toMatchObject({ state: 'ok', value: { kind: 'ok' } });
    expect(a.capability).toMatchObject({ state: 'ok', value: ['IMAP4rev1', 'STARTTLS', 'ID'] });
    expect(a.transcript?.map((l) => `${l.dir} ${l.text}`)).toEqual(
      expect.arrayContaining(['c a1 CAPABILITY', 's * CAPABILITY IMAP4rev1 STARTTLS ID']),
    );
  });

  it('STARTTLS accepted: TLS runs over the same stream, the chain verifies against the trust store, CAPABILITY is asked again', async () => {
    const { a } = await probe(starttlsServer(), 'starttls');
    expect(a.starttls).toMatchObject({
      state: 'ok',
      value: { advertised: true, response: { status: 'OK' }, injectedBytes: 0 },
    });
    expect(a.starttlsTls).toMatchObject({
      state: 'ok',
      value: { chainVerified: true, hostnameOk: true, hostnameChecked: HOST, servername: HOST },
    });
    expect(a.capabilityAfterTls).toMatchObject({ state: 'ok', value: ['IMAP4rev1', 'AUTH=PLAIN'] });
  });

  it('STARTTLS refused: the reply is the evidence and no handshake is tried', async () => {
    const { a, io } = await probe(
      imap('* OK ready', (tag, command) =>
        command === 'CAPABILITY' ? capability(tag, 'IMAP4rev1') : [`${tag} NO STARTTLS not available`],
      ),
      'starttls',
    );
    expect(a.starttls).toMatchObject({
      state: 'ok',
      value: { advertised: false, response: { status: 'NO' }, injectedBytes: 0 },
    });
    expect(a.starttlsTls).toEqual({ state: 'skipped', blockedBy: 'starttls' });
    expect(a.capabilityAfterTls).toEqual({ state: 'skipped', blockedBy: 'starttls' });
    expect(io.dialled).toHaveLength(1);
  });

  it('bytes after the STARTTLS OK and before the handshake are recorded as injection evidence', async () => {
    const { a } = await probe(starttlsServer('* OK [ALERT] injected\r\n'), 'starttls', { timeoutMs: 500 });
    expect(a.starttls).toMatchObject({
      state: 'ok',
      value: { response: { status: 'OK' }, injectedSample: '* OK [ALERT] injected' },
    });
    expect(a.starttls?.state === 'ok' && a.starttls.value.injectedBytes).toBe('* OK [ALERT] injected\r\n'.length);
  });

  it('a BYE greeting ends the conversation: no CAPABILITY is sent', async () => {
    const seen: string[] = [];
    const { a } = await probe(
      imap('* BYE too many connections from your address', (_t, command) => {
        seen.push(command);
        return undefined;
      }),
      'starttls',
    );
    expect(a.greeting).toMatchObject({ state: 'ok', value: { kind: 'bye' } });
    expect(a.capability).toEqual({ state: 'skipped', blockedBy: 'greeting' });
    expect(seen).not.toContain('CAPABILITY');
  });

  it('a server that drips its greeting a byte at a time ends at the step timeout, then TLS is tried on the port', async () => {
    const serve: Serve = (s) => {
      const text = Buffer.from('* OK dripping forever '.repeat(100));
      let i = 0;
      const t = setInterval(() => (i < text.length ? s.write(text.subarray(i, ++i)) : clearInterval(t)), 20);
      s.on('close', () => clearInterval(t));
      s.on('error', () => clearInterval(t));
    };
    const { a, io } = await probe(serve, 'plain', { timeoutMs: 300 });
    expect(a.greeting).toMatchObject({ state: 'failed', error: { code: 'TIMEOUT' } });
    expect(a.capability).toEqual({ state: 'skipped', blockedBy: 'greeting' });
    expect(a.modeCheck?.tried).toBe('tls');
    expect(io.dialled).toHaveLength(2);
  });

  it('a CAPABILITY line past maxLineBytes fails the command with LINE_TOO_LONG', async () => {
    const { a } = await probe(
      imap('* OK ready', (tag, command, s) => {
        if (command !== 'CAPABILITY') return [`${tag} BAD no`];
        // As a network delivers it: in pieces, no newline within the limit.
        for (let i = 0; i < 8; i++) s.write(i === 0 ? '* CAPABILITY IMAP4rev1 ' : 'X'.repeat(1024));
        return undefined;
      }),
      'plain',
    );
    expect(a.greeting.state).toBe('ok');
    expect(a.capability).toMatchObject({ state: 'failed', error: { code: 'LINE_TOO_LONG' } });
  });

  it('a refused connect is a failed tcp stage classified REFUSED, everything after it skipped', async () => {
    const { a } = await probe(() => netError('ECONNREFUSED'), 'tls');
    expect(a.tcp).toMatchObject({ state: 'failed', error: { code: 'REFUSED' } });
    expect(a.tls).toEqual({ state: 'skipped', blockedBy: 'tcp' });
    expect(a.greeting).toEqual({ state: 'skipped', blockedBy: 'tcp' });
  });

  it('a connect that never answers ends at the step timeout as TIMEOUT', async () => {
    const { a } = await probe(() => 'silent', 'tls', { timeoutMs: 200 });
    expect(a.tcp).toMatchObject({ state: 'failed', error: { code: 'TIMEOUT' } });
  });
});
