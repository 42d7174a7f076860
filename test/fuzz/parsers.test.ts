/**
 * Property tests of every parser that reads the network or the user: autoconfig and Autodiscover XML
 * (random text, hostile structure, the whitespace ReDoS family), IMAP greeting, tagged replies and
 * capability lists, DNS answer classification (random packets and random bytes), address parsing and
 * the URLs built from it. Each property: never throws (except the documented InputError), answers in
 * its own result type, and keeps its invariants. Case counts and seed: test/fuzz/params.ts.
 */
import { encode, type Answer, type DecodedPacket } from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError, normaliseHost as normaliseUserHost, parseAddress } from '../../src/address.js';
import { autoconfigUrl, AUTOCONFIG_VARIANTS, ispdbUrlFor } from '../../src/discovery/autoconfig.js';
import { autodiscoverUrl } from '../../src/discovery/autodiscover.js';
import { parseAutoconfig } from '../../src/discovery/parse-autoconfig.js';
import { parseAutodiscover } from '../../src/discovery/parse-autodiscover.js';
import { guardXml, normaliseHost } from '../../src/discovery/xml-guard.js';
import { classifyReply, matcher } from '../../src/dns/packet-resolver.js';
import { LIMITS } from '../../src/limits.js';
import { capabilitiesFrom, parseGreeting, parseTagged } from '../../src/probes/imap-parse.js';
import { fuzzParams } from './params.js';

const who = { address: 'alice@example.com', localPart: 'alice', domain: 'example.com' };
// eslint-disable-next-line no-control-regex
const C0 = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Pieces a hostile settings file is made of. */
const hostileHost = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((v) => `[${v}]`),
  fc.constantFrom(
    '%EMAILDOMAIN%',
    'imap.%EMAILDOMAIN%',
    'a b.example.com',
    'xn--',
    'ımap.example.com',
    '\u001b[2J.example.com',
    '.',
    '',
    'localhost',
    'a'.repeat(300),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const hostilePort = fc.oneof(
  fc.integer({ min: -5, max: 70_000 }).map(String),
  fc.constantFrom('', '993 ', '0x3e1', '1e3', '９９３'),
  fc.string({ maxLength: 8 }),
);
const noise = fc.constantFrom(
  '',
  '<!-- x -->',
  '<?pi ?>',
  '<![CDATA[<a>]]>',
  '&amp;',
  '&lt;',
  '\n'.repeat(60),
  ' \t'.repeat(30),
  '<!DOCTYPE x>',
  '<!ENTITY e "x">',
  '<a',
  '</b>',
  '"',
  "'",
  '\u0000',
  '\ufeff',
);
const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

const autoconfigDoc = fc
  .record({
    servers: fc.array(
      fc.record({
        type: fc.constantFrom('imap', 'pop3', 'smtp', 'IMAP', 'exchange', ''),
        host: hostileHost,
        port: hostilePort,
        socket: fc.constantFrom('SSL', 'STARTTLS', 'plain', 'TLS', '', 'ssl'),
      }),
      { maxLength: 30 },
    ),
    before: noise,
    inside: noise,
    escape: fc.boolean(),
  })
  .map(({ servers, before, inside, escape }) => {
    const t = (s: string) => (escape ? xmlText(s) : s);
    const xs = servers
      .map(
        (s) =>
          `<incomingServer type="${t(s.type)}"><hostname>${t(s.host)}</hostname><port>${t(s.port)}</port><socketType>${s.socket}</socketType>${inside}</incomingServer>`,
      )
      .join('');
    return `${before}<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.com">${xs}</emailProvider></clientConfig>`;
  });

const autodiscoverDoc = fc
  .record({
    protocols: fc.array(
      fc.record({
        type: fc.constantFrom('IMAP', 'POP3', 'SMTP', 'EXCH', 'WEB', ''),
        server: hostileHost,
        port: hostilePort,
        ssl: fc.constantFrom('on', 'off', '', 'x'),
      }),
      { maxLength: 30 },
    ),
    action: fc.constantFrom(
      '',
      '<Action>settings</Action>',
      '<Action>redirectUrl</Action><RedirectUrl>https://10.0.0.1/x</RedirectUrl>',
      '<Action>redirectAddr</Action><RedirectAddr>bob@x</RedirectAddr>',
    ),
    before: noise,
  })
  .map(({ protocols, action, before }) => {
    const ps = protocols
      .map(
        (p) =>
          `<Protocol><Type>${p.type}</Type><Server>${xmlText(p.server)}</Server><Port>${xmlText(p.port)}</Port><SSL>${p.ssl}</SSL></Protocol>`,
      )
      .join('');
    return `${before}<Autodiscover><Response><Account>${action}${ps}</Account></Response></Autodiscover>`;
  });

/** A server a parser accepted is dialable: a normalised host, a port 1–65535. */
function dialable(s: { host: string; port: number }): void {
  expect(normaliseHost(s.host)).toBe(s.host);
  expect(s.host).not.toMatch(/\s/);
  expect(s.port >= 1 && s.port <= 65535 && Number.isInteger(s.port)).toBe(true);
}

describe('settings documents', () => {
  it('autoconfig: random text never throws and never yields an undialable server', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), autoconfigDoc), (body) => {
        const r = parseAutoconfig(body, who);
        if (!r.ok) return;
        for (const s of [...r.config.incoming, ...r.config.outgoing]) dialable(s);
        expect(r.config.incoming.length).toBeLessThanOrEqual(LIMITS.xmlServers);
      }),
      fuzzParams(400),
    );
  });

  it('Autodiscover: random text never throws; redirects are URLs; servers are dialable', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), autodiscoverDoc), (body) => {
        const r = parseAutodiscover(body, who);
        if (!r.ok) return;
        for (const s of r.servers) dialable(s);
        if (r.redirectUrl) expect(URL.canParse(r.redirectUrl)).toBe(true);
        expect(r.servers.length).toBeLessThanOrEqual(LIMITS.xmlServers);
      }),
      fuzzParams(400),
    );
  });

  it('the guard answers blank-and-markup prefixes of any length (the ReDoS family) with a reason, not a hang', () => {
    const prefix = fc
      .array(fc.constantFrom(' ', '\n', '\t', '\r', '<!-- -->', '<?x?>', '<!--', '<?'), { maxLength: 200 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(prefix, fc.constantFrom('!', 'x', '<', '<a/>', '<html>', ''), (p, tail) => {
        const r = guardXml(p + tail);
        expect(typeof r.ok).toBe('boolean');
      }),
      fuzzParams(300),
    );
  });
});

