/**
 * The pipelined channel (src/probes/sync/wire-channel.ts) against a scripted peer on loopback — the
 * orderings no lab Dovecot produces on purpose: every command of a batch is written before any
 * reply is read, tagged replies out of order still land on their own command, a literal inside a
 * LIST line is joined back, a BYE fails everything still waiting, and nothing off the read-only
 * allow-list reaches the socket. Out-of-order replies from a real proxy: test/e2e/sync.test.ts.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Wire } from '../../../../src/probes/wire.js';
import { wireChannel } from '../../../../src/probes/sync/wire-channel.js';
import { parseListLine } from '../../../../src/probes/sync/parse.js';
import { ReadOnlyViolation, type WireCommand } from '../../../../src/probes/sync/commands.js';

/** A peer that collects what the client sent and answers with `reply(lines so far)` once `after` lines came. */
async function peer(
  after: number,
  reply: (lines: string[]) => string,
): Promise<{ socket: net.Socket; received: string[]; close: () => void }> {
  const received: string[] = [];
  const server = net.createServer((s) => {
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\r\n');
      buf = parts.pop() ?? '';
      received.push(...parts);
      if (received.length === after) s.write(reply(received));
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  return { socket, received, close: () => server.close() };
}

const step = () => AbortSignal.timeout(2000);
const cmd = (verb: string, ...args: WireCommand['args']): WireCommand => ({ verb, args });
let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

async function channel(after: number, reply: (lines: string[]) => string) {
  const p = await peer(after, reply);
  cleanup.push(p.close, () => p.socket.destroy());
  const log: string[] = [];
  const ch = wireChannel(
    new Wire(p.socket, { maxLineBytes: 65536, layer: 'tls', t0: 0 }),
    (dir, text) => log.push(`${dir} ${text}`),
    step,
  );
  return { ch, received: p.received, log };
}

describe('wireChannel', () => {
  it('writes the whole batch before reading; out-of-order tagged replies and a literal land on their own command', async () => {
    const { ch, received, log } = await channel(3, () =>
      [
        'P3 OK SEARCH done',
        '* NAMESPACE (("" "/")) NIL NIL',
        'P1 OK NAMESPACE done',
        '* LIST () "/" {8}',
        'Sent "x"',
        'P2 OK LIST done',
        '',
      ].join('\r\n'),
    );
    const [ns, list, search] = await ch.send(
      [cmd('NAMESPACE'), cmd('LIST', { quoted: '' }, { quoted: '*' }), cmd('UID SEARCH', 'SINCE', '1-Dec-2026')],
      step,
    );
    expect(received).toEqual(['P1 NAMESPACE', 'P2 LIST "" "*"', 'P3 UID SEARCH SINCE 1-Dec-2026']);
    expect(log.slice(0, 3).every((l) => l.startsWith('c '))).toBe(true);
    expect(search).toMatchObject({ sent: true, tagged: { status: 'OK', text: 'SEARCH done' }, untagged: [] });
    expect(ns).toMatchObject({ tagged: { status: 'OK' }, untagged: ['* NAMESPACE (("" "/")) NIL NIL'] });
    expect(list?.untagged).toEqual(['* LIST () "/" "Sent \\"x\\""']);
    expect(parseListLine(list?.untagged[0] ?? '', 'LIST')?.name, 'the literal parses as the name it carried').toBe(
      'Sent "x"',
    );
  });

  it('IDLE right behind the batch: DONE after the continuation, then its tagged reply; LOGOUT is written and nothing waits for it', async () => {
    const p = await peer(2, () => 'P1 OK NOOP done\r\n+ idling\r\n');
    cleanup.push(p.close, () => p.socket.destroy());
    const ch = wireChannel(new Wire(p.socket, { maxLineBytes: 65536, layer: 'tls', t0: 0 }), () => {}, step);
    const sent = ch.send([cmd('NOOP')], step);
    const idle = ch.idle(cmd('IDLE'), step);
    await sent;
    await expect.poll(() => p.received).toContain('DONE');
    p.socket.emit('data', Buffer.from('P2 OK IDLE done\r\n'));
    expect(await idle).toMatchObject({
      tagged: { status: 'OK' },
      continuationMs: expect.any(Number),
      doneMs: expect.any(Number),
    });
    ch.logout();
    await expect.poll(() => p.received).toContain('Z LOGOUT');
  });

  it('a BYE fails every command still waiting; nothing is sent after it', async () => {
    const { ch } = await channel(2, () => '* BYE shutting down\r\n');
    const out = await ch.send([cmd('NAMESPACE'), cmd('NOOP')], step);
    expect(out.map((x) => x.error?.code)).toEqual(['BYE', 'BYE']);
    const later = await ch.send([cmd('NOOP')], step);
    expect(later[0]).toMatchObject({ sent: false });
  });

  it('refuses a command off the read-only allow-list before anything is written', async () => {
    const { ch, received } = await channel(1, () => '');
    expect(() => ch.send([cmd('STORE', '1', '+FLAGS', ['\\Deleted'])], step)).toThrow(ReadOnlyViolation);
    expect(() => ch.send([cmd('SELECT', 'INBOX')], step)).toThrow(ReadOnlyViolation);
    await new Promise((r) => setTimeout(r, 50));
    expect(received).toEqual([]);
  });
});
