// Preloaded into benchmarked runs (node --require, CommonJS: bare Node and the CLI alike, so neither pays for
// an ES module loader it would not start on its own): records the process's peak RSS (KiB) and CPU time
// (user and system, µs, all threads) at exit, as JSON, to BENCH_RSS_FILE (bench/child.ts reads it).
// VmHWM is the peak of this program alone; getrusage's maxRSS also counts the parent's memory at the
// fork before exec (Linux keeps the old address space's peak), which made every small run look as big
// as the bench process that started it.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');

function peakKiB() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ maxRssKiB: peakKiB(), userUs: u.userCPUTime, systemUs: u.systemCPUTime }));
  });
}
