/**
 * No form of a secret reaches any output: property tests over generated secrets and hostile echoes
 * (case, Unicode normalisation, IMAP quoting, base64 and SASL, truncation, splitting across lines).
 * First the scrubber alone (thousands of cases), then the real CLI in-process against a TLS fake IMAP
 * server that echoes the password in NO [code], [ALERT] and BYE, checking stdout, stderr, the JSON
 * (every string), the text and Markdown renderings and the transcript. What the user typed (the
 * address, host, port) is never masked, so it is taken out before looking for the secret.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import type { Report } from '../../src/model/report.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import {
  fold,
  graphemes,
  holdsPiece,
  scrub,
  scrubServerText,
  Secret,
  SERVER_TEXT_HIDDEN,
} from '../../src/util/secret.js';
import { startFakeImap, scripts, type FakeImapServer } from '../servers/fake-imap.js';
import { labOrSkip } from '../servers/require.js';
import { fuzzParams, fuzzTimeout } from './params.js';

const USER = 'alice@example.test';
const HOST = 'imap.example.test';

/** The characters secrets are made of: ASCII, quotes and backslashes, and letters that change under case folding or normalisation. */
const unit = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~ '.split(''),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('ß', 'é', 'e\u0301', 'Å', 'ﬁ', 'Ａ', 'İ', '"', '\\', 'ø', '日', '😀', 'ǅ', 'ﬀ'),
  },
);
const secretOf = (min: number, max: number) =>
  fc.array(unit, { minLength: min, maxLength: max }).map((a) => a.join(''));

/** The smallest piece of a secret that counts as a form of it (max(6, half), or the whole when shorter). */
const pieceOf = (s: string) => Math.min(s.length, Math.max(6, Math.ceil(s.length / 2)));

type Transform = { name: string; lines: (s: string) => string[] };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const TRANSFORMS: Transform[] = [
  { name: 'as is', lines: (s) => [s] },
  { name: 'upper case', lines: (s) => [s.toUpperCase()] },
  { name: 'lower case', lines: (s) => [s.toLowerCase()] },
  { name: 'NFD', lines: (s) => [s.normalize('NFD')] },
  { name: 'NFKC', lines: (s) => [s.normalize('NFKC')] },
  { name: 'NFKD', lines: (s) => [s.normalize('NFKD')] },
  { name: 'IMAP quoted', lines: (s) => [`"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`] },
  { name: 'base64', lines: (s) => [b64(s)] },
  { name: 'SASL PLAIN', lines: (s) => [b64(`\0${USER}\0${s}`)] },
  { name: 'truncated', lines: (s) => [s.slice(0, pieceOf(s))] },
  { name: 'tail piece', lines: (s) => [s.slice(s.length - pieceOf(s))] },
  { name: 'split across lines', lines: (s) => [s.slice(0, Math.ceil(s.length / 2)), s.slice(Math.ceil(s.length / 2))] },
];
const transform = fc.constantFrom(...TRANSFORMS);

/**
 * Does `out` still hold the secret in any form? Placeholders and what the user typed are taken out first
 * (replaced by a character no secret holds, so no new match is made across them).
 */
function leaks(out: string, secret: string, protect: readonly string[]): string | undefined {
  let rest = out.split(SERVER_TEXT_HIDDEN).join('\u0000').split('[redacted]').join('\u0000');
  for (const p of protect) rest = rest.split(p).join('\u0000');
  if (holdsPiece(rest, [secret])) return `a piece of at least ${pieceOf(secret)} characters`;
  const forms = new Secret(secret).variants(USER);
  const found = forms.find((f) => scrub(rest, [f]) !== rest);
  return found === undefined ? undefined : `the form ${JSON.stringify(found)}`;
}

const PROTECT = [USER, HOST, '993'];

