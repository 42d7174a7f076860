/**
 * The imapflow internals the sync channel relies on exist in the installed imapflow: exec() and
 * write() on a client, and the compiler at imapflow/lib/handler/imap-compiler.js that turns its
 * parsed responses back into the lines the parsers read. An imapflow upgrade that drops them
 * fails here, not silently in a run.
 */
import { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { imapflowChannel } from '../../../../src/probes/sync/imapflow-channel.js';
import { internalsOf } from '../../../../src/probes/imapflow-adapter.js';
import { parseFolders, parseQuota, parseSearchCount } from '../../../../src/probes/sync/parse.js';
import { ReadOnlyViolation } from '../../../../src/probes/sync/commands.js';
import { LIMITS } from '../../../../src/limits.js';

type Handler = (parsed: unknown) => Promise<void>;

/** A logged-in client whose LIST brings back `n` folders named `name(i)` (imapflow's parsed form), then OK. */
function listing(n: number, name: (i: number) => string): ImapFlow {
  return {
    exec: async (_cmd: string, _attrs: unknown, o: { untagged: Record<string, Handler> }) => {
      for (let i = 0; i < n; i++)
        await o.untagged.LIST?.({
          tag: '*',
          command: 'LIST',
          attributes: [
            [{ type: 'ATOM', value: '\\Archive' }],
            { type: 'STRING', value: '/' },
            { type: 'STRING', value: name(i) },
          ],
        });
      return { response: { tag: 'A1', command: 'OK', attributes: [{ type: 'TEXT', value: 'done' }] }, next: () => {} };
    },
    write: () => {},
    close: () => {},
  } as unknown as ImapFlow;
}

describe('imapflow internals', () => {
  const client = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false });
  it('a client has exec(), write() and close()', () => {
    expect(() => internalsOf(client)).not.toThrow();
    expect(() => internalsOf({} as ImapFlow)).toThrow(/imapflow no longer has exec/);
  });
  it('the compiler turns parsed responses back into the lines the parsers read', async () => {
    const { default: compile } = (await import('imapflow/lib/handler/imap-compiler.js')) as unknown as {
      default: (p: unknown) => Buffer;
    };
    const { default: parse } = (await import('imapflow/lib/handler/imap-parser.js')) as unknown as {
      default: (b: Buffer) => Promise<unknown>;
    };
    const round = async (line: string) => compile(await parse(Buffer.from(line))).toString('utf8');
    const lines = [
      '* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"',
      '* LIST () NIL INBOX',
      '* LIST (\\Drafts) "." "Envoy&AOk-s"',
    ];
    const back = await Promise.all(lines.map(round));
    expect(back).toEqual(lines);
    expect(parseFolders(back, 'list', 0).folders.map((f) => f.name)).toEqual(['Sent Items', 'Envoyés']);
    expect(parseQuota([await round('* QUOTA "User quota" (STORAGE 95 100)')]).quotas[0]?.resources[0]).toEqual({
      name: 'STORAGE',
      usage: 95,
      limit: 100,
    });
    expect(parseSearchCount([await round('* ESEARCH (TAG "B") UID COUNT 5')], 'esearch')).toBe(5);
  });
  it(`keeps at most LIMITS.syncUntaggedLines (${LIMITS.syncUntaggedLines}) untagged lines of one command and counts the rest`, async () => {
    const ch = await imapflowChannel(listing(LIMITS.syncUntaggedLines + 7, (i) => `Archive ${i}`));
    const [x] = await ch.send(
      [{ verb: 'LIST', args: [{ quoted: '' }, { quoted: '*' }] }],
      () => new AbortController().signal,
    );
    expect(x).toMatchObject({ sent: true, dropped: 7, tagged: { status: 'OK' } });
    expect(x?.untagged).toHaveLength(LIMITS.syncUntaggedLines);
    expect(x?.untagged[0]).toBe('* LIST (\\Archive) "/" "Archive 0"');
  });
  it(`keeps at most about LIMITS.syncUntaggedChars (${LIMITS.syncUntaggedChars}) characters of one command's untagged lines`, async () => {
    const long = 'x'.repeat(60_000);
    const ch = await imapflowChannel(listing(100, () => long));
    const [x] = await ch.send(
      [{ verb: 'LIST', args: [{ quoted: '' }, { quoted: '*' }] }],
      () => new AbortController().signal,
    );
    const kept = Math.ceil(LIMITS.syncUntaggedChars / (long.length + 25));
    expect(x?.untagged.length).toBeGreaterThanOrEqual(kept - 1);
    expect(x?.untagged.length).toBeLessThanOrEqual(kept);
    expect((x?.untagged.length ?? 0) + (x?.dropped ?? 0)).toBe(100);
  });
  it('the channel it builds refuses a write command before touching the client', async () => {
    const ch = await imapflowChannel(client);
    expect(() =>
      ch.send([{ verb: 'STORE', args: ['1', '+FLAGS', ['\\Deleted']] }], () => new AbortController().signal),
    ).toThrow(ReadOnlyViolation);
  });
});
