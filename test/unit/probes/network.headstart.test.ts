/**
 * Head-start references: a connect that hangs gets its address tried on the web ports early, so
 * an all-dropped run costs about one timeout plus the head start; a connect that answers in time
 * triggers nothing; probeNetwork reuses what was started and stops what the plan does not need.
 */
import { describe, expect, it } from 'vitest';
import type { ProbeError } from '../../../src/model/evidence.js';
import { HeadStart, probeNetwork, type NetworkContext } from '../../../src/probes/network.js';
import type { TcpConnect } from '../../../src/probes/tcp.js';
import { NODE_IO } from '../../../src/io.js';
import { addressProbe, candidate, endpoint } from '../../helpers/evidence.js';

type Connect = TcpConnect;

/** A connect that never answers (until aborted) and records what was dialled. */
function silentConnect(log: string[]): Connect {
  return (address, port, _family, signal) => {
    log.push(`${address}:${port}`);
    const t0 = performance.now();
    return new Promise((resolve) => {
      const done = () =>
        resolve({
          ok: false,
          error: {
            code: signal.reason instanceof DOMException ? 'TIMEOUT' : 'ABORTED',
            message: String(signal.reason?.name),
          } as ProbeError,
          ms: Math.round(performance.now() - t0),
        });
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  };
}

const ctxFor = (connect: Connect, timeoutMs = 300): NetworkContext & { startAfterMs: number } => ({
  io: NODE_IO,
  timeoutMs,
  run: new AbortController().signal,
  referencePorts: [443, 80],
  imapPorts: { tls: 993, starttls: 143, plain: 143 },
  discovery: null,
  connect,
  startAfterMs: 20,
});

const dropped = (code: 'TIMEOUT' | 'REFUSED') =>
  endpoint(candidate('imap.example.com', 993, 'tls'), {
    addresses: [addressProbe('tls', { tcp: { state: 'failed', error: { code, message: code }, ms: 300 } })],
    resolve: { ms: 0, via: 'pinned', a: 'records', aaaa: 'nodata', addresses: [{ address: '192.0.2.10', family: 4 }] },
  });

/** The TCP stage event of imap.example.com:993's address 192.0.2.10, as the doctor emits it. */
const tcpStage = (state: 'start' | 'ok' | 'failed') =>
  ({
    kind: 'stage',
    endpoint: 'imap.example.com:993/tls',
    host: 'imap.example.com',
    address: '192.0.2.10',
    stage: 'tcp',
    state,
  }) as const;

describe('HeadStart', () => {
  it('starts the web-port references once a connect has hung for startAfterMs, and probeNetwork reuses them', async () => {
    const log: string[] = [];
    const ctx = ctxFor(silentConnect(log));
    const head = new HeadStart(ctx);
    head.observe(tcpStage('start'));
    await new Promise((r) => setTimeout(r, 60));
    expect(log).toEqual(['192.0.2.10:443', '192.0.2.10:80']);
    head.observe(tcpStage('failed'));
    const net = await probeNetwork([dropped('TIMEOUT')], ctx, head);
    // 443 and 80 were not dialled a second time; only the other IMAP port was new.
    expect(log).toEqual(['192.0.2.10:443', '192.0.2.10:80', '192.0.2.10:143']);
    expect(net.references.map((r) => `${r.purpose} ${r.port} ${r.outcome.state}`)).toEqual([
      'same-host-web 443 failed',
      'same-host-web 80 failed',
      'same-host-other-imap 143 failed',
    ]);
  });

  it('a connect that answers in time starts nothing', async () => {
    const log: string[] = [];
    const head = new HeadStart(ctxFor(silentConnect(log)));
    head.observe(tcpStage('start'));
    head.observe(tcpStage('ok'));
    await new Promise((r) => setTimeout(r, 60));
    expect(log).toEqual([]);
  });

  it('head starts the plan does not need (the port was refused after all) are stopped at once', async () => {
    const log: string[] = [];
    const ctx = ctxFor(silentConnect(log), 10_000);
    const head = new HeadStart(ctx);
    head.observe(tcpStage('start'));
    await new Promise((r) => setTimeout(r, 60));
    const pending = head.take('192.0.2.10', 443);
    expect(pending).toBeDefined();
    const t0 = performance.now();
    const net = await probeNetwork([dropped('REFUSED')], ctx, head);
    expect(net.references).toEqual([]);
    const r = await pending;
    expect(r?.outcome.state).toBe('failed');
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
