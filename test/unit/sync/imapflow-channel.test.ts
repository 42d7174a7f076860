/**
 * The imapflow internals the sync channel relies on exist in the installed imapflow: exec() and
 * write() on a client, and the compiler at imapflow/lib/handler/imap-compiler.js that turns its
 * parsed responses back into the lines the parsers read. An imapflow upgrade that drops them
 * fails here, not silently in a run.
 */
import { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { imapflowChannel, internalsOf } from '../../../src/probes/sync/imapflow-channel.js';
import { parseFolders, parseQuota, parseSearchCount } from '../../../src/probes/sync/parse.js';
import { ReadOnlyViolation } from '../../../src/probes/sync/commands.js';

describe('imapflow internals', () => {
  const client = new ImapFlow({ host: '127.0.0.1', port: 1, logger: false } as never);
  it('a client has exec(), write() and close()', () => {
    expect(() => internalsOf(client)).not.toThrow();
    expect(() => internalsOf({} as ImapFlow)).toThrow(/imapflow no longer has exec/);
  });
  it('the compiler turns parsed responses back into the lines the parsers read', async () => {
    const { default: compile } = (await import('imapflow/lib/handler/imap-compiler.js')) as unknown as { default: (p: unknown) => Buffer };
    const { default: parse } = (await import('imapflow/lib/handler/imap-parser.js')) as unknown as { default: (b: Buffer) => Promise<unknown> };
    const round = async (line: string) => compile(await parse(Buffer.from(line))).toString('utf8');
    const lines = ['* LIST (\\HasNoChildren \\Sent) "/" "Sent Items"', '* LIST () NIL INBOX', '* LIST (\\Drafts) "." "Envoy&AOk-s"'];
    const back = await Promise.all(lines.map(round));
    expect(back).toEqual(lines);
    expect(parseFolders(back, 'list', 0).folders.map((f) => f.name)).toEqual(['Sent Items', 'Envoyés']);
    expect(parseQuota([await round('* QUOTA "User quota" (STORAGE 95 100)')]).quotas[0]?.resources[0]).toEqual({ name: 'STORAGE', usage: 95, limit: 100 });
    expect(parseSearchCount([await round('* ESEARCH (TAG "B") UID COUNT 5')], 'esearch')).toBe(5);
  });
  it('the channel it builds refuses a write command before touching the client', async () => {
    const ch = await imapflowChannel(client);
    expect(() => ch.send([{ verb: 'STORE', args: ['1', '+FLAGS', ['\\Deleted']] }], () => new AbortController().signal)).toThrow(ReadOnlyViolation);
  });
});
