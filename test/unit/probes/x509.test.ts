import { rootCertificates } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { signatureAlgorithm } from '../../../src/probes/x509.js';
import { Secret, scrub, scrubDeep, textForms } from '../../../src/util/secret.js';

describe('signatureAlgorithm (read from the DER)', () => {
  const byCn = (cn: string) => {
    const pem = rootCertificates.find((p) => new X509Certificate(p).subject.includes(`CN=${cn}`));
    if (!pem) throw new Error(`${cn} not in Node's root store`);
    return new X509Certificate(pem).raw;
  };
  it('names the algorithms of real roots', () => {
    expect(signatureAlgorithm(byCn('ISRG Root X1'))).toBe('sha256WithRSAEncryption');
    expect(signatureAlgorithm(byCn('ISRG Root X2'))).toBe('ecdsa-with-SHA384');
  });
  it('knows the algorithm of every root Node ships', () => {
    const unknown = rootCertificates
      .map((p) => signatureAlgorithm(new X509Certificate(p).raw))
      .filter((a) => !a || /^\d/.test(a));
    expect(unknown).toEqual([]);
  });
  it('returns undefined for garbage instead of throwing', () => {
    expect(signatureAlgorithm(Buffer.from([0x30, 0x82, 0xff, 0xff, 0x01]))).toBeUndefined();
    expect(signatureAlgorithm(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('Secret', () => {
  const s = new Secret('hunter2-Canary');
  it('never prints its value', () => {
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).toBe('[redacted]');
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2-Canary');
  });
  it('lists the forms a leak could take, and scrub removes them all', () => {
    const forms = s.variants('alice@example.com');
    const plainBlob = Buffer.from('\0alice@example.com\0hunter2-Canary').toString('base64');
    const text = `a hunter2-Canary b ${Buffer.from('hunter2-Canary').toString('base64')} c ${plainBlob}`;
    const out = scrub(text, forms);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain(plainBlob);
    expect(out.match(/\[redacted\]/g)).toHaveLength(3);
  });
});

describe('scrubbing structured data', () => {
  it('a short or numeric password never breaks the report structure or its numbers', () => {
    const forms = new Secret('993').variants('a@b.c');
    const report = { ok: false, port: 993, ms: 5993, text: 'server said 993', list: ['993', 'x'] };
    expect(scrubDeep(report, forms)).toEqual({
      ok: false,
      port: 993,
      ms: 5993,
      text: 'server said [redacted]',
      list: ['[redacted]', 'x'],
    });
    expect(scrubDeep({ ok: false, v: 'false' }, new Secret('false').variants())).toEqual({
      ok: false,
      v: '[redacted]',
    });
  });

  it('free-text scrubbing keeps only forms long enough not to mangle words and numbers', () => {
    const forms = new Secret('993').variants('alice@example.com');
    expect(textForms(forms).every((f) => f.length >= 6)).toBe(true);
    expect(textForms(forms).length).toBeGreaterThan(0);
    expect(scrub('port 993', textForms(forms))).toBe('port 993');
  });

  it('the IMAP quoted form of a password with quotes or backslashes is covered (a server may echo it)', () => {
    const forms = new Secret('p"w\\x-Secret').variants();
    expect(scrub('NO bad "p\\"w\\\\x-Secret"', forms)).toBe('NO bad "[redacted]"');
  });
});
