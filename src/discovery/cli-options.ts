/**
 * The discovery options of the command line (--dns, --ispdb-url, --no-ispdb, --send-address,
 * --guess, --max-endpoints, --trust-host, --oauth-discover) and their mapping to RunOptions. Values are checked
 * twice with the same rules: by commander while parsing (a usage error, exit 2) and again by
 * discoveryOptionsFrom, which throws a plain Error with a one-line message.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import { normaliseHost } from '../address.js';
import { formatServer, parseServerSpec } from '../dns/resolver.js';
import { DEFAULTS, type RunOptions } from '../options.js';
import { thrown } from '../errors/classify.js';
import { LIMITS } from '../limits.js';
import { parseIspdbUrl } from './ispdb-url.js';

export { parseIspdbUrl };

export const MAX_ENDPOINTS_LIMIT = LIMITS.maxEndpoints;

export function parseDns(value: string): string {
  return formatServer(parseServerSpec(value));
}

export function parseMaxEndpoints(value: string | number): number {
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new Error('--max-endpoints must be a whole number');
  const n = Number(text);
  if (n < 1 || n > MAX_ENDPOINTS_LIMIT) throw new Error(`--max-endpoints must be between 1 and ${MAX_ENDPOINTS_LIMIT}`);
  return n;
}

export function parseTrustHost(value: string): string {
  const host = normaliseHost(value);
  if (!host) throw new Error(`--trust-host "${value}" is not a valid host name or IP address`);
  return isIP(host) === 0 ? host.toLowerCase() : host;
}

/** commander wants InvalidArgumentError (a usage error); the same rule throws a plain Error elsewhere. */
export function asArg<T>(parse: (v: string) => T): (v: string) => T {
  return (v) => {
    try {
      return parse(v);
    } catch (err) {
      throw new InvalidArgumentError(thrown(err).message.replace(/^--[a-z-]+ /, ''));
    }
  };
}

function repeat<T>(parse: (v: string) => T): (v: string, prev: T[] | undefined) => T[] {
  const one = asArg(parse);
  return (v, prev) => [...(prev ?? []), one(v)];
}

export function addDiscoveryOptions(program: Command): Command {
  return program
    .option(
      '--dns <ip[:port]>',
      'ask this DNS server for SRV, MX and every host address (repeatable; default: the system resolver)',
      repeat(parseDns),
    )
    .option(
      '--ispdb-url <base>',
      `Thunderbird ISPDB to ask (default ${DEFAULTS.ispdbUrl}; {{domain}} is replaced, else the domain is appended)`,
      asArg(parseIspdbUrl),
    )
    .option('--no-ispdb', 'do not ask the ISPDB (it learns the domain you look up)')
    .option(
      '--send-address',
      "send the full address to the domain's autoconfig and Autodiscover servers (default: not sent)",
    )
    .option('--guess', 'also probe imap.D, mail.D and D when settings were published')
    .option(
      '--max-endpoints <n>',
      `probe at most this many candidates (default ${DEFAULTS.maxEndpoints})`,
      asArg(parseMaxEndpoints),
    )
    .option(
      '--trust-host <host>',
      'allow the login on this host even though discovery could not vouch for it (repeatable)',
      repeat(parseTrustHost),
    )
    .option(
      '--oauth-discover',
      "ask the server where OAuth tokens come from: one OAUTHBEARER without a real token, spending that endpoint's one login attempt",
    );
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** The RunOptions fields set by the discovery options in `o` (commander's parsed options). */
export function discoveryOptionsFrom(o: Record<string, unknown>): Partial<RunOptions> {
  const out: Partial<RunOptions> = {};
  const dns = strings(o.dns);
  if (dns.length > 0) {
    out.dnsServers = dns.map((d) => {
      try {
        return parseDns(d);
      } catch (err) {
        throw new Error(`--dns: ${thrown(err).message}`);
      }
    });
  }
  if (typeof o.ispdbUrl === 'string') out.ispdbUrl = parseIspdbUrl(o.ispdbUrl);
  if (o.ispdb === false) out.ispdb = false;
  if (o.sendAddress === true) out.sendAddress = true;
  if (o.guess === true) out.guess = true;
  if (o.maxEndpoints !== undefined) out.maxEndpoints = parseMaxEndpoints(o.maxEndpoints as string | number);
  const trust = strings(o.trustHost);
  if (trust.length > 0) out.trustHosts = [...new Set(trust.map(parseTrustHost))];
  if (o.oauthDiscover === true) {
    if (o.login === false)
      throw new Error(
        '--oauth-discover sends a login attempt (without a real token); it cannot be combined with --no-login',
      );
    if (o.oauthToken !== undefined)
      throw new Error(
        '--oauth-discover finds out where to get a token; with --oauth-token there is nothing to discover',
      );
    out.oauthDiscover = true;
  }
  return out;
}
