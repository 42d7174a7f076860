/** Address helpers shared by discovery, probes and the DNS layer. */
import { isIP } from 'node:net';

/** Is this host this machine itself (localhost, 127/8, ::1, IPv4-mapped 127/8)? */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}
