/**
 * The sharding recipes of docs/batch.md, run as written against the lab: GNU parallel (its ssh logins
 * replaced by `:`, this machine), the Kubernetes Indexed Job's command for every JOB_COMPLETION_INDEX,
 * and the GitHub Actions and GitLab CI matrix steps for every shard. `imap-doctor` on PATH is this
 * checkout's CLI. Together the shards report every address of the list exactly once, each line a report
 * valid against the schema.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { startDnsServer, type DnsTestServer } from '../servers/dns-server.js';
import { labOrSkip, programAvailable } from '../servers/require.js';
import { BIN, ROOT } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const lab = labOrSkip('dovecot (docs/batch.md shards)');
const parallel = programAvailable('docs/batch.md shards', 'parallel', 'parallel');
const run = promisify(execFile);
const doc = readFileSync(path.join(ROOT, 'docs/batch.md'), 'utf8');

/** The first fenced block of `lang` after `heading`. */
function blockAfter(heading: string, lang: string): string {
  const at = doc.indexOf(heading);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  return new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc.slice(at))?.[1] ?? '';
}

describe.skipIf(!lab || !parallel)('the sharding recipes of docs/batch.md against the lab', () => {
  if (!lab) return;
  let dns: DnsTestServer;
  let tmp: string;
  let bin: string;
  const addresses = [
    ...['alice', 'other', 'locked', 'bob', 'carol', 'dave'].map((u) => `${u}@example.test`),
    ...['x', 'y', 'z'].map((u) => `${u}@expired.test`),
    'n@nowhere.test',
  ];

  beforeAll(async () => {
    dns = await startDnsServer({
      zone: {
        'example.test': {},
        '_imaps._tcp.example.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: 'imap.example.test' }] },
        'imap.example.test': { A: [lab.hosts.good] },
        'expired.test': {},
        '_imaps._tcp.expired.test': { SRV: [{ priority: 0, weight: 1, port: 993, target: 'imap.expired.test' }] },
        'imap.expired.test': { A: [lab.hosts.expired] },
      },
    });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-shards-'));
    bin = path.join(tmp, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'imap-doctor'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(path.join(bin, 'imap-doctor'), 0o755);
  });
  afterAll(async () => {
    await dns?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A fresh job directory holding the (unsorted) list. */
  const job = (name: string) => {
    const dir = path.join(tmp, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'addresses.txt'), `${[...addresses].reverse().join('\n')}\n`);
    return dir;
  };
  /** Each matrix job has its own checkout: here each shard its own directory with the list. */
  const checkout = (dir: string, shard: string) => {
    const own = path.join(dir, `job-${shard}`);
    mkdirSync(own);
    writeFileSync(path.join(own, 'addresses.txt'), readFileSync(path.join(dir, 'addresses.txt')));
    return own;
  };
  const sh = async (script: string, cwd: string, env: Record<string, string> = {}) => {
    const options = `--dns ${dns.address} --no-ispdb --ca-file ${lab.certs.ca.crt} --timeout 5000`;
    try {
      await run('bash', ['--noprofile', '--norc', '-o', 'pipefail', '-c', script], {
        cwd,
        env: {
          PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          HOME: tmp,
          IMAP_DOCTOR_OPTIONS: options,
          NO_COLOR: '1',
          ...env,
        },
      });
      return 0;
    } catch (e) {
      return (e as { code?: number }).code ?? -1;
    }
  };
  /** Every NDJSON line of the job's outputs: valid reports, each address of the list exactly once. */
  const expectAllOnce = (dir: string, files: string[]) => {
    const reports = files.flatMap((f) =>
      readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Report),
    );
    for (const r of reports) expect(schemaErrors(r)).toBeNull();
    expect(reports.map((r) => r.input.address).sort()).toEqual([...addresses].sort());
    expect(reports.find((r) => r.input.address === 'x@expired.test')?.findings.map((f) => f.code)).toContain(
      'TLS_CERT_EXPIRED',
    );
  };

  it('GNU parallel: blocks of the sorted list, one batch each, output kept whole', async () => {
    const script = blockAfter('### GNU parallel', 'sh').replace('--sshlogin server1,server2,:', '--sshlogin :');
    expect(script).toContain('parallel --pipe');
    const dir = job('parallel');
    // One block with problems (the expired certificate): parallel counts one failed block.
    expect(await sh(script, dir)).toBe(1);
    expectAllOnce(dir, ['reports.ndjson']);
  }, 120_000);

  it('Kubernetes Indexed Job: the container command for every completion index', async () => {
    const yaml = blockAfter('### Kubernetes Indexed Job', 'yaml');
    const completions = Number(/completions: (\d+)/.exec(yaml)?.[1]);
    const lines = yaml.split('\n');
    const command = (lines[lines.findIndex((l) => l.trim() === '- -c') + 1] ?? '').trim().replace(/^- /, '');
    expect(command).toContain('$JOB_COMPLETION_INDEX');
    const dir = job('k8s');
    // Each pod has its own /tmp: here each index gets its own directory for it.
    const codes = await Promise.all(
      Array.from({ length: completions }, (_, i) => {
        mkdirSync(path.join(dir, `tmp-${i}`));
        return sh(command.replaceAll('/tmp/', `${dir}/tmp-${i}/`), dir, { JOB_COMPLETION_INDEX: String(i) });
      }),
    );
    expect(codes.every((c) => c === 0 || c === 1)).toBe(true);
    expectAllOnce(
      dir,
      readdirSync(dir).filter((f) => f.startsWith('shard-')),
    );
  }, 120_000);

  it('GitHub Actions matrix: the run step for every shard', async () => {
    const yaml = blockAfter('GitHub Actions runs one job per matrix entry', 'yaml');
    const shards = (/shard: \[([^\]]*)\]/.exec(yaml)?.[1] ?? '').split(',').map((s) => s.trim());
    const lines = yaml.split('\n');
    const at = lines.findIndex((l) => l.trim() === '- run: |');
    const script = lines
      .slice(at + 1)
      .filter((l, i, all) => all.slice(0, i + 1).every((x) => /^ {10}\S/.test(x)))
      .map((l) => l.trim())
      .join('\n');
    expect(script).toContain('imap-doctor --batch -');
    const dir = job('github');
    const codes = await Promise.all(
      shards.map((s) => sh(script.replaceAll('${{ matrix.shard }}', s), checkout(dir, s))),
    );
    expect(codes.every((c) => c === 0 || c === 1)).toBe(true);
    expectAllOnce(
      dir,
      shards.map((s) => `job-${s}/report-${s}.ndjson`),
    );
  }, 120_000);

  it('GitLab CI parallel:matrix: the script for every SHARD', async () => {
    const yaml = blockAfter('GitLab CI does the same', 'yaml');
    const shards = JSON.parse(/SHARD: (\[[^\]]*\])/.exec(yaml)?.[1] ?? '[]') as string[];
    const lines = yaml.split('\n');
    const from = lines.findIndex((l) => l.trim() === 'script:');
    const script = lines
      .slice(from + 1)
      .filter((l, i, all) => all.slice(0, i + 1).every((x) => /^ {4}- /.test(x)))
      .map((l) => l.trim().slice(2))
      .filter((l) => !l.startsWith('npm install'));
    const dir = job('gitlab');
    const codes = await Promise.all(shards.map((s) => sh(script.join('\n'), checkout(dir, s), { SHARD: s })));
    expect(codes.every((c) => c === 0 || c === 1)).toBe(true);
    const files = shards.map((s) => `job-${s}/report-${s}.ndjson`);
    expectAllOnce(dir, files);
  }, 120_000);
});