describe('the scrubber', () => {
  it('a server text echoing the secret in any transform keeps no form of it (after the refusal is read)', () => {
    fc.assert(
      fc.property(
        secretOf(1, 40),
        transform,
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        (secret, t, before, after) => {
          const forms = new Secret(secret).variants(USER);
          const lines = t.lines(secret);
          lines.forEach((l, i) => {
            const text = `${i === 0 ? before : ''}${l}${i === lines.length - 1 ? after : ''}`;
            const out = scrubServerText(text, [secret], forms, PROTECT);
            const piece = t.name === 'split across lines' ? l.length >= pieceOf(secret) : true;
            if (piece)
              expect(
                leaks(out, secret, PROTECT),
                `${t.name}: ${JSON.stringify(text)} → ${JSON.stringify(out)}`,
              ).toBeUndefined();
          });
        },
      ),
      fuzzParams(1500),
    );
  });

  it('ordinary words never blank a diagnosis: a text without a piece of the secret is kept', () => {
    fc.assert(
      fc.property(secretOf(12, 40), (secret) => {
        const text = 'NO [AUTHENTICATIONFAILED] Authentication failed for this user';
        fc.pre(!holdsPiece(text, [secret]));
        expect(scrubServerText(text, [secret], new Secret(secret).variants(USER), PROTECT)).toBe(text);
      }),
      fuzzParams(300),
    );
  });

  it('what the user typed is never masked in part, even when the secret is a piece of it', () => {
    expect(scrub(`Settings for ${USER} on ${HOST}`, new Secret('alice').variants(USER), PROTECT)).toBe(
      `Settings for ${USER} on ${HOST}`,
    );
    expect(scrub('NO bad password alice', new Secret('alice').variants(USER), PROTECT)).toBe(
      'NO bad password [redacted]',
    );
    expect(
      scrubServerText(
        `NO [AUTHENTICATIONFAILED] Invalid credentials for ${USER}`,
        ['alice'],
        new Secret('alice').variants(USER),
        PROTECT,
      ),
    ).toBe(`NO [AUTHENTICATIONFAILED] Invalid credentials for ${USER}`);
  });
});

const lab = labOrSkip('dovecot (secret property e2e)');

describe('graphemes, a window at a time', () => {
  // Pieces whose grapheme boundaries depend on their neighbours: CR LF, combining marks, emoji ZWJ
  // sequences and skin tones, regional-indicator pairs (flags), Hangul jamo, a lone surrogate.
  const piece = fc.oneof(
    unit,
    fc.constantFrom(
      '\r',
      '\n',
      '\r\n',
      '\u0301',
      '\u200d',
      '👩',
      '\u{1f3fd}',
      '🇩',
      '🇪',
      '\u1100',
      '\u1161',
      '\u11a8',
      '\ud83d',
      '\u0600',
    ),
  );
  it('are those of the whole text at once, however the windows cut it', () => {
    const seg = new Intl.Segmenter('en', { granularity: 'grapheme' });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (parts, window) => {
        const s = parts.join('');
        expect([...graphemes(s, window)]).toEqual(
          [...seg.segment(s)].map(({ segment, index }) => ({ segment, index })),
        );
      }),
      fuzzParams(500),
    );
  });
});

describe('folding for the match', () => {
  // The whole text segmented at once, each grapheme folded: what fold() must equal while segmenting only
  // around non-ASCII characters (CR is left out: fold keeps CR LF apart, as in an all-ASCII text).
  const piece = fc.oneof(
    unit,
    fc.constantFrom(
      '\n',
      '\u0301',
      '\u200d',
      '👩',
      '\u{1f3fd}',
      '🇩',
      '🇪',
      '\u1100',
      '\u1161',
      '\u11a8',
      '\ud83d',
      '\u0600',
      '\u0915\u094d',
      'ΣΑΣ',
      'ǅ',
      'ﬃ',
      '—',
      '…',
      '→',
      '×',
      '≤',
      'µ',
      '✓',
      '⌚',
      '\u20dd',
      '\u00ad',
      '\u2060',
    ),
  );
  const seg = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const reference = (s: string) => {
    let text = '';
    const ranges: Array<[number, number]> = [];
    for (const { segment, index } of seg.segment(s)) {
      const f = segment.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
      text += f;
      for (let k = 0; k < f.length; k++) ranges.push([index, index + segment.length]);
    }
    return { text, ranges };
  };
  it('segments only around non-ASCII characters and still equals the whole text folded grapheme by grapheme', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const s = parts.join('');
        const f = fold(s);
        const want = reference(s);
        expect(f.text).toBe(want.text);
        expect(Array.from({ length: f.text.length }, (_, i) => [f.start(i), f.end(i)])).toEqual(want.ranges);
      }),
      fuzzParams(1000),
    );
  });
});

