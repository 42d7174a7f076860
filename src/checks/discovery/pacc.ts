/**
 * Checks on PACC (draft-ietf-mailmaint-pacc): a document DNS vouches for (PACC_FOUND), one whose
 * bytes no published digest matches (PACC_DIGEST_MISMATCH, with both digests), one that cannot be
 * used for another reason — no TXT record, no UAAC1 digest, not JSON, no IMAP host, or a TXT record
 * whose document is missing (PACC_INVALID) — and the obsolete forms (PACC_OBSOLETE, a note).
 */
import { imapServers } from '../../discovery/candidates.js';
import type { SourceResult } from '../../model/discovery.js';
import { endpointId } from '../../model/evidence.js';
import type { Finding } from '../../model/finding.js';
import type { Check, CheckContext } from '../types.js';
import { finding } from '../types.js';
import { sources } from './helpers.js';
import { errorParams } from '../../model/reading.js';

function paccFindings(ctx: CheckContext, s: SourceResult): Finding[] {
  const p = s.pacc;
  // Not fetched (--no-private): PRIVATE_ADDRESS_REFUSED says so.
  if (!p || (s.refused?.length ?? 0) > 0) return [];
  const domain = ctx.address.domain;
  const base = { domain, url: s.query, txtName: p.txtName };
  if (s.status === 'found') {
    return [
      finding('PACC_FOUND', 'discovery', {
        ...base,
        servers: imapServers(s).map(endpointId),
        authenticated: p.txtAuthenticated,
        ...(p.submissionKey ? { submissionKey: p.submissionKey } : {}),
      }),
    ];
  }
  if (p.problem === 'digest-mismatch' && p.bodyDigest) {
    const published = p.txt.filter((t) => t.usable).map((t) => t.digest ?? '');
    return [
      finding('PACC_DIGEST_MISMATCH', 'discovery', {
        ...base,
        served: p.bodyDigest,
        published,
        bytes: p.bodyBytes ?? 0,
      }),
    ];
  }
  if (p.problem) {
    return [
      finding('PACC_INVALID', 'discovery', {
        ...base,
        reason: p.problem,
        ...(p.detail ? { detail: p.detail } : {}),
        ...(p.bodyDigest ? { served: p.bodyDigest } : {}),
      }),
    ];
  }
  if (s.invalid?.reason === 'too-large')
    return [finding('PACC_INVALID', 'discovery', { ...base, reason: 'too-large' })];
  // DNS vouches for a document that cannot be fetched.
  if (p.txt.some((t) => t.usable))
    return [
      finding('PACC_INVALID', 'discovery', {
        ...base,
        reason: 'unreachable',
        ...(s.httpStatus
          ? { detail: `HTTP ${s.httpStatus}` }
          : s.error
            ? errorParams('detail', s.error)
            : { detail: s.status }),
      }),
    ];
  return [];
}

function obsoleteFindings(ctx: CheckContext, s: SourceResult): Finding[] {
  const o = s.paccObsolete;
  if (!o || s.status !== 'found') return [];
  const found = [
    ...(o.wellKnownPresent ? [o.wellKnownUrl] : []),
    ...(o.srvTargets.length > 0 ? [`${o.srvName} SRV → ${o.srvTargets.join(', ')}`] : []),
  ];
  return [finding('PACC_OBSOLETE', 'discovery', { domain: ctx.address.domain, found })];
}

export const paccCheck: Check = {
  id: 'discovery/pacc',
  needs: ['discovery'],
  run: (ctx) => [
    ...sources(ctx, 'pacc').flatMap((s) => paccFindings(ctx, s)),
    ...sources(ctx, 'pacc-obsolete').flatMap((s) => obsoleteFindings(ctx, s)),
  ],
};
