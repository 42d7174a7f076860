/**
 * The reference probes: planned only when a failure needs interpreting (a dropped or unreachable
 * IMAP port, DNS without an answer), never twice for one address and port, and run all at once
 * under a single step signal, so the whole step costs one timeout however many there are. Connects are
 * injected here; against real loopback sockets: test/integration/probes/network.test.ts.
 */
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AddressProbe, EndpointEvidence, Family, ProbeErrorCode, Security } from '../../../src/model/evidence.js';
import {
  HeadStart,
  planReferences,
  probeNetwork,
  UserReference,
  type NetworkContext,
} from '../../../src/probes/network.js';
import type { ResolveEvidence } from '../../../src/model/evidence.js';
import type { TcpConnect } from '../../../src/probes/tcp.js';
import { NODE_IO } from '../../../src/io.js';
import { DeadlineReached } from '../../../src/util/deadline.js';
import { classifyError } from '../../../src/errors/classify.js';
import { addressProbe, candidate, endpoint } from '../../helpers/evidence.js';

const PORTS = {
  io: NODE_IO,
  referencePorts: [443, 80],
  imapPorts: { tls: 993, starttls: 143, plain: 143 },
  discovery: null,
};

function withTcp(
  security: Security,
  code: ProbeErrorCode | 'ok',
  address = '192.0.2.10',
  family: Family = 4,
): AddressProbe {
  return addressProbe(security, {
    address,
    family,
    tcp: code === 'ok' ? { state: 'ok', value: {}, ms: 1 } : { state: 'failed', error: { code, message: code }, ms: 1 },
  });
}

function ep(host: string, port: number, security: Security, addresses: AddressProbe[]): EndpointEvidence {
  return endpoint(candidate(host, port, security), {
    addresses,
    resolve: {
      ms: 1,
      via: 'pinned',
      a: 'records',
      aaaa: 'nodata',
      addresses: addresses.map((a) => ({ address: a.address, family: a.family })),
    },
  });
}

const brief = (plan: ReturnType<typeof planReferences>) => plan.map((p) => `${p.purpose} ${p.address}:${p.port}`);

