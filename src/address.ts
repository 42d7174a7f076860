/**
 * Parse and normalise the address the user typed: local part kept as written, domain lower-cased
 * and converted to ASCII (IDN → punycode, UTS #46 via WHATWG URL). Garbage is rejected with a
 * one-line reason the CLI prints as a usage error.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { isIP, isIPv4 } from 'node:net';

export interface EmailAddress {
  /** The address as used on the wire: local part + '@' + ASCII domain. */
  address: string;
  localPart: string;
  /** ASCII (A-label) domain, lower case, no trailing dot. */
  domain: string;
  /** The domain as the user would read it (U-labels), when it differs. */
  unicodeDomain?: string;
}

export class InputError extends Error {
  override name = 'InputError';
}

const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\u0080-\uFFFF-]+$/u;

/**
 * node:net's isIP, without running its IPv6 pattern on what cannot be IPv6 (fewer than two colons): that
 * pattern costs milliseconds to compile on first use, in the early DNS queries' path (src/early.ts).
 */
export function ipVersion(s: string): 0 | 4 | 6 {
  if (s.indexOf(':') === s.lastIndexOf(':')) return isIPv4(s) ? 4 : 0;
  return isIP(s) as 0 | 4 | 6;
}

export function parseAddress(input: string): EmailAddress {
  const raw = input.trim();
  if (raw.length === 0) throw new InputError('the email address is empty');
  if (raw.length > 320) throw new InputError('the email address is longer than 320 characters');
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1) {
    throw new InputError(`"${printable(raw)}" is not an email address (expected something like alice@example.com)`);
  }
  const localPart = raw.slice(0, at);
  const domainIn = raw.slice(at + 1).replace(/\.$/, '');
  if (localPart.length > 64) throw new InputError('the part before @ is longer than 64 characters');
  const quoted = /^"(?:[^"\\\r\n]|\\.)*"$/.test(localPart);
  if (
    !quoted &&
    (!LOCAL_ATOM.test(localPart) || localPart.startsWith('.') || localPart.endsWith('.') || localPart.includes('..'))
  ) {
    throw new InputError(`"${printable(localPart)}" is not a valid name before the @`);
  }
  const domain = normaliseHost(domainIn);
  if (domain === null || ipVersion(domain) !== 0 || !domain.includes('.')) {
    throw new InputError(`"${printable(domainIn)}" is not a valid mail domain`);
  }
  const unicode = domainToUnicode(domain);
  return {
    address: `${localPart}@${domain}`,
    localPart,
    domain,
    ...(unicode !== domain ? { unicodeDomain: unicode } : {}),
  };
}

/** Normalise a host name (IDN → ASCII, lower case) or IP literal; null when it is not a valid host. */
export function normaliseHost(input: string): string | null {
  let h = input.trim().replace(/\.$/, '');
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.length === 0) return null;
  if (ipVersion(h) !== 0) return h.toLowerCase();
  if (/[\s/\\@:?#]/.test(h)) return null;
  const ascii = domainToASCII(h);
  if (ascii === '' || ascii.length > 253) return null;
  const labels = ascii.split('.');
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || !/^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(l)) return null;
  }
  return ascii;
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
