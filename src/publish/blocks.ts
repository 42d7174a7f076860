/**
 * The paste-ready blocks of `imap-doctor publish`, from a plan of what was verified to work:
 * autoconfig XML (version 1.1, with the 1.2 fields a 1.1 reader skips), SRV records with RFC 8314
 * priorities (a "." record for a service not offered), the PACC document with its TXT digest, TLSA
 * "3 1 1" and "2 1 1" pairs for the presented keys, the Autodiscover POX answer, and the names the
 * certificates must carry. Pure; every value that enters XML is escaped.
 */
import type { Security } from '../model/evidence.js';
import { paccDigest, uaacTxt } from '../discovery/parse-pacc.js';
import { paccTxtName, paccUrl } from '../discovery/pacc.js';
import { autoconfigUrl } from '../discovery/autoconfig.js';
import { tlsaName } from '../probes/dane.js';
import type { PlannedServer, PublishPlan } from './plan.js';

export type BlockId = 'autoconfig' | 'srv' | 'pacc' | 'tlsa' | 'autodiscover' | 'certificates';

/** Why a block is missing, shortened, or what to mind when publishing it (texts in render.ts). */
export type BlockNote =
  | 'no-submission'
  | 'no-oauth-metadata'
  | 'pacc-needs-993'
  | 'pacc-submit-needs-465'
  | 'pacc-exact-bytes'
  | 'tlsa-needs-dnssec'
  | 'tlsa-ta-must-be-sent'
  | 'tlsa-no-issuer'
  | 'autodiscover-post';

export interface PublishBlock {
  id: BlockId;
  /** Where it goes: URLs to serve it at, or DNS names. */
  where: string[];
  /** Exactly what to paste. Empty when the block cannot be made (see notes). */
  text: string;
  notes: BlockNote[];
  /** The same as data (--format json). */
  data: Record<string, unknown>;
}

const TTL = 3600;
const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const socketType = (s: Security): string => (s === 'tls' ? 'SSL' : s === 'starttls' ? 'STARTTLS' : 'plain');

/** The <authentication> lines, most preferred first: OAuth2, SASL mechanisms beyond passwords (1.2), then a password form. */
export function authLines(p: PublishPlan): string[] {
  const out: string[] = [];
  if (p.sasl.includes('OAUTHBEARER') || p.sasl.includes('XOAUTH2')) out.push('<authentication>OAuth2</authentication>');
  for (const m of p.sasl.filter((x) => x.startsWith('SCRAM-')))
    out.push(`<authentication system="sasl">${xml(m)}</authentication>`);
  if (p.sasl.includes('PLAIN') || p.sasl.includes('LOGIN') || p.loginCommand)
    out.push('<authentication>password-cleartext</authentication>');
  else if (p.sasl.some((m) => m.startsWith('SCRAM-') || m === 'CRAM-MD5'))
    out.push('<authentication>password-encrypted</authentication>');
  return out;
}

function serverXml(tag: 'incomingServer' | 'outgoingServer', type: string, s: PlannedServer, auth: string[]): string[] {
  return [
    `    <${tag} type="${type}">`,
    `      <hostname>${xml(s.host)}</hostname>`,
    `      <port>${s.port}</port>`,
    `      <socketType>${socketType(s.security)}</socketType>`,
    '      <username>%EMAILADDRESS%</username>',
    ...auth.map((a) => `      ${a}`),
    `    </${tag}>`,
  ];
}

