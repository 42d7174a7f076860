/**
 * The probes of a run, started as candidates become known: each endpoint (host, port, security) is
 * probed once, the moment any source names it, at most `max` of them (the user's own always), at most
 * `concurrency` at a time. Ranking waits for the final candidate list (`settle`): the endpoints are then
 * ordered and numbered by it and carry its candidate (with every source and the settled trust), so
 * nothing the policy reads comes from a partial list; each endpoint is handed on as its own probe ends. A later, better-ranked candidate that finds every
 * slot taken by earlier ones is not probed: the bound on what a run dials holds either way.
 */
import { endpointId } from './model/reading.js';
import type { Candidate, EndpointEvidence } from './model/evidence.js';

export type ProbeOne = (c: Candidate, rank: number) => Promise<EndpointEvidence>;

export class EndpointStream {
  readonly #started = new Map<string, Promise<EndpointEvidence>>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  #counted = 0;

  constructor(
    private readonly probe: ProbeOne,
    private readonly max: number,
    private readonly concurrency: number,
  ) {}

  /** Candidates known so far (any order): the new ones start now, within the bounds. */
  offer(candidates: readonly Candidate[]): void {
    for (const c of [
      ...candidates.filter((x) => x.provenance === 'user'),
      ...candidates.filter((x) => x.provenance !== 'user'),
    ]) {
      const id = endpointId(c);
      if (this.#started.has(id)) continue;
      if (c.provenance !== 'user') {
        if (this.#counted >= this.max) continue;
        this.#counted++;
      }
      this.#started.set(id, this.#run(c, this.#started.size));
    }
  }

  /**
   * The final, ranked list: what is still missing starts; one promise per probed endpoint, in final
   * rank order, each settling with its evidence (final rank and candidate) as soon as its own probe ends.
   */
  settle(ranked: readonly Candidate[]): Array<Promise<EndpointEvidence>> {
    this.offer(ranked);
    const at = new Map(ranked.map((c, i) => [endpointId(c), { c, i }]));
    const order = (id: string) => at.get(id)?.i ?? Number.MAX_SAFE_INTEGER;
    return [...this.#started.entries()]
      .sort(([a], [b]) => order(a) - order(b))
      .map(([id, p], rank) => p.then((e) => ({ ...e, rank, candidate: at.get(id)?.c ?? e.candidate })));
  }

  async #run(c: Candidate, rank: number): Promise<EndpointEvidence> {
    if (this.#running >= this.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      return await this.probe(c, rank);
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}
