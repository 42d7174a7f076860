/**
 * The batch's pure parts: the list and credentials parsers (line numbers, no secret in a message), the
 * worst-exit order, and the sharing rules — one discovery per domain with each address put back in its
 * own copy, one probe per endpoint, and a waiter whose own deadline passes gets its own (aborted) work.
 */
import { describe, expect, it } from 'vitest';
import { parseAddress, type EmailAddress } from '../../../src/address.js';
import { parseCredentials } from '../../../src/batch/credentials.js';
import { parseBatchList } from '../../../src/batch/input.js';
import { createBatchShare } from '../../../src/batch/share.js';
import { worseExit } from '../../../src/batch/summary.js';
import type { DiscoveryEvidence } from '../../../src/model/discovery.js';
import type { Candidate, EndpointEvidence } from '../../../src/model/evidence.js';
import { defaultRunOptions } from '../../../src/options.js';
import type { EndpointContext } from '../../../src/probes/endpoint.js';

describe('the batch list', () => {
  it('skips blank lines and comments, reads address,host, and names bad lines by number', () => {
    const l = parseBatchList(
      '# list\nalice@example.com\n\n  bob@example.org , imap.example.org  \nnot-an-address\ncarol@x.test,bad host\nd@x.test,a,b\r\ne@x.test\r\n',
    );
    expect(l.entries).toEqual([
      { line: 2, address: 'alice@example.com' },
      { line: 4, address: 'bob@example.org', host: 'imap.example.org' },
      { line: 8, address: 'e@x.test' },
    ]);
    expect(l.bad.map((b) => b.line)).toEqual([5, 6, 7]);
    expect(l.bad[1]?.message).toContain('"bad host" is not a valid host name');
    expect(l.bad[2]?.message).toContain('more than one comma');
  });
});

describe('the credentials file', () => {
  const secret = 'S3cret-never-shown';
  it('maps each normalised address to its secret; comments and blank lines skipped', () => {
    const m = parseCredentials(`# accounts\nAlice@Example.COM\t${secret}\n\nbob@x.test\tpass word with spaces \n`, 'f');
    expect([...m.keys()]).toEqual([parseAddress('Alice@Example.COM').address, 'bob@x.test']);
    expect(m.get('bob@x.test')?.reveal()).toBe('pass word with spaces ');
  });
  for (const [text, message] of [
    [`alice@x.test ${secret}`, 'line 1: expected the address, a tab and the password'],
    [`${secret}\t${secret}`, 'line 1: the part before the tab is not an email address'],
    ['alice@x.test\t', 'line 1: the password after the tab is empty'],
    [`alice@x.test\t${secret}\nalice@x.test\tother`, 'line 2: alice@x.test has a password on an earlier line already'],
  ]) {
    it(`refuses: ${message}, without quoting the secret`, () => {
      let err: Error | undefined;
      try {
        parseCredentials(text as string, 'creds.txt');
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toContain(`--credentials-file creds.txt, ${message}`);
      expect(err?.message).not.toContain(secret);
    });
  }
});

describe('the exit code of a batch', () => {
  it('is the worst: 3 over 130 over 2 over 1 over 0', () => {
    expect([0, 1, 2, 130, 3].reduce(worseExit)).toBe(3);
    expect([1, 0, 2, 1].reduce(worseExit)).toBe(2);
    expect([130, 1, 2].reduce(worseExit)).toBe(130);
    expect([0, 0].reduce(worseExit)).toBe(0);
  });
});

describe('what a batch shares', () => {
  const opts = defaultRunOptions('a@x.test', { timeoutMs: 1000, deadlineMs: 5000 });
  const never = new AbortController().signal;

  it('one discovery per domain, in flight or done, each address in its own copy', async () => {
    const share = createBatchShare({ deadlineMs: 5000, timeoutMs: 1000, maxEntries: 10 });
    const asked: string[] = [];
    const discover = share.discover(async (address: EmailAddress) => {
      asked.push(address.address);
      await new Promise((r) => setTimeout(r, 20));
      const evidence = {
        domain: address.domain,
        sources: [{ source: 'autoconfig', query: address.address, username: address.localPart }],
      } as unknown as DiscoveryEvidence;
      return { evidence, candidates: [{ host: 'imap.x.test', username: address.address } as unknown as Candidate] };
    });
    const [a, b] = await Promise.all([
      discover(parseAddress('a@x.test'), opts, never),
      discover(parseAddress('b@x.test'), opts, never),
    ]);
    const c = await discover(parseAddress('c@x.test'), opts, never);
    await discover(parseAddress('d@y.test'), opts, never);
    expect(asked).toHaveLength(2);
    // The stand-in mailbox is asked for, never a real address (like Autodiscover without --send-address).
    expect(asked.some((x) => ['a@x.test', 'b@x.test', 'c@x.test'].includes(x))).toBe(false);
    expect(b.candidates[0]?.username).toBe('b@x.test');
    expect(c.evidence.sources[0]).toMatchObject({ query: 'c@x.test', username: 'c' });
    expect(a.evidence).not.toBe(b.evidence);
    expect(share.stats()).toMatchObject({ discoveries: 2, reused: 2 });
  });

  it('one probe per endpoint; a waiter whose own run is aborted gets its own work under that signal', async () => {
    const share = createBatchShare({ deadlineMs: 5000, timeoutMs: 1000, maxEntries: 10 });
    const runs: AbortSignal[] = [];
    const probe = share.probe(async (c, rank, ctx) => {
      runs.push(ctx.run);
      if (!ctx.run.aborted) await new Promise((r) => setTimeout(r, 50));
      return { id: c.host, rank, candidate: c, addresses: [], aborted: ctx.run.aborted } as unknown as EndpointEvidence;
    });
    const cand = (host: string) =>
      ({ host, port: 993, security: 'tls', provenance: 'srv', userTrusted: false }) as unknown as Candidate;
    const ctx = (run: AbortSignal) =>
      ({ run, policy: { noPrivate: false, exempt: new Set<string>() } }) as unknown as EndpointContext;
    const cut = new AbortController();
    const first = probe(cand('imap.x.test'), 0, ctx(never));
    const second = probe(cand('imap.x.test'), 3, ctx(cut.signal));
    cut.abort();
    const [e1, e2] = await Promise.all([first, second]);
    expect(e1.rank).toBe(0);
    expect(e2.rank).toBe(3);
    expect((e2 as unknown as { aborted: boolean }).aborted).toBe(true);
    expect((e1 as unknown as { aborted: boolean }).aborted).toBe(false);
    // The shared probe ran under the batch's own clock, not under either caller's signal.
    expect(runs[0]).not.toBe(never);
    await probe(cand('imap.x.test'), 1, ctx(never));
    expect(share.stats()).toMatchObject({ probes: 1, reused: 2 });
  });
});
