/**
 * The raw IMAP reader's bounds against a loopback server that misbehaves on purpose: unread bytes
 * stop piling up at LIMITS.imapLineBytes (the socket is paused), an endless line ends the reading,
 * LIMITS.untaggedLines untagged lines end a command, the transcript keeps LIMITS.transcriptLines
 * lines of LIMITS.transcriptLineChars characters, a greeting keeps LIMITS.greetingChars characters
 * and LIMITS.capabilities capabilities, invalid UTF-8 becomes U+FFFD, and a `{4294967295}` literal
 * in a greeting or CAPABILITY is text (the raw probe never waits for a literal).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/limits.js';
import type { TranscriptLine } from '../../../src/model/evidence.js';
import { capabilitiesFrom, parseGreeting } from '../../../src/probes/imap-parse.js';
import { Wire, WireError } from '../../../src/probes/wire.js';
import { stepSignal } from '../../../src/util/deadline.js';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback server running `onConnect`, and a Wire on a client connected to it. */
async function pair(onConnect: (s: net.Socket) => void, transcript?: TranscriptLine[]): Promise<Wire> {
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    onConnect(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  sockets.push(client);
  client.on('error', () => {});
  await new Promise((r) => client.once('connect', r));
  return new Wire(client, {
    maxLineBytes: LIMITS.imapLineBytes,
    layer: 'plain',
    t0: performance.now(),
    ...(transcript ? { transcript } : {}),
  });
}

const never = new AbortController().signal;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await sleep(10);
}

describe('the raw IMAP reader is bounded', () => {
  it(`stops reading at LIMITS.imapLineBytes (${LIMITS.imapLineBytes}) when nobody reads: a 64 MB flood does not pile up`, async () => {
    const flood = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const wire = await pair((s) => {
      const pump = () => {
        while (sent < 64 && s.write(flood)) sent++;
        if (sent < 64)
          s.once('drain', () => {
            sent++;
            pump();
          });
      };
      pump();
    });
    await until(() => wire.pending >= LIMITS.imapLineBytes);
    await sleep(300);
    expect(wire.pending).toBeGreaterThanOrEqual(LIMITS.imapLineBytes);
    expect(wire.pending).toBeLessThan(LIMITS.imapLineBytes + 128 * 1024);
    expect(wire.socket.isPaused()).toBe(true);
  });

  it('an endless line while reading is LINE_TOO_LONG, and nothing more is read after it', async () => {
    const wire = await pair((s) => s.write(Buffer.alloc(4 * LIMITS.imapLineBytes, 'y')));
    await expect(wire.readLine(never)).rejects.toMatchObject({ probe: { code: 'LINE_TOO_LONG' } });
    await sleep(100);
    expect(wire.pending).toBe(0);
    await expect(wire.readLine(never)).rejects.toBeInstanceOf(WireError);
  });

  it('a greeting dripped one byte at a time ends at the step timeout', async () => {
    const wire = await pair((s) => {
      const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('*')), 20);
      s.on('close', () => clearInterval(t));
    });
    await expect(wire.readGreeting(stepSignal(never, 300))).rejects.toMatchObject({ probe: { code: 'TIMEOUT' } });
  });

  it(`a command gets at most LIMITS.untaggedLines (${LIMITS.untaggedLines}) untagged lines; the transcript keeps ${LIMITS.transcriptLines} lines`, async () => {
    const transcript: TranscriptLine[] = [];
    const wire = await pair((s) => {
      s.once('data', () => s.write(`${'* NO flood\r\n'.repeat(10_000)}a1 OK done\r\n`));
    }, transcript);
    await expect(wire.command('a1', 'CAPABILITY', stepSignal(never, 5000))).rejects.toMatchObject({
      probe: { code: 'PROTOCOL_ERROR' },
    });
    expect(transcript).toHaveLength(LIMITS.transcriptLines);
    expect(transcript.at(-1)?.text).toMatch(/transcript limit/);
  });

  it(`transcript lines keep at most LIMITS.transcriptLineChars (${LIMITS.transcriptLineChars}) characters`, async () => {
    const transcript: TranscriptLine[] = [];
    const wire = await pair((s) => s.write(`* OK ${'z'.repeat(20_000)}\r\n`), transcript);
    await wire.readGreeting(never);
    expect(transcript[0]?.text.length).toBeLessThanOrEqual(LIMITS.transcriptLineChars);
  });
});

describe('greeting and capability parsing is bounded and decodes UTF-8 with replacement', () => {
  it(`keeps LIMITS.greetingChars (${LIMITS.greetingChars}) characters of a greeting and LIMITS.capabilities (${LIMITS.capabilities}) capabilities`, () => {
    const caps = Array.from({ length: 2000 }, (_, i) => `X-CAP${i}`).join(' ');
    const g = parseGreeting(Buffer.from(`* OK [CAPABILITY IMAP4rev1 ${caps}] ${'w'.repeat(5000)}\r\n`));
    expect(g.line.length).toBeLessThanOrEqual(LIMITS.greetingChars);
    expect(capabilitiesFrom([`* CAPABILITY ${caps}`])).toHaveLength(LIMITS.capabilities);
  });

  it('invalid UTF-8 in a greeting becomes U+FFFD, never raw bytes', () => {
    const g = parseGreeting(
      Buffer.concat([
        Buffer.from('* OK hello '),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x9b]),
        Buffer.from(' world\r\n'),
      ]),
    );
    expect(g.kind).toBe('ok');
    expect(g.line).toContain('\ufffd');
    expect(Buffer.from(g.line, 'utf8').toString('utf8')).toBe(g.line);
  });

  it('a {4294967295} literal in the greeting or in CAPABILITY is text: nothing waits for four gigabytes', async () => {
    const wire = await pair((s) => {
      s.write('* OK {4294967295}\r\n');
      s.once('data', () => s.write('* CAPABILITY IMAP4rev1 {4294967295}\r\na1 OK done\r\n'));
    });
    const g = parseGreeting(await wire.readGreeting(stepSignal(never, 2000)));
    expect(g).toMatchObject({ kind: 'ok', text: '{4294967295}' });
    const r = await wire.command('a1', 'CAPABILITY', stepSignal(never, 2000));
    expect(capabilitiesFrom(r.untagged, r.tagged)).toEqual(['IMAP4rev1', '{4294967295}']);
  });
});
