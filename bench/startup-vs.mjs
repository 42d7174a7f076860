// node bench/startup-vs.mjs <build>,<build>… [rounds]: --version, --help, a usage error and two quick diagnoses of each build (a tree with bin/ and dist/), interleaved, median wall and CPU (bench/rss-probe.cjs preloaded); `node -e 0` alongside. For before/after under the same load.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const roots = process.argv[2].split(',');
const n = Number(process.argv[3] ?? 15);
const PROBE = new URL('./rss-probe.cjs', import.meta.url).pathname;
function run(BIN, args) {
  const f = path.join(os.tmpdir(), `imapdoc-startup-vs-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const c = spawn(process.execPath, ['--require', PROBE, ...(args[0] === '-e' ? args : [BIN, ...args])], {
    env: { PATH: process.env.PATH, NO_COLOR: '1', BENCH_RSS_FILE: f },
    stdio: 'ignore',
  });
  return new Promise((r) =>
    c.on('close', (code) => {
      const ms = performance.now() - t0;
      let u = { userUs: 0, systemUs: 0 };
      try {
        u = JSON.parse(readFileSync(f, 'utf8'));
        rmSync(f);
      } catch {}
      r({ ms, cpu: (u.userUs + u.systemUs) / 1000, code });
    }),
  );
}
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const cases = {
  'node -e 0': ['-e', '0'],
  '--version': ['--version'],
  '--help': ['--help'],
  'usage error (--timeout abc)': ['a@example.test', '--timeout', 'abc'],
  'diagnosis --host IP, closed port, --no-login': [
    'a@example.test',
    '--host',
    '127.0.0.1',
    '--port',
    '9',
    '--no-login',
    '--json',
    '--timeout',
    '300',
  ],
  'diagnosis --host localhost (getaddrinfo), closed port': [
    'a@example.test',
    '--host',
    'localhost',
    '--port',
    '9',
    '--security',
    'tls',
    '--no-login',
    '--json',
    '--timeout',
    '300',
  ],
};
const res = {};
for (let i = 0; i < n; i++)
  for (const root of roots)
    for (const [k, a] of Object.entries(cases)) {
      if (k === 'node -e 0' && root !== roots[0]) continue;
      (res[`${k} [${root}]`] ??= []).push(
        await run(
          path.join(root, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).bin['imap-doctor']),
          a,
        ),
      );
    }
console.log(
  `load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const [k, v] of Object.entries(res))
  console.log(
    `${k}: wall ${med(v.map((x) => x.ms)).toFixed(0)} ms, CPU ${med(v.map((x) => x.cpu)).toFixed(0)} ms, exit ${[...new Set(v.map((x) => x.code))]}`,
  );
