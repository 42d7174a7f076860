/**
 * PACC (draft-ietf-mailmaint-pacc -02…-04) without I/O: the `_ua-auto-config` TXT records
 * (`v=UAAC1; a=sha256; d=<base64>`, tags in any order, unknown tags ignored, a final `;` allowed),
 * the SHA-256 digest of the exact bytes served, and — only once a digest matched — the JSON: IMAP
 * and submission hosts (implicit TLS on 993 and 465, the only ports PACC allows), the
 * authentication offered and the provider's name. Never throws.
 */
import { createHash } from 'node:crypto';
import type { ServerSetting } from '../model/discovery.js';
import type { PaccFacts, PaccProblem, PaccTxtRecord } from '../model/standards.js';
import { oneLine, thrown } from '../errors/classify.js';
import { LIMITS } from '../limits.js';
import { normaliseHost } from './settings-values.js';

/** The base64 SHA-256 of the bytes, as the `d=` tag carries it. */
export function paccDigest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** One TXT record's tags; usable when it is version UAAC1 with a SHA-256 digest. */
export function parseUaacRecord(raw: string): PaccTxtRecord {
  const tags = new Map<string, string>();
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (!tags.has(key)) tags.set(key, part.slice(eq + 1).trim());
  }
  const digest = tags.get('d');
  const algorithm = tags.get('a');
  const usable =
    tags.get('v') === 'UAAC1' &&
    algorithm?.toLowerCase() === 'sha256' &&
    digest !== undefined &&
    /^[A-Za-z0-9+/]{43}=$/.test(digest);
  // The tags are read from the whole record; the evidence keeps at most LIMITS.txtChars of it.
  return {
    raw: oneLine(raw, LIMITS.txtChars),
    usable,
    ...(digest !== undefined ? { digest } : {}),
    ...(algorithm !== undefined ? { algorithm } : {}),
  };
}

/** The TXT record that vouches for `body` (RDATA, without the owner name). */
export function uaacTxt(digest: string): string {
  return `v=UAAC1; a=sha256; d=${digest}`;
}

export type PaccRead =
  | { ok: true; servers: ServerSetting[]; facts: Partial<PaccFacts> }
  | { ok: false; problem: PaccProblem; detail?: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function hostOf(protocols: Record<string, unknown>, key: string): string | undefined {
  const entry = protocols[key];
  const raw = isObject(entry) ? textOf(entry.host) : undefined;
  return raw === undefined ? undefined : normaliseHost(raw);
}

function readAuthAndInfo(doc: Record<string, unknown>): Partial<PaccFacts> {
  const facts: Partial<PaccFacts> = {};
  const auth = doc.authentication;
  if (isObject(auth)) {
    if (typeof auth.password === 'boolean') facts.passwordAllowed = auth.password;
    const oauth = auth['oauth-public'];
    const issuer = isObject(oauth) ? textOf(oauth.issuer) : undefined;
    if (issuer) facts.oauthIssuer = issuer;
  }
  const info = isObject(doc.info) ? doc.info : {};
  if (isObject(info.provider)) {
    const name = textOf(info.provider.name);
    const shortName = textOf(info.provider.shortName);
    if (name || shortName) facts.provider = { ...(name ? { name } : {}), ...(shortName ? { shortName } : {}) };
  }
  const doc0 = isObject(info.help) ? textOf(info.help.documentation) : undefined;
  if (doc0) facts.documentation = doc0;
  return facts;
}

/** The JSON of a document whose digest matched. */
export function readPaccJson(body: string): PaccRead {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return { ok: false, problem: 'not-json', detail: thrown(err).message };
  }
  if (!isObject(doc) || !isObject(doc.protocols)) return { ok: false, problem: 'not-object' };
  const imap = hostOf(doc.protocols, 'imap');
  if (!imap) return { ok: false, problem: 'no-imap' };
  const servers: ServerSetting[] = [{ protocol: 'imap', type: 'imap', host: imap, port: 993, security: 'tls' }];
  // -03 renamed the submission key from `smtp` to `submit`; both mean implicit TLS on 465.
  const submissionKey = hostOf(doc.protocols, 'submit') ? 'submit' : hostOf(doc.protocols, 'smtp') ? 'smtp' : undefined;
  const submission = submissionKey ? hostOf(doc.protocols, submissionKey) : undefined;
  if (submission)
    servers.push({ protocol: 'smtp', type: submissionKey ?? 'submit', host: submission, port: 465, security: 'tls' });
  return { ok: true, servers, facts: { ...readAuthAndInfo(doc), ...(submissionKey ? { submissionKey } : {}) } };
}
