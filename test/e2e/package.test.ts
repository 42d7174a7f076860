/**
 * The package as users get it: `npm pack` (with the prepack/postpack hooks' shrinkwrap), the tarball
 * unpacked into an empty prefix and its dependencies installed OFFLINE from npm's cache (what `npm
 * ci` left there) — proof that the `files` list is complete — then `--version` and a diagnosis of the
 * lab. The CI recipes of docs/ci.md then run as written (their install step replaced by this
 * package) against the lab, with the password coming in as the CI's secret would.
 */
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labOrSkip } from '../servers/require.js';
import { assertNoSecrets, registerSecret, ROOT, secretForms } from './cli-runner.js';
import { schemaErrors } from './schema.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  man: string;
  scripts: Record<string, string>;
};
const lab = labOrSkip('dovecot (package and CI recipes)');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-package-'));
const prefix = path.join(tmp, 'prefix');
const binDir = path.join(tmp, 'bin');
let packed: string[] = [];

beforeAll(() => {
  // The hooks npm runs around `npm pack`; --ignore-scripts keeps `prepare` from rebuilding dist/ under the other test files.
  execSync(pkg.scripts.prepack ?? 'false', { cwd: ROOT });
  try {
    const [info] = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed = info?.files.map((f) => f.path) ?? [];
    mkdirSync(prefix);
    execFileSync('tar', ['-xzf', path.join(tmp, info?.filename ?? ''), '-C', prefix, '--strip-components=1']);
  } finally {
    execSync(pkg.scripts.postpack ?? 'false', { cwd: ROOT });
  }
  // Offline: only what npm's cache holds. --ignore-scripts: an installed package never runs its own `prepare`.
  execFileSync('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: prefix,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  mkdirSync(binDir);
  for (const [name, file] of Object.entries(pkg.bin)) symlinkSync(path.join(prefix, file), path.join(binDir, name));
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const env = (more: Record<string, string> = {}) => ({
  PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: process.env.HOME ?? '/root',
  NO_COLOR: '1',
  ...more,
});

describe('npm package', () => {
  it('ships what runs it and nothing of the sources or tests', () => {
    expect(packed).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'npm-shrinkwrap.json',
        'bin/imap-doctor.cjs',
        'dist/cli.cjs',
        'dist/cli.cache',
        'dist/cli.command.cache',
        'dist/early.cache',
        'dist/early.cjs',
        'dist/load.cjs',
        'dist/vendor/imapflow.cjs',
        pkg.man,
        'docs/ci.md',
        'docs/report.schema.json',
      ]),
    );
    expect(packed.filter((f) => /^(src|test|scripts|bench|\.ci)\//.test(f))).toEqual([]);
    expect(existsSync(path.join(ROOT, 'npm-shrinkwrap.json')), 'postpack removed the shrinkwrap').toBe(false);
  });

  it('installed offline into an empty prefix, it prints its version and diagnoses a server', () => {
    expect(execFileSync('imap-doctor', ['--version'], { env: env(), encoding: 'utf8' }).trim()).toBe(pkg.version);
    if (!lab) return;
    registerSecret(...secretForms(lab.password, lab.users.alice));
    const r = spawnSync(
      'imap-doctor',
      [
        lab.users.alice,
        '--host',
        lab.hostname,
        '--resolve',
        `${lab.hostname}=${lab.hosts.expired}`,
        '--port',
        '993',
        '--ca-file',
        lab.certs.ca.crt,
        '--timeout',
        '2000',
        '--json',
      ],
      { env: env({ IMAP_DOCTOR_PASSWORD: lab.password }), encoding: 'utf8' },
    );
    assertNoSecrets(r.stdout + r.stderr, 'installed package output');
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ code: string; severity: string }> };
    expect(schemaErrors(report)).toBeNull();
    expect(report.findings.find((f) => f.severity === 'error')?.code).toBe('TLS_CERT_EXPIRED');
  });
});

interface Step {
  always: boolean;
  env: Record<string, string>;
  script: string;
}
interface Recipe {
  name: string;
  steps: Step[];
  artefacts: string[];
}

