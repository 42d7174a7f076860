/**
 * Address helpers shared by discovery, probes and the DNS layer, and the one rule for where a
 * connection may go under --no-private: nowhere loopback, link-local, private (RFC 1918), ULA or
 * unspecified, except to the hosts and addresses the user named.
 */
import { BlockList, isIP } from 'node:net';

/** Is this host this machine itself (localhost, 127/8, ::1, IPv4-mapped 127/8)? */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h.startsWith('::ffff:127.');
}

const PRIVATE = new BlockList();
// RFC 1122 "this network" and unspecified, RFC 1918, loopback, RFC 3927 link-local (IPv4-mapped IPv6 too).
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
// Unspecified, loopback, RFC 4291 link-local, RFC 4193 unique local.
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fe80::', 10],
  ['fc00::', 7],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** Loopback, link-local, private (RFC 1918), unique local (ULA) or unspecified; false for names. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return PRIVATE.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** Where connections may go in a run. */
export interface AddressPolicy {
  /** --no-private: no connection to a private address (see isPrivateAddress). */
  noPrivate: boolean;
  /** Host names and addresses the user named (--host, --resolve, --trust-host, --ispdb-url), lower case: exempt. */
  exempt: ReadonlySet<string>;
}

export const OPEN_POLICY: AddressPolicy = { noPrivate: false, exempt: new Set() };

/** Must this address of this host be left alone? */
export function refusedAddress(policy: AddressPolicy, host: string, address: string): boolean {
  if (!policy.noPrivate || !isPrivateAddress(address)) return false;
  return !policy.exempt.has(host.toLowerCase()) && !policy.exempt.has(address.toLowerCase());
}