describe('planReferences', () => {
  it('nothing to interpret when connects work or are refused', () => {
    expect(
      planReferences(
        [
          ep('imap.example.com', 993, 'tls', [withTcp('tls', 'ok')]),
          ep('imap.example.com', 143, 'starttls', [withTcp('starttls', 'REFUSED')]),
        ],
        PORTS,
      ),
    ).toEqual([]);
  });

  it('no route on this computer says nothing about the host: no references', () => {
    expect(
      planReferences(
        [ep('imap.example.com', 993, 'tls', [withTcp('tls', 'NET_UNREACHABLE', '2001:db8::10', 6)])],
        PORTS,
      ),
    ).toEqual([]);
  });

  it('a dropped 993 alone: the web ports and 143 on the same address', () => {
    const plan = planReferences([ep('imap.example.com', 993, 'tls', [withTcp('tls', 'TIMEOUT')])], PORTS);
    expect(brief(plan)).toEqual([
      'same-host-web 192.0.2.10:443',
      'same-host-web 192.0.2.10:80',
      'same-host-other-imap 192.0.2.10:143',
    ]);
    expect(plan[0]).toMatchObject({ host: 'imap.example.com', family: 4, forEndpoints: ['imap.example.com:993/tls'] });
  });

  it('ports an endpoint already tried are not tried again; two endpoints on one address share the probes', () => {
    const es = [
      ep('imap.example.com', 993, 'tls', [withTcp('tls', 'TIMEOUT')]),
      ep('imap.example.com', 143, 'starttls', [withTcp('starttls', 'HOST_UNREACHABLE')]),
      ep('mail.example.com', 993, 'tls', [withTcp('tls', 'TIMEOUT')]),
    ];
    const plan = planReferences(es, PORTS);
    expect(brief(plan)).toEqual(['same-host-web 192.0.2.10:443', 'same-host-web 192.0.2.10:80']);
    expect(plan[0]?.forEndpoints).toEqual([
      'imap.example.com:993/tls',
      'imap.example.com:143/starttls',
      'mail.example.com:993/tls',
    ]);
  });

  it('each family and address separately', () => {
    const plan = planReferences(
      [ep('imap.example.com', 993, 'tls', [withTcp('tls', 'ok'), withTcp('tls', 'TIMEOUT', '2001:db8::10', 6)])],
      { ...PORTS, referencePorts: [443] },
    );
    expect(brief(plan)).toEqual(['same-host-web 2001:db8::10:443', 'same-host-other-imap 2001:db8::10:143']);
    expect(plan.every((p) => p.family === 6)).toBe(true);
  });

  it('DNS without any answer: the resolvers over TCP (loopback ones skipped); any DNS answer makes it unnecessary', () => {
    const unresolved = (name: string): EndpointEvidence => ({
      ...ep(name, 993, 'tls', []),
      resolve: {
        ms: 2,
        via: 'system',
        a: 'timeout',
        aaaa: 'timeout',
        addresses: [],
        error: { code: 'DNS_TIMEOUT', message: 'timeout' },
      },
    });
    const dnsServers = ['127.0.0.53', '192.0.2.53', '[2001:db8::53]:5353'];
    expect(brief(planReferences([unresolved('imap.example.com')], { ...PORTS, dnsServers }))).toEqual([
      'resolver 192.0.2.53:53',
      'resolver 2001:db8::53:5353',
    ]);
    const resolved = {
      ...unresolved('mail.example.com'),
      resolve: { ms: 2, via: 'system', a: 'nxdomain' as const, aaaa: 'nxdomain' as const, addresses: [] },
    };
    expect(planReferences([unresolved('imap.example.com'), resolved], { ...PORTS, dnsServers })).toEqual([]);
    expect(
      planReferences([unresolved('imap.example.com')], {
        ...PORTS,
        dnsServers,
        discovery: { domain: 'example.com', sources: [], resolverWorking: true },
      }),
    ).toEqual([]);
  });

  it('a --dns server named by the lookup itself is the one tried', () => {
    const e: EndpointEvidence = {
      ...ep('imap.example.com', 993, 'tls', []),
      resolve: {
        ms: 2,
        via: '192.0.2.54:5300',
        a: 'unreachable',
        aaaa: 'unreachable',
        addresses: [],
        error: { code: 'DNS_UNREACHABLE', message: 'x' },
      },
    };
    expect(brief(planReferences([e], PORTS))).toEqual(['resolver 192.0.2.54:5300']);
  });
});

