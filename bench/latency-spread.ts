/**
 * The spread of several runs of the latency suite (bench/results/latency-*.json), side by side: the
 * machine this runs on is shared, so one run's numbers move with the load; several runs and their load
 * averages say how far. Usage: node bench/.out/latency-spread.js --out <name> a.json b.json …
 * writes bench/results/<name>.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './child.js';
import type { LatencyResults } from './latency-report.js';

const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const name = outAt >= 0 ? argv[outAt + 1] : undefined;
const files = argv.filter((a, i) => a !== '--out' && i !== outAt + 1);
if (!name || files.length === 0) throw new Error('usage: latency-spread --out <name> a.json b.json …');
const runs = files.map((f) => ({ file: path.basename(f), r: JSON.parse(readFileSync(f, 'utf8')) as LatencyResults }));

const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${Math.round(x)}`);
const x2 = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `×${x.toFixed(2)}`);
const cells = (f: (r: LatencyResults) => string) => runs.map(({ r }) => f(r)).join(' | ');

const scenarioRows = (runs[0]?.r.scenarios ?? []).flatMap((s, i) => {
  const at = (r: LatencyResults) => r.scenarios[i];
  const d50 = (r: LatencyResults) => at(r)?.rows.find((x) => x.delayMs === 50);
  const d0 = (r: LatencyResults) => at(r)?.rows.find((x) => x.delayMs === 0);
  return [
    `| ${s.title}: round trips waited (fit), K = ${s.k} | ${cells((r) => `${at(r)?.fit.roundTrips.toFixed(1)} (${x2(at(r)?.fit.ratio)})`)} |`,
    `| ${s.title}: ratio at D = 50 ms, medians / minima | ${cells((r) => `${x2(d50(r)?.ratio)} / ${x2(d50(r)?.ratioMin)}`)} |`,
    ...(s.timeoutMs ? [`| ${s.title}: wall / timeout at D = 50 ms | ${cells((r) => x2(d50(r)?.perTimeout))} |`] : []),
    `| ${s.title}: wall at D = 0 / 50 ms | ${cells((r) => `${ms(d0(r)?.wallMs.median)} / ${ms(d50(r)?.wallMs.median)} ms`)} |`,
    `| ${s.title}: sequential baseline at D = 50 ms | ${cells((r) => `${ms(d50(r)?.sequentialMs)} ms`)} |`,
    `| ${s.title}: CPU at D = 0 | ${cells((r) => `${ms(d0(r)?.cpuMs)} ms`)} |`,
  ];
});

const md = [
  `# Latency suite: ${runs.length} runs side by side`,
  '',
  `Commit: ${[...new Set(runs.map(({ r }) => r.meta.commit))].join(', ')}. Each column is one full run; its file in bench/results/ (and the .md beside it) holds its tables and every sample.`,
  '',
  `| | ${runs.map(({ file }) => file).join(' | ')} |`,
  `| --- |${runs.map(() => ' --- |').join('')}`,
  `| date | ${cells((r) => r.meta.date.replace(/\.\d+Z$/, 'Z'))} |`,
  `| load average (1, 5, 15 min) at start → end | ${cells((r) => `${r.meta.loadavgStart.join(' ')} → ${r.meta.loadavgEnd.join(' ')}`)} |`,
  ...scenarioRows,
  `| \`node -e 0\` wall / CPU | ${cells((r) => `${ms(r.coldStart.bareMs.median)} / ${ms(r.coldStart.bareCpuMs)} ms`)} |`,
  `| \`--version\` wall (÷ \`node -e 0\`) / CPU | ${cells((r) => `${ms(r.coldStart.builds[0]?.versionMs.median)} ms (${x2(r.coldStart.builds[0]?.ratio)}) / ${ms(r.coldStart.builds[0]?.versionCpuMs)} ms`)} |`,
  `| first packet, address only / \`--host\` (median, min) | ${cells((r) => `${ms(r.coldStart.builds[0]?.firstPacketMs.median)} (${ms(r.coldStart.builds[0]?.firstPacketMs.min)}) / ${ms(r.coldStart.builds[0]?.firstPacketHostMs.median)} (${ms(r.coldStart.builds[0]?.firstPacketHostMs.min)}) ms`)} |`,
  '',
].join('\n');
writeFileSync(path.join(ROOT, `bench/results/${name}.md`), md);
process.stdout.write(`written to bench/results/${name}.md\n`);
