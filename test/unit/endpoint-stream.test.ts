/**
 * The streaming pipeline's bookkeeping (src/endpoint-stream.ts): each endpoint probed once however
 * many partial lists name it, the user's own always, at most `max` others and `concurrency` at once;
 * the final list decides the rank and the candidate (trust, sources) the evidence carries.
 */
import { describe, expect, it } from 'vitest';
import { EndpointStream } from '../../src/endpoint-stream.js';
import type { Candidate, EndpointEvidence } from '../../src/model/evidence.js';
import { candidate, endpoint } from '../helpers/evidence.js';

/** A probe that records what it was asked and ends when told to. */
function probes() {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  let running = 0;
  let most = 0;
  const probe = async (c: Candidate, rank: number): Promise<EndpointEvidence> => {
    started.push(`${c.host}:${c.port}`);
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => release.set(`${c.host}:${c.port}`, resolve));
    running--;
    return endpoint(c, {}, rank);
  };
  return { started, release, probe, most: () => most };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('EndpointStream', () => {
  it('starts each endpoint once, the moment a partial list names it; the final list ranks them and gives the settled candidate', async () => {
    const p = probes();
    const stream = new EndpointStream(p.probe, 8, 8);
    const srv = candidate('imap.example.com', 993, 'tls', { trust: 'unverified', provenance: 'published' });
    stream.offer([srv]);
    await tick();
    expect(p.started).toEqual(['imap.example.com:993']);
    const late = candidate('mail.example.com', 993, 'tls', { provenance: 'published' });
    stream.offer([srv, late]);
    await tick();
    expect(p.started).toEqual(['imap.example.com:993', 'mail.example.com:993']);
    // The final list: the late one ranks first, and the SRV one is now trusted.
    const settled = { ...srv, trust: 'trusted' as const };
    const done = Promise.all(stream.settle([late, settled]));
    for (const r of p.release.values()) r();
    const endpoints = await done;
    expect(endpoints.map((e) => [e.id, e.rank])).toEqual([
      ['mail.example.com:993/tls', 0],
      ['imap.example.com:993/tls', 1],
    ]);
    expect(endpoints[1]?.candidate.trust).toBe('trusted');
    expect(p.started).toHaveLength(2);
  });

  it('settle hands on each endpoint, in final rank order, as soon as its own probe ends (a login need not wait for the others)', async () => {
    const p = probes();
    const stream = new EndpointStream(p.probe, 8, 8);
    const first = candidate('a.example.com', 993, 'tls', { provenance: 'published' });
    const second = candidate('a.example.com', 143, 'starttls', { provenance: 'published' });
    stream.offer([second, first]);
    const [top, next] = stream.settle([first, second]);
    let nextDone = false;
    void next?.then(() => (nextDone = true));
    await tick();
    p.release.get('a.example.com:993')?.();
    const e = await top;
    expect([e?.id, e?.rank, nextDone]).toEqual(['a.example.com:993/tls', 0, false]);
    p.release.get('a.example.com:143')?.();
    expect((await next)?.rank).toBe(1);
  });

  it("at most `max` endpoints besides the user's own, whichever list names them; never more than `concurrency` at once", async () => {
    const p = probes();
    const stream = new EndpointStream(p.probe, 2, 2);
    const others = [1, 2, 3, 4].map((i) => candidate(`h${i}.example.com`, 993, 'tls', { provenance: 'published' }));
    stream.offer(others.slice(0, 1));
    stream.offer(others);
    const user = candidate('mine.example.com', 993, 'tls', { provenance: 'user' });
    const done = Promise.all(stream.settle([user, ...others]));
    await tick();
    expect(p.most()).toBe(2);
    for (;;) {
      const open = [...p.release.entries()];
      if (open.length === 0) break;
      for (const [k, r] of open) {
        p.release.delete(k);
        r();
      }
      await tick();
    }
    const endpoints = await done;
    expect(p.started.sort()).toEqual(['h1.example.com:993', 'h2.example.com:993', 'mine.example.com:993']);
    expect(endpoints.map((e) => e.candidate.host)).toEqual(['mine.example.com', 'h1.example.com', 'h2.example.com']);
    expect(p.most()).toBe(2);
  });
});