describe('probeNetwork', () => {
  const dropped = [
    ep('imap.example.com', 993, 'tls', [withTcp('tls', 'TIMEOUT')]),
    ep('mail.example.com', 993, 'tls', [withTcp('tls', 'TIMEOUT', '192.0.2.11')]),
  ];

  it('starts every reference at once under one shared signal and stops them all at one step timeout', async () => {
    const signals = new Set<AbortSignal>();
    let started = 0;
    const silent: TcpConnect = (_a, _p, _f, signal) => {
      started++;
      signals.add(signal);
      return new Promise((resolve) =>
        signal.addEventListener(
          'abort',
          () => resolve({ ok: false, error: { code: 'TIMEOUT', message: 'no answer' }, ms: 150 }),
          { once: true },
        ),
      );
    };
    const t0 = performance.now();
    const ev = await probeNetwork(dropped, {
      ...PORTS,
      timeoutMs: 150,
      run: new AbortController().signal,
      connect: silent,
    });
    const ms = performance.now() - t0;
    expect(started).toBe(6);
    expect(signals.size).toBe(1);
    expect(ev.references.map((r) => r.outcome.state)).toEqual(Array(6).fill('failed'));
    // Bounded waiting is the behaviour under test: one timeout, not six (generous bound).
    expect(ms).toBeLessThan(150 * 4);
  });

  /** A fake connect: per port open, refused, or silent until the signal fires (classified like connectTcp does). */
  const behaving =
    (by: Record<number, 'open' | 'refused' | 'silent'>): TcpConnect =>
    (_a, port, _f, signal) =>
      new Promise((resolve) => {
        const kind = by[port] ?? 'silent';
        if (kind === 'open')
          setTimeout(
            () => resolve({ ok: true, socket: { destroy: () => undefined } as unknown as net.Socket, ms: 5 }),
            5,
          );
        else if (kind === 'refused')
          setTimeout(() => resolve({ ok: false, error: { code: 'REFUSED', message: 'refused' }, ms: 5 }), 5);
        else
          signal.addEventListener(
            'abort',
            () => resolve({ ok: false, error: classifyError(signal.reason, signal), ms: 1 }),
            { once: true },
          );
      });
  const outcomes = (ev: Awaited<ReturnType<typeof probeNetwork>>) =>
    ev.references.map((r) => `${r.port} ${r.outcome.state === 'failed' ? r.outcome.error.code : r.outcome.state}`);

  it('stops waiting once every question is answered: the host answered and an IMAP port did too', async () => {
    const t0 = performance.now();
    const ev = await probeNetwork(dropped.slice(0, 1), {
      ...PORTS,
      timeoutMs: 5000,
      run: new AbortController().signal,
      connect: behaving({ 443: 'open', 143: 'refused' }),
    });
    expect(outcomes(ev)).toEqual(['443 ok', '80 ABORTED', '143 REFUSED']);
    expect(ev.references[1]?.outcome).toMatchObject({ error: { code: 'ABORTED', why: { code: 'not-needed' } } });
    expect(performance.now() - t0).toBeLessThan(2500);
  });

  it('waits for the other IMAP port while it is still out: a late answer there would rule out a local block', async () => {
    const ev = await probeNetwork(dropped.slice(0, 1), {
      ...PORTS,
      timeoutMs: 200,
      run: new AbortController().signal,
      connect: behaving({ 443: 'open', 80: 'open' }),
    });
    expect(outcomes(ev)).toEqual(['443 ok', '80 ok', '143 TIMEOUT']);
  });

  it('a silent address keeps every probe to the full step timeout (that silence is the evidence)', async () => {
    const ev = await probeNetwork(dropped, {
      ...PORTS,
      timeoutMs: 200,
      run: new AbortController().signal,
      connect: behaving({}),
    });
    expect(outcomes(ev)).toEqual([
      '443 TIMEOUT',
      '80 TIMEOUT',
      '143 TIMEOUT',
      '443 TIMEOUT',
      '80 TIMEOUT',
      '143 TIMEOUT',
    ]);
  });

  it('the run deadline stops it too, recorded as aborted', async () => {
    const run = new AbortController();
    run.abort(new DeadlineReached());
    const ev = await probeNetwork(dropped.slice(0, 1), { ...PORTS, timeoutMs: 60_000, run: run.signal });
    expect(ev.references.map((r) => (r.outcome.state === 'failed' ? r.outcome.error.code : r.outcome.state))).toEqual([
      'ABORTED',
      'ABORTED',
      'ABORTED',
    ]);
  });

  it('nothing to interpret: no connection at all', async () => {
    let called = false;
    const ev = await probeNetwork([ep('imap.example.com', 993, 'tls', [withTcp('tls', 'ok')])], {
      ...PORTS,
      timeoutMs: 100,
      run: new AbortController().signal,
      connect: () => {
        called = true;
        throw new Error('must not connect');
      },
    });
    expect(ev).toEqual({ references: [], clock: [] });
    expect(called).toBe(false);
  });
});

