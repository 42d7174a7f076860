/**
 * --redact, for reports pasted into tickets: masks the username / local part of the address and
 * client IP addresses (this machine's, and any IP a server echoes in its greeting or replies),
 * while server names and server addresses stay readable. Returns a new report; pure.
 */
import { isIP } from 'node:net';
import type { Report } from '../model/report.js';
import { mapStrings } from '../util/plain.js';

const MASK = '***';
/** Keys whose values name servers, never the user. */
const KEEP = new Set([
  'host',
  'id',
  'endpoint',
  'sameAs',
  'hostnameChecked',
  'servername',
  'code',
  'stage',
  'source',
  'security',
]);
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// Not inside a longer run of hex and colons: a certificate fingerprint (AB:CD:…) is no address.
const IPV6 = /(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![0-9a-f:])/gi;

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function redactReport(r: Report): Report {
  const serverIps = new Set<string>();
  const clientIps = new Set<string>();
  for (const e of r.endpoints) {
    for (const a of e.addresses) {
      serverIps.add(a.address);
      if (a.localAddress) clientIps.add(a.localAddress);
    }
  }
  const words = new Set<string>();
  const local = r.input.address.slice(0, r.input.address.lastIndexOf('@'));
  words.add(r.input.address);
  if (typeof r.input.options.user === 'string') words.add(r.input.options.user);
  for (const e of r.endpoints) if (e.login.state === 'attempted') words.add(e.login.username);
  // URL-encoded too: --send-address puts ?emailaddress=alice%40example.com into source URLs.
  for (const w of [...words]) words.add(encodeURIComponent(w));
  const userPatterns = [...words]
    .filter((w) => w.length > 0)
    .sort((a, b) => b.length - a.length)
    .map((w) => new RegExp(escapeRe(w), 'gi'));
  const localRe = local.length >= 3 ? new RegExp(`\\b${escapeRe(local)}(?=@)`, 'gi') : null;
  const maskIp = (m: string) => (isIP(m) !== 0 && !serverIps.has(m) ? MASK : m);
  const scrubString = (s: string): string => {
    let out = s;
    for (const re of userPatterns) {
      out = out.replace(re, (m) => {
        const at = m.includes('@') ? m.lastIndexOf('@') : m.toLowerCase().lastIndexOf('%40');
        if (at < 0) return MASK;
        return m.includes('@') ? `${MASK}@${m.slice(at + 1)}` : `${MASK}%40${m.slice(at + 3)}`;
      });
    }
    if (localRe) out = out.replace(localRe, MASK);
    for (const ip of clientIps) out = out.split(ip).join(MASK);
    return out.replace(IPV4, maskIp).replace(IPV6, maskIp);
  };
  // Server names and server addresses are what a support desk needs to see.
  const out = mapStrings(r, (v, key) =>
    KEEP.has(key ?? '') || (key === 'address' && serverIps.has(v)) ? v : scrubString(v),
  );
  out.input.options = { ...out.input.options, redact: true };
  return out;
}
