/** --ispdb-url's check, without commander: the command line and the early DNS queries (src/early.ts) use it. */
import { DEFAULTS } from '../options.js';

export function parseIspdbUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--ispdb-url "${value}" is not a URL (expected e.g. ${DEFAULTS.ispdbUrl})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`--ispdb-url "${value}" must be an http:// or https:// URL`);
  if (url.username || url.password) throw new Error('--ispdb-url must not carry a user name or password');
  return value;
}