describe.skipIf(!lab)('the whole CLI against a server that echoes the password', () => {
  if (!lab) return;
  let fake: FakeImapServer;
  let echo: { alert: Transform; reply: Transform; bye: Transform; code: string } = {
    alert: TRANSFORMS[0] as Transform,
    reply: TRANSFORMS[0] as Transform,
    bye: TRANSFORMS[0] as Transform,
    code: 'AUTHENTICATIONFAILED',
  };
  beforeAll(async () => {
    fake = await startFakeImap({
      host: lab.hosts.good,
      port: 0,
      mode: 'tls',
      cert: lab.certs.good.crt,
      key: lab.certs.good.key,
      script: scripts.handlers({
        replies: {
          AUTHENTICATE: (_cmd, ctx) => {
            const pass = ctx.credentials?.pass ?? '';
            // The response code as the secret in upper case (the scrubber once ran before that transform), when it is an atom.
            const code =
              echo.code === 'SECRET' && /^[A-Za-z0-9._-]+$/.test(pass)
                ? pass.toUpperCase()
                : echo.code === 'SECRET'
                  ? 'ALERT'
                  : echo.code;
            return [
              ...echo.alert.lines(pass).map((l) => `* OK [ALERT] ${l}`),
              `NO [${code}] ${echo.reply.lines(pass).join(' ')}`,
              `* BYE ${echo.bye.lines(pass).join(' ')}`,
            ];
          },
        },
      }),
    });
  });
  afterAll(async () => fake?.close());

  it(
    'stdout, stderr, every JSON string, text, Markdown and the transcript hold no form of it',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          // No blanks: an IMAP line loses trailing blanks, so an echo cut at a blank is shorter than it looks.
          fc
            .oneof(secretOf(8, 24), fc.stringMatching(/^[A-Za-z0-9._-]{8,20}$/))
            .filter((s) => /[A-Za-z]/.test(s) && !/\s/.test(s)),
          fc.record({
            alert: transform,
            reply: transform,
            bye: transform,
            code: fc.constantFrom('AUTHENTICATIONFAILED', 'ALERT', 'SECRET'),
          }),
          async (secret, e) => {
            echo = e;
            let stdout = '';
            let stderr = '';
            const code = await runCli({
              argv: [
                USER,
                '--host',
                HOST,
                '--resolve',
                `${HOST}=${fake.host}`,
                '--port',
                String(fake.port),
                '--security',
                'tls',
                '--ca-file',
                lab.certs.ca.crt,
                '--timeout',
                '4000',
                '--transcript',
                '--json',
              ],
              env: { IMAP_DOCTOR_PASSWORD: secret },
              stdout: { write: (s: string) => (stdout += s) },
              stderr: Object.assign(Object.create(process.stderr) as NodeJS.WritableStream, {
                write: (s: string) => (stderr += s),
                isTTY: false,
              }),
              stdin: process.stdin,
            });
            expect(code).not.toBe(3);
            const report = JSON.parse(stdout) as Report;
            expect(report.endpoints[0]?.login.state).toBe('attempted');
            const strings: string[] = [];
            JSON.stringify(report, (_k, v: unknown) => (typeof v === 'string' ? (strings.push(v), v) : v));
            const outputs = [
              stdout,
              stderr,
              renderText(report, { color: false, verbose: true, quiet: false }),
              renderMarkdown(report),
              ...strings,
            ];
            const protect = [...PROTECT, String(fake.port), fake.host];
            outputs.forEach((out, i) =>
              expect(
                leaks(out, secret, protect),
                `${e.alert.name}/${e.reply.name}/${e.bye.name}/${e.code}: output ${i}: ${JSON.stringify(out).slice(0, 2000)}`,
              ).toBeUndefined(),
            );
          },
        ),
        fuzzParams(20),
      );
    },
    fuzzTimeout(60_000),
  );
});
