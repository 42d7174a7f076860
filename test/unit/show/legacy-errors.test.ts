/**
 * Saved evidence from before the probe-error reason codes: the doctor's words in `message` (and in an
 * AIA fetch's `error`) are read as `why`, the library's words stay, and the corpus files written then
 * re-judge to the same texts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { upgradeProbeErrors } from '../../../src/show/legacy-errors.js';
import { loadEvidence } from '../../../src/show/load.js';
import { judgeEvidence } from '../../../src/report/judge.js';
import { renderText } from '../../../src/render/text.js';

describe('upgradeProbeErrors', () => {
  it('turns the doctor’s words into why, keeps server and library words, and touches nothing else', () => {
    const old = {
      a: { state: 'failed', error: { code: 'TIMEOUT', message: 'no answer within the step timeout' }, ms: 5 },
      b: { state: 'failed', error: { code: 'REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1', rawCode: 'X' } },
      c: [{ code: 'INTERNAL', message: 'could not read the TLS session: truncated DER' }],
      aia: { url: 'http://x/', fetched: false, completesChain: false, error: 'HTTP 404' },
      xml: { code: 'xml-error', message: 'no answer within the step timeout', line: 1, column: 2 },
    };
    expect(upgradeProbeErrors(old)).toEqual({
      a: { state: 'failed', error: { code: 'TIMEOUT', why: { code: 'step-timeout' } }, ms: 5 },
      b: old.b,
      c: [{ code: 'INTERNAL', why: { code: 'tls-session-unreadable' }, message: 'truncated DER' }],
      aia: { url: 'http://x/', fetched: false, completesChain: false, why: { code: 'http-status', status: 404 } },
      xml: old.xml,
    });
  });

  it('the corpus written with words loads as codes and prints the same words', async () => {
    const file = path.resolve(import.meta.dirname, '../../corpus/silent-server.evidence.json');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('no answer within the step timeout');
    const ev = await loadEvidence({ name: 'silent-server', text });
    expect(JSON.stringify(ev)).not.toContain('no answer within the step timeout');
    expect(JSON.stringify(ev)).toContain('"step-timeout"');
    const printed = renderText(judgeEvidence(ev), { color: false, verbose: true, quiet: false });
    expect(printed).toContain('no answer within the step timeout');
  });
});