describe('IMAP lines', () => {
  const line = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc
      .tuple(
        fc.constantFrom('* OK', '* PREAUTH', '* BYE', 'a1 OK', 'a1 NO', 'a1 BAD', '+OK', '220', 'HTTP/1.1', '* ok'),
        fc.constantFrom(
          '',
          ' [CAPABILITY IMAP4rev1 {4294967295}]',
          ' [ALERT]',
          ' [',
          ' [X-' + 'Y'.repeat(100),
          ' {4294967295}',
        ),
        fc.string({ maxLength: 100 }),
      )
      .map((p) => p.join('')),
  );

  it('a greeting of any bytes parses to a kind, one clean line of at most LIMITS.greetingChars characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          line.map((l) => Buffer.from(l)),
          fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u)),
        ),
        (buf) => {
          const g = parseGreeting(buf);
          expect(['ok', 'preauth', 'bye', 'pop3', 'smtp', 'http', 'ssh', 'ftp', 'tls', 'unknown']).toContain(g.kind);
          expect(g.line.length).toBeLessThanOrEqual(LIMITS.greetingChars);
          expect(g.line).not.toMatch(C0);
          expect((g.capabilities ?? []).length).toBeLessThanOrEqual(LIMITS.capabilities);
        },
      ),
      fuzzParams(500),
    );
  });

  it('tagged replies and capability lists: never throw, status OK/NO/BAD, names without blanks', () => {
    fc.assert(
      fc.property(line, fc.array(line, { maxLength: 5 }), (l, untagged) => {
        const t = parseTagged(l, 'a1');
        if (t) {
          expect(['OK', 'NO', 'BAD']).toContain(t.status);
          expect(t.line).not.toMatch(C0);
        }
        const caps = capabilitiesFrom(untagged, t ?? undefined);
        for (const c of caps ?? []) expect(c).not.toMatch(/\s/);
        expect((caps ?? []).length).toBeLessThanOrEqual(LIMITS.capabilities);
      }),
      fuzzParams(500),
    );
  });
});

