/**
 * Prints `imap-doctor publish`: what was verified, each block ready to paste with where it goes and
 * what to mind, then the lint of what the domain publishes now, each result with the client rule
 * and the code or document it comes from; or the same as JSON. Pure.
 */
import { secLabel } from '../catalogue/types.js';
import { inertJson } from '../render/visible.js';
import type { BlockId, BlockNote, PublishBlock } from './blocks.js';
import { LINT_RULES, type Client, type LintResult } from './lint.js';
import type { PlannedServer, PublishPlan } from './plan.js';

export interface PublishResult {
  domain: string;
  plan: PublishPlan;
  blocks: PublishBlock[];
  lints: LintResult[];
  /** Error findings of the diagnosis (code and title): why nothing may be verified. */
  problems: Array<{ code: string; title: string }>;
}

const TITLE: Record<BlockId, string> = {
  autoconfig: 'Autoconfig (config-v1.1.xml, with the autoconfig 1.2 fields)',
  srv: 'SRV records (RFC 6186, priorities per RFC 8314 §5.1)',
  pacc: 'PACC document and its TXT record (draft-ietf-mailmaint-pacc)',
  tlsa: 'TLSA records for DANE (RFC 6698, RFC 7671)',
  autodiscover: 'Autodiscover POX answer (Outlook)',
  certificates: 'Names the certificates must carry',
};

const NOTE: Record<BlockNote, string> = {
  'no-submission':
    'No outgoing server is known (none published, none given with --submission): add one, or Thunderbird and Thunderbird for Android reject the autoconfig file.',
  'no-oauth-metadata':
    'The OAuth issuer is known but its metadata could not be read, so no <oAuth2> element was written (Thunderbird for Android rejects one without authURL and tokenURL).',
  'pacc-needs-993': 'PACC allows IMAP only with SSL/TLS on port 993, which was not verified: no PACC document.',
  'pacc-submit-needs-465':
    'PACC allows submission only with SSL/TLS on port 465; the known outgoing server is not, so the document names none.',
  'pacc-exact-bytes':
    'Serve exactly these bytes (with the final newline): the TXT digest covers every byte, and any change needs a new TXT record.',
  'tlsa-needs-dnssec':
    'TLSA records count only in a DNSSEC-signed zone; publish the next key\'s "3 1 1" before changing the key.',
  'tlsa-ta-must-be-sent':
    'The "2 1 1" record names the CA that issued the certificate: the server must send that CA certificate in its chain.',
  'tlsa-no-issuer': 'The server sent no issuing certificate, so only the "3 1 1" record can be written.',
  'autodiscover-post': 'Answer POST requests at this URL with this document (mail apps send their request as XML).',
};

const CLIENT: Record<Client, string> = {
  thunderbird: 'Thunderbird',
  'thunderbird-android': 'Thunderbird for Android',
  outlook: 'Outlook',
};

const server = (s: PlannedServer): string => `${s.host}:${s.port} (${secLabel(s.security)})`;

function blockLines(b: PublishBlock): string[] {
  const where = b.where.length > 0 ? `  → ${b.where.join(', ')}` : '';
  return [
    `== ${TITLE[b.id]}`,
    ...(where ? [where] : []),
    '',
    ...(b.text ? [b.text.trimEnd(), ''] : []),
    ...b.notes.map((n) => `  note: ${NOTE[n]}`),
    ...(b.notes.length > 0 ? [''] : []),
  ];
}

function lintLines(lints: readonly LintResult[], domain: string): string[] {
  if (lints.length === 0)
    return [`What ${domain} publishes now passes the lint (Thunderbird, Thunderbird for Android, Outlook).`];
  return [
    `Lint of what ${domain} publishes now:`,
    ...lints.flatMap((l) => {
      const rule = LINT_RULES.find((r) => r.id === l.rule);
      return [
        `  ${l.severity === 'error' ? '✖' : '!'} ${l.rule} (${l.clients.map((c) => CLIENT[c]).join(', ')}) ${l.url}${l.where ? ` ${l.where}` : ''}${l.value ? `: ${l.value}` : ''}`,
        `      ${rule?.summary ?? ''}`,
        `      source: ${rule?.source ?? ''}`,
      ];
    }),
  ];
}

export function renderPublishText(r: PublishResult): string {
  const p = r.plan;
  const head = [`imap-doctor publish ${r.domain}`, ''];
  if (p.imap.length === 0) {
    return [
      ...head,
      `No IMAP server of ${r.domain} was verified to work, so there is nothing to publish yet.`,
      ...r.problems.map((x) => `  ✖ ${x.title} (${x.code})`),
      '',
      ...lintLines(r.lints, r.domain),
      '',
    ].join('\n');
  }
  const verified = [
    `Verified to work: ${p.imap.map(server).join(', ')}`,
    p.submission
      ? `Outgoing server: ${server(p.submission)}, from ${p.submission.from} (not tested by imap-doctor)`
      : 'Outgoing server: none known (use --submission host:port)',
    ...(p.oauth ? [`OAuth issuer: ${p.oauth.issuer}`] : []),
    '',
  ];
  return [...head, ...verified, ...r.blocks.flatMap(blockLines), ...lintLines(r.lints, r.domain), ''].join('\n');
}

export function renderPublishJson(r: PublishResult): string {
  const out = {
    publishVersion: 1,
    domain: r.domain,
    verified: { imap: r.plan.imap, submission: r.plan.submission ?? null, oauth: r.plan.oauth ?? null },
    blocks: r.blocks.map((b) => ({
      id: b.id,
      where: b.where,
      text: b.text,
      notes: b.notes.map((n) => ({ code: n, text: NOTE[n] })),
      data: b.data,
    })),
    lints: r.lints,
    problems: r.problems,
  };
  return inertJson(out);
}
