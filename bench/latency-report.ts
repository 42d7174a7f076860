/**
 * The shape of bench/results/latency.json and its Markdown rendering: one table per scenario (a row per D),
 * the critical path with K and why, cold start, and the place kept for batch throughput.
 */

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface RunRecord {
  delayMs: number;
  wallMs: number;
  cpuMs: number;
  rssKiB: number;
  code: number;
  reportMs: number;
  dnsQueries: number;
  /** Connections the proxy accepted (IMAP 993/143 and web 443/80) plus connects to the blackholed addresses. */
  connections: { imap: number; web: number; dropped: number };
  /** Spawn to the first DNS query's arrival. */
  firstPacketMs: number | null;
  /** The same run's steps one after another: start-up and exit as measured, plus every step's own time. */
  sequentialMs: number;
  working: boolean;
}

export interface LatencyRow {
  delayMs: number;
  runs: number;
  wallMs: Spread;
  /** T(D) − T(0), medians. */
  netMs: number;
  /** K × 2D. */
  criticalMs: number;
  /** netMs / criticalMs; null at D = 0. */
  ratio: number | null;
  /** The same from the fastest run of each D (least disturbed by the machine's load). */
  netMinMs: number;
  ratioMin: number | null;
  /** Wall time in step timeouts (blackholed scenario). */
  perTimeout?: number;
  cpuMs: number;
  rssKiB: number;
  dnsQueries: number;
  connections: { imap: number; web: number; dropped: number };
  firstPacketMs: number | null;
  sequentialMs: number;
  sequentialNetMs: number;
  /** Exit codes of runs that did not end as the scenario should (empty when all did). */
  unexpected: number[];
}

/** A scenario as the results describe it. */
export interface ScenarioInfo {
  id: string;
  title: string;
  /** Round trips the protocol cannot avoid on the way to the verdict. */
  k: number;
  /** The K round trips, in order. */
  path: string[];
  why: string;
  /** The run also waits one step timeout that no latency shortens (blackholed connects). */
  timeoutMs?: number;
}

export interface ScenarioResult extends ScenarioInfo {
  rows: LatencyRow[];
  /**
   * Theil–Sen fit of wall time over D across every run (robust to the runs a loaded machine slows):
   * ms of wall time per ms of one-way delay; roundTrips = that / 2; ratio = roundTrips / K.
   */
  fit: { msPerDelayMs: number; roundTrips: number; ratio: number };
  /** Every run, for other estimators later. */
  samples: RunRecord[];
}

export interface StartupRow {
  label: string;
  versionMs: Spread;
  /** median(--version) / median(node -e 0). */
  ratio: number;
  versionCpuMs: number;
  /** Spawn → first DNS query, address only and --host (D = 0). */
  firstPacketMs: Spread;
  firstPacketHostMs: Spread;
}

export interface ColdStart {
  runs: number;
  bareMs: Spread;
  bareCpuMs: number;
  /** Bare Node sending one DNS query at once: the first packet's floor (absent in older results). */
  barePacketMs?: Spread;
  builds: StartupRow[];
}

export interface LatencyResults {
  meta: {
    date: string;
    commit: string;
    node: string;
    cpus: number;
    cpuModel: string;
    loadavgStart: number[];
    loadavgEnd: number[];
    rounds: number;
    suiteSeconds: number;
  };
  scenarios: ScenarioResult[];
  coldStart: ColdStart;
  /** Batch throughput and peak RSS at 1,000 and 10,000 addresses: measured once --batch exists (issue #9, part B). */
  batch: null;
}

const ms = (x: number) => `${Math.round(x)}`;
const x2 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `×${x.toFixed(2)}`);

