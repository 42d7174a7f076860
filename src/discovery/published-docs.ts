/**
 * What a domain publishes now, fetched as-is for `imap-doctor publish` to lint: the autoconfig
 * files (https autoconfig.D, https D/.well-known, http autoconfig.D) and the Autodiscover answers
 * (POST to https autodiscover.D and https D with a stand-in mailbox, and Outlook's HTTP redirect
 * method: GET http://autodiscover.D/…). Redirects recorded hop by hop; never credentials.
 */
import type { PublishedDoc } from '../publish/lint.js';
import { autoconfigUrl } from './autoconfig.js';
import { autodiscoverUrl, STAND_IN_LOCAL_PART } from './autodiscover.js';
import type { Fetcher, HttpRequest } from './http.js';
import { autodiscoverRequestBody } from './parse-autodiscover.js';

export async function fetchPublishedDocs(
  fetch: Fetcher,
  domain: string,
  step: () => AbortSignal,
): Promise<PublishedDoc[]> {
  const post = (url: string): HttpRequest => ({
    url,
    method: 'POST',
    body: autodiscoverRequestBody(`${STAND_IN_LOCAL_PART}@${domain}`),
    headers: { 'Content-Type': 'text/xml; charset=utf-8' },
  });
  const asks: Array<[PublishedDoc['kind'], HttpRequest]> = [
    ['autoconfig', { url: autoconfigUrl('autoconfig', domain) }],
    ['autoconfig', { url: autoconfigUrl('autoconfig-wellknown', domain) }],
    ['autoconfig', { url: autoconfigUrl('autoconfig-http', domain) }],
    ['autodiscover', post(autodiscoverUrl(`autodiscover.${domain}`))],
    ['autodiscover', post(autodiscoverUrl(domain))],
    ['autodiscover', { url: `http://autodiscover.${domain}/autodiscover/autodiscover.xml` }],
  ];
  return Promise.all(
    asks.map(async ([kind, req]) => {
      const o = await fetch(req, step());
      return {
        kind,
        url: req.url,
        hops: o.hops,
        ...(o.status !== undefined ? { status: o.status } : {}),
        ...(o.body !== undefined ? { body: o.body } : {}),
      };
    }),
  );
}
