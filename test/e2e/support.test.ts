/**
 * The support desk's side end to end, with the built CLI against the lab's real Dovecot:
 * `diff` on before/after runs of a real fix (expired certificate → valid one) and breakage,
 * a report pasted through standard input, the evidence kept with --include-evidence and
 * --save-evidence (secret-free with the lab's canary password, masked by --redact) and
 * re-judged by `show --rejudge`. Nothing here starts a server of its own.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model/report.js';
import { labOrSkip } from '../servers/require.js';
import { expectExit, registerSecret, runCli, secretForms, type CliRun, labArgs } from './cli-runner.js';
import { withoutSourceLine } from './round-trip.js';
import { schemaErrors } from './schema.js';
import { EVIDENCE_VERSION } from '../../src/model/run-evidence.js';

const lab = labOrSkip('dovecot (support desk e2e)');
const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-support-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!lab)('show, diff and re-judging against real runs', () => {
  if (!lab) return;
  const h = lab.hosts;
  const pw = { IMAP_DOCTOR_PASSWORD: lab.password };
  registerSecret(...secretForms(lab.password, lab.users.alice));
  const base = (ip: string, ...more: string[]) => labArgs(lab, lab.users.alice, ip, '1500', '--port', '993', ...more);
  const saved = async (file: string, ip: string, ...more: string[]): Promise<CliRun & { json: Report }> => {
    const r = await runCli([...base(ip, ...more), '--json'], { env: pw });
    expect(schemaErrors(r.json), 'report matches docs/report.schema.json').toBeNull();
    writeFileSync(path.join(dir, file), r.stdout);
    return r as CliRun & { json: Report };
  };
  const at = (f: string) => path.join(dir, f);

  it('diff: expired certificate replaced by a valid one is better (exit 0); the reverse is worse (exit 1)', async () => {
    expectExit(await saved('expired.json', h.expired), 1);
    expectExit(await saved('fixed.json', h.good), 0);
    const fixed = await runCli(['diff', at('expired.json'), at('fixed.json')]);
    expectExit(fixed, 0);
    expect(fixed.stdout).toMatch(/✔ now works: imap\.example\.test:993 \(SSL\/TLS\)/);
    expect(fixed.stdout).toMatch(/✔ gone \(error\): .* TLS_CERT_EXPIRED/);
    expect(fixed.stdout).toMatch(/Verdict: error → ok; better\n$/);
    const broken = await runCli(['diff', at('fixed.json'), at('expired.json'), '--json']);
    expectExit(broken, 1);
    const d = JSON.parse(broken.stdout) as {
      worse: boolean;
      findings: { appeared: Array<{ code: string; severity: string }> };
      endpoints: { stoppedWorking: Array<{ id: string; host: string; port: number; security: string }> };
    };
    expect(d.worse).toBe(true);
    expect(d.findings.appeared).toContainEqual(
      expect.objectContaining({ code: 'TLS_CERT_EXPIRED', severity: 'error' }),
    );
    expect(d.endpoints.stoppedWorking).toEqual([
      { id: 'imap.example.test:993/tls', host: 'imap.example.test', port: 993, security: 'tls' },
    ]);
  });

  it('diff: a wrong name after an expired certificate is a new error, so worse although both verdicts are error', async () => {
    expectExit(await saved('expired2.json', h.expired), 1);
    expectExit(await saved('wrong-name.json', h.wrongName), 1);
    const r = await runCli(['diff', at('expired2.json'), at('wrong-name.json'), '--format', 'markdown']);
    expectExit(r, 1);
    expect(r.stdout).toContain('**Verdict: error → error; worse');
    expect(r.stdout).toMatch(/❌ new \(error\): .*TLS\\_HOSTNAME\\_MISMATCH/);
  });

  it('a report pasted through standard input, with text and CRLF around it, shows as the run printed it', async () => {
    const r = await saved('wrong-user.json', h.good, '--user', lab.users.other);
    const text = await runCli(['show', '-'], {
      input: `Hi,\r\nhere it is:\r\n\`\`\`\r\n${r.stdout.replace(/\n/g, '\r\n')}\`\`\`\r\n`,
    });
    expectExit(text, 1);
    const direct = await runCli(['show', at('wrong-user.json')]);
    expect(withoutSourceLine(text.stdout, 'text')).toBe(withoutSourceLine(direct.stdout, 'text'));
    expect(text.stdout).toMatch(/^\(loaded from standard input: /);
  });

  it('--include-evidence: the evidence rides in the JSON, secret-free, and re-judges to the same report', async () => {
    const r = await saved('with-evidence.json', h.good, '--include-evidence', '--transcript');
    expectExit(r, 0);
    expect(r.json.evidence?.evidenceVersion).toBe(EVIDENCE_VERSION);
    expect(r.json.evidence?.endpoints[0]?.login).toMatchObject({ state: 'attempted', attempt: { ok: true } });
    const rejudged = await runCli(['show', '--rejudge', at('with-evidence.json'), '--json']);
    expectExit(rejudged, 0);
    const { evidence: _e, ...own } = r.json;
    const { rejudged: mark, ...again } = JSON.parse(rejudged.stdout) as Report;
    expect(again).toEqual(own);
    expect(mark?.asOf).toBe(r.json.startedAt);
  });

  it('--save-evidence writes a private file; an unwritable path is refused before anything is probed', async () => {
    const file = at('saved.evidence.json');
    const r = await runCli([...base(h.expired), '--save-evidence', file], { env: pw });
    expectExit(r, 1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      evidenceVersion: EVIDENCE_VERSION,
      address: lab.users.alice,
    });
    const bad = await runCli([...base(h.good), '--save-evidence', at('no/such/dir/e.json')], { env: pw });
    expectExit(bad, 2);
    expect(bad.stderr).toMatch(/^imap-doctor: --save-evidence .*e\.json: cannot write it \(ENOENT\)\n$/);
    expect(bad.stdout).toBe('');
  });

  it('--redact masks the evidence as well, in the report and in the saved file', async () => {
    const file = at('redacted.evidence.json');
    const r = await runCli(
      [...base(h.good, '--redact', '--include-evidence', '--save-evidence', file, '--json'), '--user', lab.users.other],
      { env: pw },
    );
    expectExit(r, 1);
    for (const text of [r.stdout, readFileSync(file, 'utf8')]) {
      expect(text).not.toMatch(/other@|alice@/);
      expect(text).toContain('***@example.test');
    }
    const rejudged = await runCli(['show', '--rejudge', file]);
    expectExit(rejudged, 1);
    expect(rejudged.stdout).not.toMatch(/other@|alice@/);
  });
});
