/**
 * The reference probes (src/probes/network.ts) over real loopback sockets: an open web port is
 * recorded as ok and a closed one as refused. The planning and timing, with injected connects, are
 * unit-tested in test/unit/probes/network.test.ts.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressProbe, EndpointEvidence } from '../../../src/model/evidence.js';
import { probeNetwork, type NetworkContext } from '../../../src/probes/network.js';
import { addressProbe, candidate, endpoint } from '../../helpers/evidence.js';
import { NODE_IO } from '../../../src/io.js';

const PORTS = { referencePorts: [443, 80], imapPorts: { tls: 993, starttls: 143, plain: 143 }, discovery: null };
const dropped = (address: string): AddressProbe =>
  addressProbe('tls', {
    address,
    family: 4,
    tcp: { state: 'failed', error: { code: 'TIMEOUT', message: 'TIMEOUT' }, ms: 1 },
  });
const ep = (host: string, port: number, addresses: AddressProbe[]): EndpointEvidence =>
  endpoint(candidate(host, port, 'tls'), {
    addresses,
    resolve: {
      ms: 1,
      via: 'pinned',
      a: 'records',
      aaaa: 'nodata',
      addresses: addresses.map((a) => ({ address: a.address, family: a.family })),
    },
  });

describe('reference probes against real loopback sockets', () => {
  let server: net.Server;
  let open = 0;
  let closed = 0;
  beforeAll(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open = (server.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closed = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('records an open web port as ok and a closed one as refused', async () => {
    const probe = async (port: number) => {
      const ctx: NetworkContext = {
        ...PORTS,
        io: NODE_IO,
        referencePorts: [port],
        imapPorts: { tls: 993, starttls: 993, plain: 993 },
        timeoutMs: 2000,
        run: new AbortController().signal,
      };
      const ev = await probeNetwork([ep('localhost', 993, [dropped('127.0.0.1')])], ctx);
      return ev.references.map((r) => [r.port, r.outcome.state === 'failed' ? r.outcome.error.code : r.outcome.state]);
    };
    expect(await probe(open)).toEqual([[open, 'ok']]);
    expect(await probe(closed)).toEqual([[closed, 'REFUSED']]);
  });
});
