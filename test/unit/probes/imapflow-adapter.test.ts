/**
 * The imapflow adapter (src/probes/imapflow-adapter.ts) and the kept-connection rules
 * (src/probes/kept.ts). Every member of imapflow the adapter reads without a declaration in
 * imapflow's .d.ts exists on a real ImapFlow instance and its prototype, so an imapflow upgrade
 * that renames or drops one fails here; the options are imapflow's own typed ones (a kept
 * connection: TLS already, no STARTTLS, our transport); and the greeting replayed to imapflow
 * comes only from a conversation fit for a login. The same fields after a real login against
 * Dovecot: test/integration/probes/kept.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import {
  clientOptions,
  IMAPFLOW_PRIVATE,
  internalsOf,
  KeptHandoff,
  loadCompiler,
  mechanismUsed,
  type ClientParams,
} from '../../../src/probes/imapflow-adapter.js';
import { replayFor, type KeptConnection } from '../../../src/probes/kept.js';
import { createTrustStore } from '../../../src/probes/trust.js';
import { Secret } from '../../../src/util/secret.js';
import { addressProbe, greeting, tlsInfo } from '../../helpers/evidence.js';

const params = (over: Partial<ClientParams> = {}): ClientParams => ({
  host: 'imap.example.com',
  address: '192.0.2.10',
  port: 993,
  security: 'tls',
  user: 'alice',
  password: new Secret('pw-123456'),
  trust: createTrustStore([]),
  timeoutMs: 2000,
  clientVersion: '0.0.0',
  logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  ...over,
});

describe("imapflow's private members the adapter reads", () => {
  const client = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false });
  it.each(IMAPFLOW_PRIVATE.instance)('a new client has %s (a Map)', (field) => {
    expect((client as unknown as Record<string, unknown>)[field]).toBeInstanceOf(Map);
  });
  it.each(IMAPFLOW_PRIVATE.prototype)('ImapFlow.prototype has %s()', (method) => {
    expect(typeof (ImapFlow.prototype as unknown as Record<string, unknown>)[method]).toBe('function');
  });
  it('the members read are still undeclared in imapflow.d.ts (declared ones are read without a cast)', () => {
    const dts = readFileSync(
      createRequire(import.meta.url)
        .resolve('imapflow')
        .replace(/imap-flow\.js$/, 'imap-flow.d.ts'),
      'utf8',
    );
    for (const m of [...IMAPFLOW_PRIVATE.instance, ...IMAPFLOW_PRIVATE.prototype])
      expect(dts).not.toMatch(new RegExp(`^\\s+${m}[(:?]`, 'm'));
    for (const m of ['capabilities', 'byeReason', 'isClosed']) expect(dts).toMatch(new RegExp(`^\\s+${m}: `, 'm'));
  });
  it('the response compiler loads and turns a parsed response back into its line', async () => {
    const compile = await loadCompiler();
    expect(compile({ tag: '*', command: 'OK', attributes: [{ type: 'TEXT', value: 'ready' }] }).toString()).toBe(
      '* OK ready',
    );
  });
  it('mechanismUsed reads the AUTH=… entry imapflow marks true; internalsOf refuses a client without exec/write', () => {
    const c = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false });
    expect(mechanismUsed(c)).toBeUndefined();
    (c as unknown as { authCapabilities: Map<string, boolean> }).authCapabilities
      .set('AUTH=LOGIN', false)
      .set('AUTH=PLAIN', true);
    expect(mechanismUsed(c)).toBe('AUTH=PLAIN');
    expect(() => internalsOf(c)).not.toThrow();
    expect(() => internalsOf({} as ImapFlow)).toThrow(/imapflow no longer has exec/);
  });
});

describe('clientOptions', () => {
  it('a new connection: TLS or STARTTLS as the endpoint says, verified against the host, no transport', () => {
    const o = clientOptions(params({ security: 'starttls', port: 143 }));
    expect(o).toMatchObject({
      host: '192.0.2.10',
      port: 143,
      secure: false,
      doSTARTTLS: true,
      servername: 'imap.example.com',
      auth: { user: 'alice', pass: 'pw-123456' },
    });
    expect(o.tls?.rejectUnauthorized).toBe(true);
    expect(o.transport).toBeUndefined();
    expect(
      o.tls?.checkServerIdentity?.('192.0.2.10', {
        subject: { CN: 'other.example' },
        subjectaltname: 'DNS:other.example',
      } as never),
    ).toBeInstanceOf(Error);
  });
  it('a kept connection: TLS already, never STARTTLS again, over the transport that replays the greeting', () => {
    const kept = new KeptHandoff({
      socket: {},
      replay: '* OK ready',
      endpoint: 'e',
      address: '192.0.2.10',
    } as unknown as KeptConnection);
    const o = clientOptions(params({ security: 'starttls', port: 143, kept }));
    expect(o).toMatchObject({ secure: true, doSTARTTLS: false });
    expect(typeof o.transport?.connect).toBe('function');
    expect(o.transport?.upgrade).toBeUndefined();
  });
  it('an OAuth token goes as accessToken, never as a password', () => {
    expect(clientOptions(params({ password: undefined, oauthToken: new Secret('tok-abcdef') })).auth).toEqual({
      user: 'alice',
      accessToken: 'tok-abcdef',
    });
  });
});

describe('replayFor: the greeting handed to the login, only after a conversation fit for one', () => {
  it('implicit TLS that verified: the greeting with the capabilities read on this connection', () => {
    expect(replayFor(addressProbe('tls'), 'tls')).toBe('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.');
  });
  it('STARTTLS: the capabilities read after TLS, not the cleartext ones', () => {
    expect(replayFor(addressProbe('starttls'), 'starttls')).toBe('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.');
  });
  it('nothing when TLS did not verify (chain or name), on plaintext, after a PREAUTH or BYE greeting', () => {
    expect(
      replayFor(addressProbe('tls', { tls: { state: 'ok', value: tlsInfo({ chainVerified: false }), ms: 1 } }), 'tls'),
    ).toBeUndefined();
    expect(
      replayFor(addressProbe('tls', { tls: { state: 'ok', value: tlsInfo({ hostnameOk: false }), ms: 1 } }), 'tls'),
    ).toBeUndefined();
    expect(replayFor(addressProbe('plain'), 'plain')).toBeUndefined();
    expect(
      replayFor(
        addressProbe('tls', { greeting: { state: 'ok', value: { ...greeting(), kind: 'preauth' }, ms: 1 } }),
        'tls',
      ),
    ).toBeUndefined();
    expect(
      replayFor(
        addressProbe('tls', { greeting: { state: 'ok', value: { ...greeting(), kind: 'bye' }, ms: 1 } }),
        'tls',
      ),
    ).toBeUndefined();
  });
  it('nothing after STARTTLS with injected bytes, a refused STARTTLS, or no CAPABILITY after TLS', () => {
    const base = addressProbe('starttls');
    const st = base.starttls?.state === 'ok' ? base.starttls.value : undefined;
    expect(
      replayFor({ ...base, starttls: { state: 'ok', value: { ...st!, injectedBytes: 12 }, ms: 1 } }, 'starttls'),
    ).toBeUndefined();
    expect(
      replayFor(
        {
          ...base,
          starttls: { state: 'ok', value: { ...st!, response: { status: 'NO', text: 'no', line: 'a2 NO no' } }, ms: 1 },
        },
        'starttls',
      ),
    ).toBeUndefined();
    expect(
      replayFor(
        { ...base, capabilityAfterTls: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 } },
        'starttls',
      ),
    ).toBeUndefined();
  });
  it('a capability that could break the response code is left out; a greeting without any keeps its text', () => {
    const noCaps = { state: 'ok' as const, value: { line: '* OK ready.', kind: 'ok' as const, text: 'ready.' }, ms: 1 };
    const r = addressProbe('tls', {
      greeting: noCaps,
      capability: { state: 'ok', value: ['IMAP4rev1', 'X]INJECT', 'AUTH=PLAIN'], ms: 1 },
    });
    expect(replayFor(r, 'tls')).toBe('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.');
    const both = addressProbe('tls', { capability: { state: 'ok', value: ['IMAP4rev1', 'QUOTA'], ms: 1 } });
    expect(replayFor(both, 'tls'), 'the greeting list wins, as on a new connection').toBe(
      '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.',
    );
    const bare = addressProbe('tls', {
      greeting: { state: 'ok', value: { line: '* OK hi', kind: 'ok', text: 'hi' }, ms: 1 },
      capability: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 },
    });
    expect(replayFor(bare, 'tls')).toBe('* OK hi');
  });
});
