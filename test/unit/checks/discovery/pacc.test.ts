/**
 * discovery/pacc on hand-built evidence (draft-ietf-mailmaint-pacc): a verified document, a digest
 * that does not match the TXT record, an invalid or missing document, and the obsolete form.
 */
import { describe, expect, it } from 'vitest';
import { paccCheck } from '../../../../src/checks/discovery/pacc.js';
import type { DiscoveryEvidence, SourceResult } from '../../../../src/model/discovery.js';
import type { PaccFacts } from '../../../../src/model/standards.js';
import { discovery, source } from '../../../helpers/discovery.js';
import { context } from '../../../helpers/evidence.js';

const result = (over: Partial<SourceResult>): SourceResult =>
  source('pacc', { status: 'found', trustReason: 'pacc-digest', ...over });
const evidence = (...sources: SourceResult[]): DiscoveryEvidence => discovery(sources);
const facts = (over: Partial<PaccFacts>): PaccFacts => ({
  txtName: '_ua-auto-config.example.com',
  txtStatus: 'records',
  txtAuthenticated: false,
  txt: [],
  verified: false,
  ...over,
});

describe('discovery/pacc', () => {
  const run = (...s: SourceResult[]) => paccCheck.run(context([], { discovery: evidence(...s) }));

  it('PACC_FOUND, PACC_DIGEST_MISMATCH with both digests, PACC_INVALID with its reason', () => {
    const imap = {
      protocol: 'imap' as const,
      type: 'imap',
      host: 'imap.example.com',
      port: 993,
      security: 'tls' as const,
    };
    expect(run(result({ servers: [imap], pacc: facts({ verified: true, submissionKey: 'smtp' }) }))[0]).toMatchObject({
      code: 'PACC_FOUND',
      params: { servers: ['imap.example.com:993/tls'], submissionKey: 'smtp' },
    });
    const mismatch = run(
      result({
        status: 'invalid',
        pacc: facts({
          problem: 'digest-mismatch',
          bodyDigest: 'served=',
          bodyBytes: 10,
          txt: [
            { raw: 'x', usable: true, digest: 'published=' },
            { raw: 'v=spf1', usable: false },
          ],
        }),
      }),
    );
    expect(mismatch[0]).toMatchObject({
      code: 'PACC_DIGEST_MISMATCH',
      severity: 'error',
      params: { served: 'served=', published: ['published='], bytes: 10 },
    });
    expect(
      run(result({ status: 'invalid', pacc: facts({ problem: 'not-json', detail: 'Unexpected end' }) }))[0],
    ).toMatchObject({ code: 'PACC_INVALID', params: { reason: 'not-json', detail: 'Unexpected end' } });
  });

  it('a TXT record whose document is missing is PACC_INVALID; nothing published says nothing', () => {
    const txt = [{ raw: 'v=UAAC1', usable: true, digest: 'd=' }];
    expect(run(result({ status: 'not-found', httpStatus: 404, pacc: facts({ txt }) }))[0]).toMatchObject({
      code: 'PACC_INVALID',
      params: { reason: 'unreachable', detail: 'HTTP 404' },
    });
    expect(run(result({ status: 'not-found', pacc: facts({ txtStatus: 'nxdomain' }) }))).toEqual([]);
  });

  it('the obsolete form is a note, and only when present', () => {
    const obsolete = (present: boolean) =>
      result({
        source: 'pacc-obsolete',
        status: present ? 'found' : 'not-found',
        paccObsolete: {
          wellKnownUrl: 'https://example.com/.well-known/pacc.json',
          wellKnownPresent: false,
          srvName: '_pacc._https.example.com',
          srvStatus: 'records',
          srvTargets: present ? ['pacc.example.com'] : [],
        },
      });
    expect(run(obsolete(true))).toEqual([
      expect.objectContaining({
        code: 'PACC_OBSOLETE',
        severity: 'info',
        params: { domain: 'example.com', found: ['_pacc._https.example.com SRV → pacc.example.com'] },
      }),
    ]);
    expect(run(obsolete(false))).toEqual([]);
  });
});