describe('DNS answers', () => {
  const names = fc.constantFrom('imap.example.com', 'alias.example.com', 'other.example.com', 'evil.test');
  const answer: fc.Arbitrary<Answer> = fc.oneof(
    fc.record({ type: fc.constant('A' as const), name: names, data: fc.ipV4() }),
    fc.record({ type: fc.constant('AAAA' as const), name: names, data: fc.ipV6() }),
    fc.record({ type: fc.constant('CNAME' as const), name: names, data: names }),
    fc.record({
      type: fc.constant('MX' as const),
      name: names,
      data: fc.record({ preference: fc.nat(65535), exchange: names }),
    }),
  ) as fc.Arbitrary<Answer>;

  it('any answer is classified without throwing: a status, records of the type asked, at most LIMITS.dnsRecords', () => {
    fc.assert(
      fc.property(
        fc.array(answer, { maxLength: 60 }),
        fc.integer({ min: 0, max: 15 }),
        fc.constantFrom('A' as const, 'AAAA' as const, 'MX' as const),
        (answers, rcode, type) => {
          const packet = {
            id: 1,
            type: 'response',
            flags: rcode,
            flag_ad: false,
            questions: [],
            answers,
          } as unknown as DecodedPacket;
          const r = classifyReply<unknown>(packet, 'imap.example.com', type, { server: 's', via: 'udp', ms: 1 });
          expect(['records', 'nodata', 'nxdomain', 'servfail', 'refused', 'error']).toContain(r.status);
          expect(r.records.length).toBeLessThanOrEqual(LIMITS.dnsRecords);
          if (r.status !== 'records') expect(r.records).toEqual([]);
        },
      ),
      fuzzParams(500),
    );
  });

  it('random bytes and replies to other questions are rejected, never taken as the answer', () => {
    const accept = matcher(new Set([7]), 'imap.example.com', 'A');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), names, fc.integer({ min: 0, max: 0xffff }), (bytes, qname, id) => {
        expect(accept(Buffer.from(bytes)).ok && bytes.length < 12).toBe(false);
        const reply = encode({ type: 'response', id, questions: [{ type: 'A', name: qname }], answers: [] });
        expect(accept(reply).ok).toBe(id === 7 && qname === 'imap.example.com');
      }),
      fuzzParams(500),
    );
  });
});

describe('addresses and the URLs built from them', () => {
  const address = fc.oneof(
    fc.emailAddress(),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.tuple(fc.string({ maxLength: 20 }), fc.domain()).map(([l, d]) => `${l}@${d}`),
  );

  it('parseAddress throws only InputError; a parsed domain is normalised ASCII; URLs built from it stay on it', () => {
    fc.assert(
      fc.property(address, (raw) => {
        let a;
        try {
          a = parseAddress(raw);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return;
        }
        expect(normaliseUserHost(a.domain)).toBe(a.domain);
        expect(a.address).toBe(`${a.localPart}@${a.domain}`);
        for (const v of AUTOCONFIG_VARIANTS) {
          const u = new URL(autoconfigUrl(v, a.domain, a.address));
          expect([a.domain, `autoconfig.${a.domain}`]).toContain(u.hostname);
          expect(u.pathname).not.toContain('@');
        }
        expect(new URL(ispdbUrlFor('https://ispdb.test/v1.1/', a.domain)).hostname).toBe('ispdb.test');
        expect(new URL(autodiscoverUrl(`autodiscover.${a.domain}`, 443)).hostname).toBe(`autodiscover.${a.domain}`);
      }),
      fuzzParams(500),
    );
  });

  it('host normalisation is idempotent and yields no blanks or control characters', () => {
    fc.assert(
      fc.property(fc.oneof(fc.domain(), fc.string({ unit: 'binary', maxLength: 60 }), fc.ipV4(), fc.ipV6()), (h) => {
        for (const norm of [normaliseHost, (x: string) => normaliseUserHost(x) ?? undefined]) {
          const n = norm(h);
          if (n === undefined) continue;
          expect(norm(n)).toBe(n);
          expect(n).not.toMatch(/[\s\u0000-\u001f\u007f]/);
        }
      }),
      fuzzParams(500),
    );
  });
});
