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

  it('an endpoint whose lookup failed with the own DNS client’s old words re-judges to the same report', async () => {
    const file = path.resolve(import.meta.dirname, '../../corpus/healthy.evidence.json');
    const old = JSON.parse(readFileSync(file, 'utf8')) as { endpoints: Array<Record<string, unknown>> };
    const words = '192.0.2.53:53: no reply (2 × 2000 ms); 192.0.2.54:53: UDP reply truncated, TCP ECONNREFUSED';
    const endpoint = old.endpoints[0] as Record<string, unknown>;
    endpoint.resolve = {
      ms: 4012,
      via: '192.0.2.54:53',
      a: 'timeout',
      aaaa: 'unreachable',
      addresses: [],
      error: { code: 'DNS_TIMEOUT', message: words },
    };
    endpoint.addresses = [];
    const text = JSON.stringify(old);
    const ev = await loadEvidence({ name: 'dns-notes', text });
    const resolve = (ev.endpoints[0] as unknown as { resolve: { error: unknown } }).resolve;
    expect(resolve.error).toMatchObject({ code: 'DNS_TIMEOUT', why: { code: 'dns-notes' } });
    expect(JSON.stringify(ev)).not.toContain('no reply (');
    const print = (e: Parameters<typeof judgeEvidence>[0]) =>
      renderText(judgeEvidence(e), { color: false, verbose: true, quiet: false });
    // Judged as it was written (the words as a library's message) and as read today (codes): the same text.
    const printed = print(ev);
    expect(printed).toContain(words);
    expect(printed).toBe(print(JSON.parse(text) as Parameters<typeof judgeEvidence>[0]));
  });
});