function scenarioTable(s: ScenarioResult): string[] {
  const timed = s.timeoutMs !== undefined;
  const head = `| D (one way) | wall median (min–max) | net(D) | K × 2D | ratio | ratio of minima${timed ? ' | wall / timeout' : ''} | CPU | DNS queries | connections (imap/web${timed ? '/dropped' : ''}) | first packet | sequential | sequential net |`;
  const cols = head.split('|').length - 2;
  return [
    `### ${s.title}`,
    '',
    `K = ${s.k}: ${s.path.join(' → ')}. ${s.why}`,
    '',
    head,
    `|${' --- |'.repeat(cols)}`,
    ...s.rows.map((r) => {
      const conns = `${r.connections.imap}/${r.connections.web}${timed ? `/${r.connections.dropped}` : ''}`;
      const flag = r.unexpected.length > 0 ? ` ⚠ unexpected exit ${r.unexpected.join(',')}` : '';
      return `| ${r.delayMs} ms | ${ms(r.wallMs.median)} (${ms(r.wallMs.min)}–${ms(r.wallMs.max)}) ms${flag} | ${ms(r.netMs)} ms | ${ms(r.criticalMs)} ms | ${x2(r.ratio)} | ${x2(r.ratioMin)}${timed ? ` | ${x2(r.perTimeout)}` : ''} | ${ms(r.cpuMs)} ms | ${r.dnsQueries} | ${conns} | ${r.firstPacketMs === null ? '–' : `${ms(r.firstPacketMs)} ms`} | ${ms(r.sequentialMs)} ms | ${ms(r.sequentialNetMs)} ms |`;
    }),
    '',
    `Fit over all ${s.samples.length} runs (Theil–Sen): the wall time grows ${s.fit.msPerDelayMs.toFixed(1)} ms per ms of one-way delay, i.e. ${s.fit.roundTrips.toFixed(1)} round trips where K = ${s.k}: **×${s.fit.ratio.toFixed(2)}**.`,
    '',
  ];
}

const spreadMs = (s: Spread) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)}) ms`;

function coldStartTable(c: ColdStart): string[] {
  return [
    '### Cold start and first packet',
    '',
    `${c.runs} runs each, alternated. First packet: spawn to the first DNS query reaching the server, at D = 0 (goal ≤ 60 ms; bare Node sending one query at once is its floor on this machine); --version goal ≤ ×2 of \`node -e 0\`.`,
    '',
    '| build | `--version` wall | ÷ `node -e 0` | CPU | first packet, address only | first packet, `--host` |',
    '| --- | --- | --- | --- | --- | --- |',
    `| \`node -e 0\` (first packet: sending one query at once) | ${spreadMs(c.bareMs)} | – | ${ms(c.bareCpuMs)} ms | ${c.barePacketMs ? spreadMs(c.barePacketMs) : '–'} | – |`,
    ...c.builds.map(
      (b) =>
        `| ${b.label} | ${spreadMs(b.versionMs)} | ${x2(b.ratio)} | ${ms(b.versionCpuMs)} ms | ${spreadMs(b.firstPacketMs)} | ${spreadMs(b.firstPacketHostMs)} |`,
    ),
    '',
  ];
}

export function renderLatencyMarkdown(r: LatencyResults): string {
  const c = r.coldStart;
  return [
    '# imap-doctor latency benchmark',
    '',
    `${r.meta.date} · commit ${r.meta.commit} · Node ${r.meta.node} · ${r.meta.cpus} × ${r.meta.cpuModel} · load average ${r.meta.loadavgStart.join(' ')} at start, ${r.meta.loadavgEnd.join(' ')} at end · ${r.meta.rounds} rounds · ${r.meta.suiteSeconds} s`,
    '',
    'Every DNS answer and every TCP payload byte is held back D ms in each direction (a delaying DNS server and a userspace proxy; TCP connects are free), against the lab Dovecot with a password login. Medians over the rounds; rounds interleave every D and scenario.',
    '',
    '- **net(D)** = T(D) − T(0): the part of the wall time that latency adds. **ratio** = net(D) / (K × 2D); the goal is ≤ 1.25 for healthy runs. **ratio of minima**: the same from the fastest run at each D, the least disturbed by other load on the machine.',
    "- **fit**: the most load-robust figure — a Theil–Sen line through every run's (D, wall time): its slope ÷ 2 is the number of round trips the run actually waits, to compare with K.",
    '- **CPU**: user + system time of the child (bench/rss-probe.cjs), bare `node -e 0` with the same preload takes ' +
      `${ms(c.bareCpuMs)} ms.`,
    "- **connections**: accepted by the proxy (IMAP 993/143, web 443/80), and connects to blackholed addresses from the run's evidence.",
    '- **first packet**: spawn to the first DNS query reaching the server (goal ≤ 60 ms).',
    "- **sequential**: the same run with its steps one after another — start-up and exit as measured plus the sum of every step's own time from the evidence (bench/sequential.ts).",
    '',
    ...r.scenarios.flatMap(scenarioTable),
    ...coldStartTable(c),
    '### Batch throughput',
    '',
    'Measured by its own bench, `npm run bench:batch` (1,000 and 10,000 addresses over 100 domains, addresses/s and peak RSS): [batch.md](batch.md).',
    '',
  ].join('\n');
}