describe('the --reference server (UserReference)', () => {
  const run = () => new AbortController().signal;
  const resolved = (addresses: ResolveEvidence['addresses']): ResolveEvidence => ({
    ms: 1,
    via: 'system',
    a: 'records',
    aaaa: 'records',
    addresses,
  });
  /** A reference whose look-ups and connects are logged; the connect answers per address. */
  function reference(
    resolve: ResolveEvidence,
    answer: (address: string) => 'open' | 'silent',
    log: string[],
    timeoutMs = 150,
  ) {
    const connect: TcpConnect = (address, port, _f, signal) => {
      log.push(`connect ${address}:${port}`);
      if (answer(address) === 'open')
        return Promise.resolve({ ok: true, socket: { destroy: () => undefined } as unknown as net.Socket, ms: 3 });
      return new Promise((r) =>
        signal.addEventListener(
          'abort',
          () => r({ ok: false, error: classifyError(signal.reason, signal), ms: timeoutMs }),
          { once: true },
        ),
      );
    };
    const ref = new UserReference(
      { host: 'imap.example.net', port: 993 },
      {
        resolve: async () => {
          log.push('resolve');
          return resolve;
        },
        timeoutMs,
        run: run(),
        io: NODE_IO,
        connect,
      },
    );
    return {
      ref,
      ctx: {
        ...PORTS,
        referencePorts: [443],
        timeoutMs,
        run: run(),
        connect,
        reference: ref,
      } satisfies NetworkContext & { startAfterMs?: number },
    };
  }
  const dropped = [ep('imap.example.com', 993, 'tls', [withTcp('tls', 'TIMEOUT')])];

  it('an IMAP connect without an answer: the reference is looked up and tried on its port, one address per family, recorded first', async () => {
    const log: string[] = [];
    const { ctx } = reference(
      resolved([
        { address: '198.51.100.7', family: 4 },
        { address: '198.51.100.8', family: 4 },
        { address: '2001:db8::7', family: 6 },
      ]),
      (a) => (a === '198.51.100.7' ? 'open' : 'silent'),
      log,
    );
    const ev = await probeNetwork(dropped, ctx);
    expect(log.filter((l) => l.includes('993') || l === 'resolve').sort()).toEqual([
      'connect 198.51.100.7:993',
      'connect 2001:db8::7:993',
      'resolve',
    ]);
    const user = ev.references.filter((r) => r.purpose === 'user-reference');
    expect(ev.references.slice(0, 2)).toEqual(user);
    expect(
      user.map(
        (r) =>
          `${r.host} ${r.address}:${r.port} ${r.outcome.state === 'failed' ? r.outcome.error.code : r.outcome.state}`,
      ),
    ).toEqual(['imap.example.net 198.51.100.7:993 ok', 'imap.example.net 2001:db8::7:993 TIMEOUT']);
    expect(user[0]?.forEndpoints).toEqual(['imap.example.com:993/tls']);
  });

  it('nothing went unanswered: no look-up and no connect at all', async () => {
    const log: string[] = [];
    const { ctx } = reference(resolved([{ address: '198.51.100.7', family: 4 }]), () => 'open', log);
    const ev = await probeNetwork([ep('imap.example.com', 993, 'tls', [withTcp('tls', 'REFUSED')])], ctx);
    expect(ev.references).toEqual([]);
    expect(log).toEqual([]);
  });

  it('a name that resolves to nothing is recorded with the DNS error and no address (nothing dialled)', async () => {
    const log: string[] = [];
    const nx: ResolveEvidence = {
      ms: 2,
      via: 'system',
      a: 'nxdomain',
      aaaa: 'nxdomain',
      addresses: [],
      error: { code: 'NXDOMAIN', message: 'no such name' },
    };
    const { ctx } = reference(nx, () => 'open', log);
    const ev = await probeNetwork(dropped, ctx);
    expect(ev.references.find((r) => r.purpose === 'user-reference')).toMatchObject({
      host: 'imap.example.net',
      address: '',
      port: 993,
      outcome: { state: 'failed', error: { code: 'NXDOMAIN' } },
    });
    expect(log.filter((l) => l.includes(':993'))).toEqual([]);
  });

  it('started early by a hanging connect (HeadStart) and reused, not dialled twice; stopped when the connect answered after all', async () => {
    const log: string[] = [];
    const { ref, ctx } = reference(resolved([{ address: '198.51.100.7', family: 4 }]), () => 'silent', log, 10_000);
    const head = new HeadStart({ ...ctx, startAfterMs: 10 });
    head.observe({
      kind: 'stage',
      endpoint: 'imap.example.com:993/tls',
      host: 'imap.example.com',
      address: '192.0.2.10',
      stage: 'tcp',
      state: 'start',
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(log).toContain('connect 198.51.100.7:993');
    const pending = ref.probe();
    const t0 = performance.now();
    const ev = await probeNetwork([ep('imap.example.com', 993, 'tls', [withTcp('tls', 'REFUSED')])], ctx, head);
    expect(ev.references).toEqual([]);
    // Stopped at once (not after its 10 s step), and never recorded.
    expect((await pending)[0]?.outcome.state).toBe('failed');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(log.filter((l) => l === 'connect 198.51.100.7:993')).toHaveLength(1);
  });
});