export function autoconfigBlock(p: PublishPlan): PublishBlock {
  const auth = authLines(p);
  const smtpAuth = auth.filter((a) => !a.includes('system="sasl"'));
  // Thunderbird for Android rejects a whole file whose <oAuth2> lacks authURL or tokenURL (RealAutoconfigParser.kt).
  const oauth = p.oauth;
  const withOAuth = oauth?.authURL !== undefined && oauth.tokenURL !== undefined;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xml(p.domain)}">`,
    `    <domain>${xml(p.domain)}</domain>`,
    `    <displayName>${xml(p.providerName)}</displayName>`,
    `    <displayShortName>${xml(p.providerName)}</displayShortName>`,
    ...p.imap.flatMap((s) => serverXml('incomingServer', 'imap', s, auth)),
    ...(p.submission ? serverXml('outgoingServer', 'smtp', p.submission, smtpAuth) : []),
    ...(withOAuth
      ? [
          '    <oAuth2>',
          `      <issuer>${xml(oauth?.issuer ?? '')}</issuer>`,
          `      <authURL>${xml(oauth?.authURL ?? '')}</authURL>`,
          `      <tokenURL>${xml(oauth?.tokenURL ?? '')}</tokenURL>`,
          '    </oAuth2>',
        ]
      : []),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ];
  const notes: BlockNote[] = [
    ...(p.submission ? [] : (['no-submission'] as const)),
    ...(oauth && !withOAuth ? (['no-oauth-metadata'] as const) : []),
  ];
  return {
    id: 'autoconfig',
    where: [autoconfigUrl('autoconfig', p.domain), autoconfigUrl('autoconfig-wellknown', p.domain)],
    text: lines.join('\n'),
    notes,
    data: {
      imap: p.imap,
      submission: p.submission ?? null,
      authentication: auth.map((a) => a.replace(/<[^>]+>/g, '')),
      oauthIssuer: withOAuth ? (oauth?.issuer ?? null) : null,
    },
  };
}

/** `_service._tcp.D. TTL IN SRV prio weight port target.`; a service not offered is "0 0 0 ." (RFC 2782, RFC 6186 §3.4). */
function srvLine(service: string, domain: string, s: { priority: number; port: number; host: string } | null): string {
  const rdata = s ? `${s.priority} 1 ${s.port} ${s.host}.` : '0 0 0 .';
  return `_${service}._tcp.${domain}. ${TTL} IN SRV ${rdata}`;
}

export function srvBlock(p: PublishPlan): PublishBlock {
  const tls = p.imap.find((s) => s.security === 'tls');
  const starttls = p.imap.find((s) => s.security === 'starttls');
  // RFC 8314 §5.1: implicit TLS preferred, so it gets the lower (better) priority.
  const lines = [
    srvLine('imaps', p.domain, tls ? { priority: 0, ...tls } : null),
    srvLine('imap', p.domain, starttls ? { priority: tls ? 10 : 0, ...starttls } : null),
  ];
  const sub = p.submission;
  if (sub) {
    lines.push(srvLine('submissions', p.domain, sub.security === 'tls' ? { priority: 0, ...sub } : null));
    lines.push(srvLine('submission', p.domain, sub.security === 'starttls' ? { priority: 0, ...sub } : null));
  }
  return {
    id: 'srv',
    where: lines.map((l) => l.split(' ')[0] ?? ''),
    text: `${lines.join('\n')}\n`,
    notes: sub ? [] : ['no-submission'],
    data: { records: lines },
  };
}

/** The PACC document and its TXT record; PACC allows IMAP only on 993 with TLS, submission only on 465. */
export function paccBlock(p: PublishPlan): PublishBlock {
  const imap = p.imap.find((s) => s.security === 'tls' && s.port === 993);
  const where = [paccUrl(p.domain), paccTxtName(p.domain)];
  if (!imap) return { id: 'pacc', where, text: '', notes: ['pacc-needs-993'], data: {} };
  const submit = p.submission?.security === 'tls' && p.submission.port === 465 ? p.submission : undefined;
  const doc = {
    protocols: { imap: { host: imap.host }, ...(submit ? { submit: { host: submit.host } } : {}) },
    authentication: {
      password: p.sasl.includes('PLAIN') || p.sasl.includes('LOGIN') || p.loginCommand,
      ...(p.oauth ? { 'oauth-public': { issuer: p.oauth.issuer } } : {}),
    },
    info: { provider: { name: p.providerName } },
  };
  const body = `${JSON.stringify(doc, null, 2)}\n`;
  const digest = paccDigest(Buffer.from(body, 'utf8'));
  const txt = `${paccTxtName(p.domain)}. ${TTL} IN TXT "${uaacTxt(digest)}"`;
  const notes: BlockNote[] = [
    'pacc-exact-bytes',
    ...(p.submission && !submit ? (['pacc-submit-needs-465'] as const) : []),
  ];
  return {
    id: 'pacc',
    where,
    text: `${body}\n${txt}\n`,
    notes,
    data: {
      document: body,
      bytes: Buffer.byteLength(body),
      digest,
      txtName: paccTxtName(p.domain),
      txt: uaacTxt(digest),
      record: txt,
    },
  };
}

