/**
 * The loopback test DNS server itself, checked with raw dns-packet exchanges (not through our
 * resolver), so a resolver bug cannot hide a server bug: AA, rcodes, the 512-byte limit, TCP framing.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { decode, encode, type DecodedPacket, type Packet } from 'dns-packet';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsTestServer } from '../servers/dns-server.js';
import { ZONE } from '../helpers/dns-zone.js';

let dns: DnsTestServer;
beforeAll(async () => {
  dns = await startDnsServer({ zone: ZONE, host: '127.0.0.4' });
});
afterAll(async () => {
  await dns.close();
});
beforeEach(() => dns.reset());

function question(name: string, type: 'A' | 'TXT', edns: boolean): Packet {
  return {
    type: 'query',
    id: 4242,
    questions: [{ name, type, class: 'IN' }],
    additionals: edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 1232,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  };
}

async function udpAsk(packet: Packet): Promise<{ reply: DecodedPacket; bytes: number }> {
  const socket = dgram.createSocket('udp4');
  try {
    return await new Promise((resolve, reject) => {
      socket.on('message', (msg) => resolve({ reply: decode(msg), bytes: msg.length }));
      socket.on('error', reject);
      socket.send(encode(packet), dns.port, dns.host);
    });
  } finally {
    socket.close();
  }
}

async function tcpAsk(packet: Packet): Promise<DecodedPacket> {
  const socket = net.connect(dns.port, dns.host);
  try {
    return await new Promise((resolve, reject) => {
      let buf = Buffer.alloc(0);
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
          resolve(decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      });
      const wire = encode(packet);
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(wire.length, 0);
      socket.write(Buffer.concat([prefix, wire]));
    });
  } finally {
    socket.destroy();
  }
}

const rcodeOf = (p: DecodedPacket): number => (p.flags ?? 0) & 0xf;

describe('test DNS server', () => {
  it('binds UDP and TCP on the same port of the given address', () => {
    expect(dns.port).toBeGreaterThan(0);
    expect(dns.address).toBe(`127.0.0.4:${dns.port}`);
  });

  it('answers authoritatively, echoes the id and question, NXDOMAIN for unknown names', async () => {
    const { reply } = await udpAsk(question('imap.example.test', 'A', false));
    expect(reply).toMatchObject({ id: 4242, flag_qr: true, flag_aa: true, flag_tc: false });
    expect(reply.answers?.map((a) => a.type === 'A' && a.data)).toEqual(['127.0.0.2']);
    const missing = await udpAsk(question('nope.example.test', 'A', false));
    expect(rcodeOf(missing.reply)).toBe(3);
  });

  it('puts a configured rcode into the header flags', async () => {
    dns.set({ rcode: 'REFUSED' }, 'imap.example.test');
    expect(rcodeOf((await udpAsk(question('imap.example.test', 'A', false))).reply)).toBe(5);
    expect(rcodeOf((await udpAsk(question('example.test', 'A', false))).reply)).toBe(0);
  });

  it('keeps UDP answers without EDNS within 512 bytes by truncating (RFC 1035 §4.2.1)', async () => {
    const plain = await udpAsk(question('big.example.test', 'TXT', false));
    expect(plain.reply.flag_tc).toBe(true);
    expect(plain.reply.answers).toHaveLength(0);
    expect(plain.bytes).toBeLessThanOrEqual(512);
    const withEdns = await udpAsk(question('big.example.test', 'TXT', true));
    expect(withEdns.reply.flag_tc).toBe(false);
    expect(withEdns.reply.answers).toHaveLength(3);
    expect(withEdns.bytes).toBeGreaterThan(512);
  });

  it('answers in full over TCP with the length prefix', async () => {
    const reply = await tcpAsk(question('big.example.test', 'TXT', false));
    expect(reply.flag_tc).toBe(false);
    expect(reply.answers).toHaveLength(3);
  });

  it('logs every query with its transport and EDNS/AD/DO bits', async () => {
    await udpAsk(question('Example.Test.', 'A', true));
    await tcpAsk(question('example.test', 'TXT', false));
    expect(dns.queries).toEqual([
      { name: 'example.test', type: 'A', transport: 'udp', id: 4242, edns: true, udpSize: 1232, ad: false, do: false },
      { name: 'example.test', type: 'TXT', transport: 'tcp', id: 4242, edns: false, ad: false, do: false },
    ]);
    expect(dns.count('EXAMPLE.test')).toBe(2);
    expect(dns.count('example.test', 'TXT')).toBe(1);
  });

  it('reports each query on arrival, before a delayed answer leaves (the bench times first packets so)', async () => {
    const seen: Array<{ name: string; at: number }> = [];
    const slow = await startDnsServer({
      zone: ZONE,
      host: '127.0.0.4',
      knobs: { delayMs: 150 },
      onQuery: (q) => seen.push({ name: q.name, at: performance.now() }),
    });
    const socket = dgram.createSocket('udp4');
    try {
      const repliedAt = await new Promise<number>((resolve) => {
        socket.on('message', () => resolve(performance.now()));
        socket.send(encode(question('example.test', 'A', false)), slow.port, slow.host);
      });
      expect(seen.map((q) => q.name)).toEqual(['example.test']);
      expect(repliedAt - (seen[0]?.at ?? Infinity)).toBeGreaterThanOrEqual(149);
    } finally {
      socket.close();
      await slow.close();
    }
  });
});
