/** imap/capability on hand-built evidence: CAPABILITY without an answer before or inside TLS (RFC 9051 §6.1.1). */
import { describe, expect, it } from 'vitest';
import { capabilityCheck } from '../../../../src/checks/imap/capability.js';
import type { Outcome } from '../../../../src/model/evidence.js';
import { idOf, judged, onAddress } from '../../../helpers/findings.js';

const failed = (code: 'TIMEOUT' | 'PROTOCOL_ERROR' | 'ABORTED', message = 'no tagged reply'): Outcome<string[]> => ({
  state: 'failed',
  error: { code, message },
  ms: 1,
});

describe('imap/capability', () => {
  it('CAPABILITY that worked says nothing (its contents are for other checks)', () => {
    expect(capabilityCheck.run(onAddress('tls'))).toEqual([]);
    expect(capabilityCheck.run(onAddress('starttls'))).toEqual([]);
  });

  it('no answer before TLS: IMAP_PROTOCOL_ERROR in the capability stage', () => {
    expect(judged(capabilityCheck.run(onAddress('tls', { capability: failed('TIMEOUT') })))).toEqual([
      {
        code: 'IMAP_PROTOCOL_ERROR',
        stage: 'capability',
        endpoint: idOf('tls'),
        params: { command: 'CAPABILITY', error: 'no tagged reply' },
      },
    ]);
  });

  it('no answer inside STARTTLS: IMAP_PROTOCOL_ERROR in capability-after-tls', () => {
    expect(
      judged(capabilityCheck.run(onAddress('starttls', { capabilityAfterTls: failed('PROTOCOL_ERROR', 'BAD') }))),
    ).toEqual([
      {
        code: 'IMAP_PROTOCOL_ERROR',
        stage: 'capability-after-tls',
        endpoint: idOf('starttls'),
        params: { command: 'CAPABILITY (inside TLS)', error: 'BAD' },
      },
    ]);
  });

  it('a step the deadline cut says nothing', () => {
    expect(
      capabilityCheck.run(
        onAddress('starttls', { capability: failed('ABORTED'), capabilityAfterTls: failed('ABORTED') }),
      ),
    ).toEqual([]);
  });
});
