/**
 * The OAuth token is a secret exactly like the password: `variants()` must name every form it can
 * take on the wire, so the last-line scrubber catches it in XOAUTH2 and OAUTHBEARER blobs whatever
 * the username, host and port around it.
 */
import { describe, expect, it } from 'vitest';
import { holdsPiece, maskPieces, Secret, scrub, scrubDeep } from '../../../src/util/secret.js';

const TOKEN = 'ya29.a0AfB_byC-canary-token_0123456789abcdef';
const USER = 'alice@gmail.com';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('Secret.variants() for OAuth tokens', () => {
  const forms = new Secret(TOKEN).variants(USER);
  const caught = (blob: string) => scrub(blob, forms) !== blob;

  it('catches the XOAUTH2 blob (Google format) and the OAUTHBEARER blob as imapflow builds it (RFC 7628 §3.1)', () => {
    expect(caught(b64(`user=${USER}\x01auth=Bearer ${TOKEN}\x01\x01`))).toBe(true);
    for (const [host, port] of [
      ['imap.gmail.com', 993],
      ['outlook.office365.com', 143],
      ['127.0.0.2', 40123],
    ] as const) {
      expect(caught(b64(`n,a=${USER},\x01host=${host}\x01port=${port}\x01auth=Bearer ${TOKEN}\x01\x01`))).toBe(true);
    }
  });

  it('catches the token at every byte offset inside any base64 blob, and with any bytes after it', () => {
    for (let before = 0; before < 9; before++) {
      for (let after = 0; after < 4; after++) {
        expect(
          caught(b64(`${'p'.repeat(before)}${TOKEN}${'q'.repeat(after)}`)),
          `offset ${before}, ${after} after`,
        ).toBe(true);
      }
    }
  });

  it('scrubs the raw token and leaves unrelated text alone', () => {
    expect(scrub(`Bearer ${TOKEN} end`, forms)).toBe('Bearer [redacted] end');
    const unrelated = b64('user=bob@example.com\x01auth=Bearer something-else-entirely\x01\x01');
    expect(scrub(unrelated, forms)).toBe(unrelated);
  });

  it('adds no short inner forms for a short secret (they would blank unrelated base64)', () => {
    const short = new Secret('pw12345').variants();
    expect(short.every((f) => f.length >= 7)).toBe(true);
    expect(new Secret('').variants()).toEqual([]);
  });
});

describe('maskPieces', () => {
  const secret = 'correct-horse-battery';

  it('an echoed piece becomes one "[redacted]", however many overlapping windows matched it', () => {
    const out = maskPieces(`NO [AUTHENTICATIONFAILED] bad password ${secret.slice(0, 15)} for alice`, [secret], []);
    expect(out).toBe('NO [AUTHENTICATIONFAILED] bad password [redacted] for alice');
  });

  it('two separate echoes stay two masks, with the text between them kept', () => {
    const piece = secret.slice(0, 12);
    expect(maskPieces(`${piece} and ${piece}`, [secret], [])).toBe('[redacted] and [redacted]');
  });
});

describe('scrubDeep on ASCII and non-ASCII strings', () => {
  const forms = ['Tr0ub4dor&3', 'ｓｅｃｒｅｔ－ｆｕｌｌ'];
  it('masks a secret in any case in an ASCII string, and leaves strings without one as they were', () => {
    const out = scrubDeep({ a: ['said TR0UB4DOR&3 twice: tr0ub4dor&3'], b: 'nothing here', n: 993 }, forms);
    expect(out).toEqual({ a: ['said [redacted] twice: [redacted]'], b: 'nothing here', n: 993 });
  });

  it('copies objects key by key: an own "__proto__" key from parsed input stays data, the prototype untouched', () => {
    const parsed = JSON.parse('{"__proto__": {"said": "tr0ub4dor&3"}, "k": "v"}') as Record<string, unknown>;
    const out = scrubDeep(parsed, forms) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'k']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"said":"[redacted]"},"k":"v"}');
  });

  it('finds a form whose folding differs from the text: full-width secret in ASCII text, ASCII secret in full-width text', () => {
    expect(scrubDeep(['x secret-full y'], forms)).toEqual(['x [redacted] y']);
    expect(scrubDeep(['« ｔｒ０ｕｂ４ｄｏｒ＆３ »'], forms)).toEqual(['« [redacted] »']);
  });
});

describe('holdsPiece with a secret that folding lengthens', () => {
  // Found by the fuzzed CLI test (FUZZ_SEED=2050043207): ß folds to "ss", so half of the folded secret
  // (11) let a 10-character echo — half of the 20 typed characters — through in a BYE.
  const secret = 'aaaaaaaaß"øaaaaaaéaa';

  it('half of the secret as typed counts: the 10-character tail of a 20-character password is a piece', () => {
    expect(holdsPiece('* BYE øaaaaaaéaa', [secret])).toBe(true);
    expect(maskPieces('* BYE øaaaaaaéaa', [secret], [])).toBe('* BYE [redacted]');
  });

  it('nine characters of it are not', () => {
    expect(holdsPiece('* BYE aaaaaaéaa', [secret])).toBe(false);
  });
});
