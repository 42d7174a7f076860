/**
 * The hostile matrix measured (cases in test/hostile/cases.ts, the same the e2e test asserts): for each
 * case the finding codes, the wall time against --deadline + 1 s, the peak RSS against 150 MiB, the exit
 * code, what the doctor sent the hostile server, and how long the process took to exit after its report.
 * Writes bench/results/robustness.{json,md}. Needs the lab (root). Run: npm run bench.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchMeta, BIN, metaLine, PROBE, ROOT, runBench } from './common.js';
import { readUsage } from './child.js';
import { LIMITS } from '../src/limits.js';
import { DEADLINE_MS, HOSTILE_CASES, hostilePassword, D, type HostileEnv } from '../test/hostile/cases.js';
import { startDnsServer } from '../test/servers/dns-server.js';
import { startHttpsServer } from '../test/servers/https-server.js';
import { startLab } from '../test/servers/lab.js';

const RSS_GOAL_MIB = 150;

interface Row {
  id: string;
  group: string;
  what: string;
  codes: string[];
  expected: string[];
  exit: number | null;
  wallMs: number;
  /** From the last byte of the report to the process's exit. */
  exitAfterReportMs: number;
  rssMiB: number;
  sent: string;
  withinDeadline: boolean;
}

function run(
  args: string[],
  env: Record<string, string>,
  rssFile: string,
): Promise<{ code: number | null; stdout: string; wallMs: number; exitAfterReportMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--require', PROBE, BIN, ...args, '--json'], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', BENCH_RSS_FILE: rssFile, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let stdout = '';
  let lastByte = t0;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    lastByte = performance.now();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      const end = performance.now();
      resolve({ code, stdout, wallMs: Math.round(end - t0), exitAfterReportMs: Math.round(end - lastByte) });
    }),
  );
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-bench-hostile-'));
  const lab = await startLab();
  const dns = await startDnsServer();
  const web = await startHttpsServer({
    ca: { crt: lab.info.certs.ca.crt, key: lab.info.certs.ca.key },
    names: [D, `autoconfig.${D}`, `autodiscover.${D}`, `ua-auto-config.${D}`],
  });
  const env: HostileEnv = { lab: lab.info, dns, web, password: hostilePassword() };
  const rows: Row[] = [];
  try {
    for (const c of HOSTILE_CASES) {
      dns.reset();
      web.routes = [];
      const r = await c.setup(env);
      const rssFile = path.join(tmp, `${c.id}.rss`);
      try {
        const out = await run(r.args, r.env ?? {}, rssFile);
        let codes: string[] = [];
        try {
          codes = [
            ...new Set((JSON.parse(out.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)),
          ];
        } catch {
          codes = ['(no report)'];
        }
        // zero when killed before it could write it
        const rssKiB = readUsage(rssFile).maxRssKiB;
        const row: Row = {
          id: c.id,
          group: c.group,
          what: c.what,
          codes,
          expected: c.expect,
          exit: out.code,
          wallMs: out.wallMs,
          exitAfterReportMs: out.exitAfterReportMs,
          rssMiB: Math.round(rssKiB / 1024),
          sent: r.sent(),
          withinDeadline: out.wallMs <= DEADLINE_MS + LIMITS.backstopGraceMs,
        };
        rows.push(row);
        process.stdout.write(
          `${c.id}: ${row.wallMs} ms, ${row.rssMiB} MiB, exit ${row.exit}, ${codes.slice(0, 3).join(' ')}\n`,
        );
      } finally {
        await r.close();
      }
    }
  } finally {
    await web.close();
    await dns.close();
    await lab.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  write(rows);
}

function write(rows: Row[]): void {
  const meta = { ...benchMeta(), deadlineMs: DEADLINE_MS };
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/robustness.json'), `${JSON.stringify({ meta, rows }, null, 2)}\n`);
  const ok = (r: Row) =>
    r.withinDeadline && r.rssMiB < RSS_GOAL_MIB && r.exit !== 3 && r.expected.every((c) => r.codes.includes(c));
  const md = [
    '# imap-doctor hostile matrix',
    '',
    metaLine(meta),
    '',
    `Every case runs the real CLI with \`--timeout 1000 --deadline ${DEADLINE_MS} --json\` against a server that misbehaves on purpose (test/hostile/cases.ts; the end-to-end test asserts the same cases' behaviour). Goals: ends within --deadline + ${LIMITS.backstopGraceMs / 1000} s, peak RSS under ${RSS_GOAL_MIB} MiB, never exit code 3. *wall* is spawn to exit; *after report* is from the report's last byte to the exit; RSS is the CLI process's own peak (the getaddrinfo helper is a separate process and not counted).`,
    '',
    '| | case | finding codes | exit | wall | after report | peak RSS | what the doctor sent |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${ok(r) ? '✔' : '✖'} | ${r.group}: ${r.what} | ${r.codes.slice(0, 4).join(', ')}${r.codes.length > 4 ? ', …' : ''} | ${r.exit} | ${r.wallMs} ms | ${r.exitAfterReportMs} ms | ${r.rssMiB} MiB | ${r.sent.replace(/\|/g, '\\|')} |`,
    ),
    '',
    `${rows.filter(ok).length} of ${rows.length} cases within every goal; slowest ${Math.max(...rows.map((r) => r.wallMs))} ms, highest peak RSS ${Math.max(...rows.map((r) => r.rssMiB))} MiB.`,
    '',
  ].join('\n');
  writeFileSync(path.join(ROOT, 'bench/results/robustness.md'), md);
  process.stdout.write('results written to bench/results/robustness.{json,md}\n');
}

runBench(main);
