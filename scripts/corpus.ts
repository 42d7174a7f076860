/**
 * `npm run corpus`: regenerates test/corpus/*.evidence.json from real runs of the built CLI
 * against the lab (test/corpus/scenarios.ts lists them). Needs what the lab needs (root,
 * dovecot, openssl). Every run must conclude what its scenario says and its evidence must hold
 * no form of the lab's password, or nothing is written. Run it after changing the evidence
 * types (and bumping EVIDENCE_VERSION), then review and commit the corpus with the snapshot.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret } from '../src/util/secret.js';
import { startDnsServer } from '../test/servers/dns-server.js';
import { startFakeImap } from '../test/servers/fake-imap.js';
import { startHttpsServer } from '../test/servers/https-server.js';
import { startLab, type LabInfo } from '../test/servers/lab.js';
import { fillMaildir, homeOf } from '../test/servers/maildir.js';
import { SCENARIOS, type CorpusScenario, type World } from '../test/corpus/scenarios.js';

// Bundled to scripts/.out/ by npm run corpus, two levels below the repository root.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/imap-doctor.cjs');
const CORPUS = path.join(ROOT, 'test/corpus');

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs one scenario with the servers it needs; returns the saved evidence text. */
async function record(s: CorpusScenario, lab: LabInfo, tmp: string): Promise<string> {
  const world: World = { lab };
  const stops: Array<() => Promise<void>> = [];
  try {
    if (s.mailbox) fillMaildir(homeOf(lab, s.mailbox.user(lab)), s.mailbox.spec);
    if (s.fake) {
      const tls = s.fake.tls ? { cert: lab.certs.good.crt, key: lab.certs.good.key } : {};
      const f = await startFakeImap({
        host: lab.hosts.good,
        port: 0,
        mode: s.fake.mode,
        script: s.fake.script(),
        ...tls,
      });
      stops.push(() => f.close());
      world.fakePort = f.port;
    }
    if (s.discovery) {
      const web = await startHttpsServer({
        ca: { crt: lab.certs.ca.crt, key: lab.certs.ca.key },
        names: ['example.test', 'autoconfig.example.test'],
      });
      stops.push(() => web.close());
      const dns = await startDnsServer();
      stops.push(() => dns.close());
      const d = s.discovery(web.ip, lab.hosts.good);
      dns.zone = d.zone;
      web.routes = d.routes;
      world.dns = dns.address;
      world.webIp = web.ip;
    }
    const file = path.join(tmp, `${s.name}.evidence.json`);
    const env: Record<string, string> = s.password === false ? {} : { IMAP_DOCTOR_PASSWORD: lab.password };
    const r = await runCli([...s.args(world), '--json', '--save-evidence', file], env);
    const first =
      (JSON.parse(r.stdout) as { findings: Array<{ code: string; severity: string }> }).findings.find(
        (f) => f.severity === 'error',
      )?.code ?? null;
    if (r.code !== s.exit || first !== s.firstError) {
      throw new Error(
        `${s.name}: expected exit ${s.exit} and first error ${s.firstError}, got exit ${r.code} and ${first}\n${r.stderr}`,
      );
    }
    return readFileSync(file, 'utf8');
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

function assertSecretFree(name: string, text: string, lab: LabInfo): void {
  const forms = [lab.password, lab.otherPassword].flatMap((p) =>
    [...Object.values(lab.users), ...Object.values(lab.syncUsers)].flatMap((u) => new Secret(p).variants(u)),
  );
  if (forms.some((f) => text.includes(f)))
    throw new Error(`${name}: the evidence holds a form of the lab password; nothing written`);
}

async function main(): Promise<void> {
  const lab = await startLab();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-corpus-'));
  try {
    const out = new Map<string, string>();
    for (const s of SCENARIOS) {
      const text = await record(s, lab.info, tmp);
      assertSecretFree(s.name, text, lab.info);
      out.set(s.name, text);
      process.stdout.write(`  ${s.name}: exit ${s.exit}, ${s.firstError ?? 'no error'}\n`);
    }
    for (const f of readdirSync(CORPUS)) if (f.endsWith('.evidence.json')) unlinkSync(path.join(CORPUS, f));
    for (const [name, text] of out) writeFileSync(path.join(CORPUS, `${name}.evidence.json`), text);
    process.stdout.write(
      `${out.size} evidence files written to test/corpus/; now run: npx vitest run test/unit/report/judge.corpus.test.ts -u, review the snapshot diff, commit both\n`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await lab.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`corpus: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