export function tlsaBlock(p: PublishPlan): PublishBlock {
  const lines: string[] = [];
  const notes = new Set<BlockNote>(['tlsa-needs-dnssec']);
  for (const c of p.chains) {
    const name = `${tlsaName(c.host, c.port)}.`;
    if (c.leaf.spkiSha256) lines.push(`${name} ${TTL} IN TLSA 3 1 1 ${c.leaf.spkiSha256}`);
    if (c.issuer?.spkiSha256) {
      lines.push(`${name} ${TTL} IN TLSA 2 1 1 ${c.issuer.spkiSha256}`);
      // A 2 1 1 record needs the CA certificate in the chain the server sends (RFC 7671 §5.2.2).
      if (c.issuer.trustAnchor) notes.add('tlsa-ta-must-be-sent');
    } else notes.add('tlsa-no-issuer');
  }
  return {
    id: 'tlsa',
    where: [...new Set(p.chains.map((c) => tlsaName(c.host, c.port)))],
    text: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    notes: [...notes],
    data: { records: lines },
  };
}

function poxProtocol(type: 'IMAP' | 'SMTP', s: PlannedServer): string[] {
  return [
    '      <Protocol>',
    `        <Type>${type}</Type>`,
    `        <Server>${xml(s.host)}</Server>`,
    `        <Port>${s.port}</Port>`,
    '        <SSL>on</SSL>',
    ...(s.security === 'starttls' ? ['        <Encryption>TLS</Encryption>'] : []),
    '        <SPA>off</SPA>',
    '        <AuthRequired>on</AuthRequired>',
    '      </Protocol>',
  ];
}

/** The Outlook POX answer (responseschema 2006a) for POST /autodiscover/autodiscover.xml. */
export function autodiscoverBlock(p: PublishPlan): PublishBlock {
  const imap = p.imap[0];
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">',
    '  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...(imap ? poxProtocol('IMAP', imap) : []),
    ...(p.submission ? poxProtocol('SMTP', p.submission) : []),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ];
  return {
    id: 'autodiscover',
    where: [`https://autodiscover.${p.domain}/autodiscover/autodiscover.xml`],
    text: lines.join('\n'),
    notes: ['autodiscover-post'],
    data: { imap: imap ?? null, submission: p.submission ?? null },
  };
}

export function certificatesBlock(p: PublishPlan): PublishBlock {
  const mail = [...new Set([...p.imap.map((s) => s.host), ...(p.submission ? [p.submission.host] : [])])];
  const web = [`autoconfig.${p.domain}`, p.domain, `ua-auto-config.${p.domain}`, `autodiscover.${p.domain}`];
  const lines = [...mail.map((n) => `${n}  (mail server)`), ...web.map((n) => `${n}  (HTTPS settings)`)];
  return { id: 'certificates', where: [], text: `${lines.join('\n')}\n`, notes: [], data: { mail, web } };
}

export function buildBlocks(p: PublishPlan): PublishBlock[] {
  if (p.imap.length === 0) return [];
  return [autoconfigBlock(p), srvBlock(p), paccBlock(p), tlsaBlock(p), autodiscoverBlock(p), certificatesBlock(p)];
}
