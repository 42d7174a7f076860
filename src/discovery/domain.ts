/**
 * "Same organisation" for discovery trust: the registrable domain of a host (Public Suffix List
 * through tldts, private suffixes included so that two github.io sites are two owners), and
 * whether a host lies inside an address's registrable domain. Pure; never throws.
 */
import { isIP } from 'node:net';
import { getDomain } from 'tldts';

/** The registrable domain ("example.co.uk" for "imap.mail.example.co.uk"); the host itself when the PSL has no answer. */
export function registrableDomain(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (isIP(h) !== 0) return h;
  return getDomain(h, { allowPrivateDomains: true }) ?? h;
}

/** Is `host` the address's registrable domain or a name under it? IP literals never are. */
export function insideDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (isIP(h) !== 0) return false;
  const base = registrableDomain(domain);
  return h === base || h.endsWith(`.${base}`);
}
