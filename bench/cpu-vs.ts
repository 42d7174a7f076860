/**
 * CPU time of healthy runs of two or more builds under the same load, for before/after comparisons: the
 * latency bench's healthy scenarios at D = 0 (and bare `node -e 0`), interleaved round by round, median
 * CPU (user + system, every thread of the process, bench/rss-probe.cjs) and wall time per build.
 * Run: npm run bench:bundle && node bench/.out/cpu-vs.js <build root>,<build root>… [rounds] (root: it starts the lab).
 */
import os from 'node:os';
import path from 'node:path';
import { cleanUpChildren, percentile, runChild, type ChildSample } from './child.js';
import { SCENARIOS, setDelay, startEnv, stopEnv } from './latency-env.js';
import { binOf } from './common.js';

async function main(): Promise<void> {
  const roots = (process.argv[2] ?? '.').split(',').map((r) => path.resolve(r));
  const rounds = Number(process.argv[3] ?? 7);
  const env = await startEnv();
  const samples = new Map<string, ChildSample[]>();
  const add = (k: string, s: ChildSample) => samples.set(k, [...(samples.get(k) ?? []), s]);
  try {
    setDelay(env, 0);
    const healthy = SCENARIOS.filter((s) => s.expectExit === 0);
    for (let i = 0; i < rounds; i++) {
      add('node -e 0', await runChild([], { bare: true }));
      for (const s of healthy) {
        for (const root of roots) {
          const c = await runChild(s.args(env), {
            bin: binOf(root),
            env: { IMAP_DOCTOR_PASSWORD: env.lab.info.password },
          });
          if (c.code !== s.expectExit) throw new Error(`${root} ${s.id}: exit ${c.code}`);
          if (i > 0) add(`${s.id} [${root}]`, c);
        }
      }
    }
  } finally {
    await stopEnv(env);
    cleanUpChildren();
  }
  process.stdout.write(
    `load ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, ${rounds - 1} rounds (the first dropped)\n`,
  );
  for (const [k, v] of samples) {
    process.stdout.write(
      `${k}: CPU ${percentile(
        v.map((x) => x.cpuMs),
        50,
      ).toFixed(0)} ms, wall ${percentile(
        v.map((x) => x.ms),
        50,
      ).toFixed(0)} ms, peak RSS ${(
        percentile(
          v.map((x) => x.rssKiB),
          50,
        ) / 1024
      ).toFixed(0)} MiB\n`,
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`cpu-vs failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
