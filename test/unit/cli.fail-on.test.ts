/** --fail-on: how bad a finding must be for exit code 1, for a run and for `show`. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli.js';
import { ROOT } from '../helpers/paths.js';
import { runShow } from '../helpers/show.js';
import { addressProbe, candidate, endpoint, LOGGED_IN, reportFrom } from '../helpers/evidence.js';

describe('--fail-on', () => {
  const warningOnly = reportFrom([
    endpoint(candidate('imap.example.com', 143, 'starttls'), {
      addresses: [addressProbe('starttls', { capability: { state: 'ok', value: ['IMAP4rev1', 'STARTTLS'], ms: 1 } })],
      login: LOGGED_IN,
    }),
  ]);
  const failing = reportFrom([
    endpoint(candidate(), {
      addresses: [
        addressProbe('tls', { tcp: { state: 'failed', error: { code: 'REFUSED', message: 'refused' }, ms: 1 } }),
      ],
    }),
  ]);

  it('error (the default) fails on errors only; warning also on warnings; never on nothing', () => {
    expect(warningOnly.verdict.status).toBe('warning');
    expect(warningOnly.verdict.working).not.toBeNull();
    expect([
      exitCodeFor(warningOnly),
      exitCodeFor(warningOnly, 'error'),
      exitCodeFor(warningOnly, 'warning'),
      exitCodeFor(warningOnly, 'never'),
    ]).toEqual([0, 0, 1, 0]);
    expect([exitCodeFor(failing), exitCodeFor(failing, 'warning'), exitCodeFor(failing, 'never')]).toEqual([1, 1, 0]);
  });

  it('show takes it too, so a saved report exits as its run did', async () => {
    const soon = path.join(ROOT, 'test/corpus/expiring-soon.evidence.json');
    const codes = await Promise.all(
      [[], ['--fail-on', 'warning'], ['--fail-on', 'never']].map(
        async (f) => (await runShow(['show', '--rejudge', soon, ...f])).code,
      ),
    );
    expect(codes).toEqual([0, 1, 0]);
    expect((await runShow(['show', '--rejudge', soon, '--fail-on', 'often'])).code).toBe(2);
  });
});
