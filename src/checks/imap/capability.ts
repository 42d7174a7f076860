/** Check: did CAPABILITY work before and after TLS? (Its contents are judged by other checks.) */
import type { Check } from '../types.js';
import { finding, perAddress, notEvidence } from '../types.js';
import { errorParams } from '../../model/reading.js';

export const capabilityCheck: Check = {
  id: 'imap/capability',
  needs: ['endpoints'],
  run: (ctx) =>
    perAddress(ctx, (e, a) =>
      [a.capability, a.capabilityAfterTls].flatMap((c, i) =>
        c?.state === 'failed' && !notEvidence(c.error)
          ? [
              finding(
                'IMAP_PROTOCOL_ERROR',
                i === 0 ? 'capability' : 'capability-after-tls',
                { command: i === 0 ? 'CAPABILITY' : 'CAPABILITY (inside TLS)', ...errorParams('error', c.error) },
                { e, a },
              ),
            ]
          : [],
      ),
    ),
};