const doc = readFileSync(path.join(ROOT, 'docs/ci.md'), 'utf8');
const yamlAfter = (heading: string) => /```yaml\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf(heading)))?.[1] ?? '';
const indent = (l: string) => /^ */.exec(l)?.[0].length ?? 0;

/** The lines indented deeper than line i (a block scalar or a nested map/list). */
function block(lines: string[], i: number): string[] {
  const out: string[] = [];
  for (
    let k = i + 1;
    k < lines.length && (lines[k]?.trim() === '' || indent(lines[k] ?? '') > indent(lines[i] ?? ''));
    k++
  )
    out.push(lines[k] ?? '');
  return out;
}

/** GitHub Actions: every `run:` step with its `env:` and `if: always()`; the upload step's `path:`. */
function github(): Recipe {
  const lines = yamlAfter('## GitHub Actions').split('\n');
  const steps: Step[] = [];
  const artefacts: string[] = [];
  lines.forEach((l, i) => {
    if (!/^ {6}- /.test(l)) return;
    const body = [l.replace('- ', '  '), ...block(lines, i)];
    const always = body.some((b) => /^\s+if: always\(\)/.test(b));
    const envAt = body.findIndex((b) => /^\s+env:$/.test(b));
    const envs =
      envAt >= 0
        ? block(body, envAt)
            .map((b) => /^\s+(\w+): (.*)$/.exec(b))
            .filter((m) => m !== null)
        : [];
    const runAt = body.findIndex((b) => /^\s+run: /.test(b));
    const run =
      runAt < 0
        ? null
        : body[runAt]?.trim() === 'run: |'
          ? block(body, runAt)
              .map((b) => b.trim())
              .join('\n')
          : (body[runAt]?.trim().slice(5) ?? '');
    artefacts.push(...body.map((b) => /^\s+path: (.*)$/.exec(b)?.[1]).filter((p): p is string => !!p));
    if (run !== null)
      steps.push({ always, env: Object.fromEntries(envs.map((m) => [m[1] as string, m[2] as string])), script: run });
  });
  return { name: 'GitHub Actions', steps, artefacts };
}

/** GitLab CI: `script:` lines as one step, `after_script:` as one that always runs; `artifacts: paths:`. */
function gitlab(): Recipe {
  const lines = yamlAfter('## GitLab CI').split('\n');
  const list = (key: string) => {
    const at = lines.findIndex((l) => l.trim() === `${key}:`);
    return at < 0
      ? []
      : block(lines, at)
          .map((l) => /^\s*- (.*)$/.exec(l)?.[1])
          .filter((x): x is string => !!x);
  };
  const vars = {
    IMAP_DOCTOR_PASSWORD: '${{ secrets.IMAP_DOCTOR_PASSWORD }}',
    IMAP_ADDRESS: '${{ vars.IMAP_ADDRESS }}',
    IMAP_DOCTOR_OPTIONS: '${{ vars.IMAP_DOCTOR_OPTIONS }}',
  };
  return {
    name: 'GitLab CI',
    steps: [
      { always: false, env: vars, script: list('script').join('\n') },
      { always: true, env: vars, script: list('after_script').join('\n') },
    ],
    artefacts: list('paths'),
  };
}

/** Runs a recipe's steps as its CI would (bash -e -o pipefail; a failed step skips the rest but `always` ones). */
function runRecipe(r: Recipe, store: { secrets: Record<string, string>; vars: Record<string, string> }, cwd: string) {
  let failed = false;
  const logs: string[] = [];
  const codes: number[] = [];
  for (const s of r.steps) {
    if (failed && !s.always) continue;
    const stepEnv = Object.fromEntries(
      Object.entries(s.env).map(([k, v]) => {
        const m = /^\$\{\{ (secrets|vars)\.(\w+) \}\}$/.exec(v);
        return [k, m ? (store[m[1] as 'secrets' | 'vars'][m[2] as string] ?? '') : v];
      }),
    );
    // The install line is this test's offline install of the packed package (see beforeAll).
    const script = s.script
      .split('\n')
      .filter((l) => !l.startsWith(`npm install --global imap-doctor@${pkg.version}`))
      .join('\n');
    const res = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', script], {
      cwd,
      env: env(stepEnv),
      encoding: 'utf8',
    });
    logs.push(res.stdout, res.stderr);
    codes.push(res.status ?? -1);
    if (res.status !== 0) failed = true;
  }
  return { failed, codes, log: logs.join('') };
}

describe.skipIf(!lab)('CI recipes of docs/ci.md against the lab', () => {
  if (!lab) return;
  const secrets = { IMAP_PASSWORD: lab.password, IMAP_DOCTOR_PASSWORD: lab.password };
  const options = (ip: string, ...more: string[]) =>
    [
      '--host',
      lab.hostname,
      '--resolve',
      `${lab.hostname}=${ip}`,
      '--ca-file',
      lab.certs.ca.crt,
      '--timeout',
      '2000',
      ...more,
    ].join(' ');
  const scenarios = [
    {
      name: 'healthy on 993',
      options: options(lab.hosts.good, '--port', '993'),
      failed: false,
      log: /^Everything needed works/m,
      status: 'ok',
    },
    {
      name: 'a warning (143 accepts a plaintext password) fails with --fail-on warning',
      options: options(lab.hosts.good),
      failed: true,
      log: /^warning: PLAINTEXT_LOGIN_ALLOWED /m,
      status: 'warning',
    },
    {
      name: 'an expired certificate',
      options: options(lab.hosts.expired, '--port', '993'),
      failed: true,
      log: /^error: TLS_CERT_EXPIRED /m,
      status: 'error',
    },
  ];

  for (const recipe of [github(), gitlab()]) {
    it(`${recipe.name}: installs this version, takes the password from the secret store, keeps the report`, () => {
      expect(recipe.steps.map((s) => s.script).join('\n')).toContain(`npm install --global imap-doctor@${pkg.version}`);
      expect(
        recipe.steps.some((s) =>
          Object.entries(s.env).some(([k, v]) => k === 'IMAP_DOCTOR_PASSWORD' && /^\$\{\{ secrets\./.test(v)),
        ),
      ).toBe(true);
      expect(recipe.steps.map((s) => s.script).join('\n')).toMatch(
        /imap-doctor "\$IMAP_ADDRESS" \$IMAP_DOCTOR_OPTIONS --json --fail-on warning > imap-doctor-report\.json/,
      );
      expect(recipe.artefacts).toEqual(['imap-doctor-report.json']);
    });

    for (const sc of scenarios) {
      it(`${recipe.name}: ${sc.name}`, () => {
        registerSecret(...secretForms(lab.password, lab.users.alice));
        const cwd = mkdtempSync(path.join(tmp, 'job-'));
        const job = runRecipe(
          recipe,
          { secrets, vars: { IMAP_ADDRESS: lab.users.alice, IMAP_DOCTOR_OPTIONS: sc.options } },
          cwd,
        );
        expect(job.failed, job.log).toBe(sc.failed);
        expect(job.log).toMatch(sc.log);
        const artefact = readFileSync(path.join(cwd, recipe.artefacts[0] ?? ''), 'utf8');
        assertNoSecrets(job.log + artefact, `${recipe.name} job`);
        const report = JSON.parse(artefact) as { verdict: { status: string } };
        expect(schemaErrors(report)).toBeNull();
        expect(report.verdict.status).toBe(sc.status);
      });
    }
  }
});
