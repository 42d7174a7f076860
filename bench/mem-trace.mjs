// Preload (node --import) for looking into memory: with BENCH_MEM_TRACE=<file>, appends one line every
// 250 ms — ms since start, RSS, V8 heap used and total, external and array buffers (MiB) — and one at exit.
// Used by bench/batch.ts with BENCH_BATCH_MEM_TRACE=1 (the traces land in bench/.out/).
import { appendFileSync, writeFileSync } from 'node:fs';

const out = process.env.BENCH_MEM_TRACE;
if (out) {
  const t0 = performance.now();
  const mib = (n) => (n / 1048576).toFixed(1);
  writeFileSync(out, 'ms rss heapUsed heapTotal external arrayBuffers\n');
  const line = () => {
    const m = process.memoryUsage();
    appendFileSync(
      out,
      `${Math.round(performance.now() - t0)} ${mib(m.rss)} ${mib(m.heapUsed)} ${mib(m.heapTotal)} ${mib(m.external)} ${mib(m.arrayBuffers)}\n`,
    );
  };
  setInterval(line, 250).unref();
  process.on('exit', line);
}
