/**
 * The probes of a run, started as candidates become known: each endpoint (host, port, security) is
 * probed once, the moment any source names it, at most `max` of them (the user's own always), at most
 * `concurrency` at a time. Ranking waits for the final candidate list (`finish`): the endpoints are then
 * ordered and numbered by it and carry its candidate (with every source and the settled trust), so
 * nothing the policy reads comes from a partial list. A later, better-ranked candidate that finds every
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
    for (const c of [...candidates.filter((x) => x.provenance === 'user'), ...candidates.filter((x) => x.provenance !== 'user')]) {
      const id = endpointId(c);
      if (this.#started.has(id)) continue;
      if (c.provenance !== 'user') {
        if (this.#counted >= this.max) continue;
        this.#counted++;
      }
      this.#started.set(id, this.#run(c, this.#started.size));
    }
  }

  /** The final, ranked list: what is still missing starts, then every probe is awaited; endpoints by final rank. */
  async finish(ranked: readonly Candidate[]): Promise<EndpointEvidence[]> {
    this.offer(ranked);
    const byId = new Map(ranked.map((c) => [endpointId(c), c]));
    const done = await Promise.all([...this.#started.values()]);
    const order = (e: EndpointEvidence) => {
      const i = ranked.findIndex((c) => endpointId(c) === e.id);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return done
      .sort((a, b) => order(a) - order(b))
      .map((e, rank) => ({ ...e, rank, candidate: byId.get(e.id) ?? e.candidate }));
  }

  /** Endpoints finished so far, in the order they started (for a report cut short). */
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
