/**
 * The Autodiscover POX request body (Outlook schema 2006): a template with the address XML-escaped.
 * Apart from the parser, so a request goes out before fast-xml-parser is loaded for its answer.
 */

export const AUTODISCOVER_RESPONSE_SCHEMA =
  'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const REQUEST_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';

/** The POX request Outlook sends, asking for the 2006a response schema; the address is XML-escaped. */
export function autodiscoverRequestBody(address: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${REQUEST_SCHEMA}">`,
    '  <Request>',
    `    <EMailAddress>${escapeXml(address)}</EMailAddress>`,
    `    <AcceptableResponseSchema>${AUTODISCOVER_RESPONSE_SCHEMA}</AcceptableResponseSchema>`,
    '  </Request>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

function escapeXml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
