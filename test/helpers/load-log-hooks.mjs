// Module hooks (node:module register) that append every file: URL the process loads to $LOAD_LOG.
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  if (url.startsWith('file:') && process.env.LOAD_LOG) appendFileSync(process.env.LOAD_LOG, `${url}\n`);
  return next(url, context);
}
