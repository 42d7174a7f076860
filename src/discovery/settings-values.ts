/**
 * Hostnames and ports as settings files and DNS records write them, checked and made ready to dial. Apart
 * from xml-guard.ts (which re-exports them) so that SRV, MX and PACC discovery use them without loading
 * fast-xml-parser, which only a settings file that arrives needs. Pure; nothing here throws.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { Security } from '../model/evidence.js';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * A hostname ready to dial: lower-cased, IDN turned into punycode, one trailing dot dropped,
 * IPv6 brackets removed. Undefined when it is neither a DNS name nor an IP address.
 */
export function normaliseHost(raw: string): string | undefined {
  let host = raw.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (isIP(host) !== 0) return host;
  if (/[^\x20-\x7e]/.test(host)) host = domainToASCII(host);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || host.length > 253 || /^[0-9.]+$/.test(host)) return undefined;
  return host.split('.').every((label) => LABEL.test(label)) ? host : undefined;
}

/** A port number 1–65535 written as plain digits, else undefined. */
export function parsePort(raw: string): number | undefined {
  if (!/^\d{1,5}$/.test(raw)) return undefined;
  const port = Number(raw);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** Host, port and security implied by an http(s) URL (ews/owa/graph entries, Exchange URLs). */
export function endpointFromUrl(raw: string): { host: string; port: number; security: Security } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = normaliseHost(url.hostname);
  if (host === undefined) return undefined;
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  return { host, port, security: secure ? 'tls' : 'plain' };
}
