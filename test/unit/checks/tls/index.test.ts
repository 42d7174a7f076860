/**
 * Certificate reasoning from hand-built evidence: weak crypto (from the chain's facts and the
 * verification code), expiry warnings, the RFC 7817 email-domain note, and the handshake-time
 * judgements (weak parameters, TLS 1.0 only). Each code is shown firing on its evidence and not on
 * the evidence of its neighbours.
 */
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../../src/address.js';
import { runChecks } from '../../../../src/checks/index.js';
import { TLS_CHECKS } from '../../../../src/checks/tls/index.js';
import { chainWeakness } from '../../../../src/checks/tls/weak-crypto.js';
import type { AddressProbe, Candidate, CertInfo, ProbeError, TlsInfo } from '../../../../src/model/evidence.js';
import type { Finding } from '../../../../src/model/finding.js';
import { renderEntry } from '../../../../src/catalogue/index.js';
import { NOW, addressProbe, candidate, cert, context, endpoint, tlsInfo } from '../../../helpers/evidence.js';

const DAY = 86_400_000;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const ca = (over: Partial<CertInfo> = {}) =>
  cert({
    subject: 'CN=Example CA',
    commonName: 'Example CA',
    issuer: 'CN=Example CA',
    issuerCommonName: 'Example CA',
    subjectAltNames: [],
    selfIssued: true,
    isCA: true,
    trustAnchor: true,
    ...over,
  });

function runTls(info: Partial<TlsInfo>, opts: { c?: Candidate; address?: string; expiryWarningDays?: number } = {}) {
  const c = opts.c ?? candidate();
  const probe = addressProbe(
    c.security,
    c.security === 'starttls'
      ? { starttlsTls: { state: 'ok', value: tlsInfo(info), ms: 5 } }
      : { tls: { state: 'ok', value: tlsInfo(info), ms: 5 } },
  );
  return runChecks(
    context([endpoint(c, { addresses: [probe] })], {
      ...(opts.address ? { address: parseAddress(opts.address) } : {}),
      ...(opts.expiryWarningDays !== undefined ? { expiryWarningDays: opts.expiryWarningDays } : {}),
    }),
    TLS_CHECKS,
  );
}

function runFailed(error: ProbeError, legacy?: AddressProbe['legacyTls']) {
  const probe = addressProbe('tls', {
    tls: { state: 'failed', error, ms: 5 },
    greeting: { state: 'skipped', blockedBy: 'tls' },
    capability: { state: 'skipped', blockedBy: 'tls' },
    ...(legacy ? { legacyTls: legacy } : {}),
  });
  return runChecks(context([endpoint(candidate(), { addresses: [probe] })]), TLS_CHECKS);
}

const codes = (fs: { code: string }[]) => fs.map((f) => f.code).sort();
const WEAK_LEAF = { keyType: 'rsa', keyBits: 1024, signatureAlgorithm: 'ecdsa-with-SHA1' };

describe('tls/weak-crypto: TLS_WEAK_CRYPTO from the certificate', () => {
  it("the lab's weak server: UNSPECIFIED with an RSA-1024 key and a SHA-1 signature is weak crypto, not TLS_CERT_INVALID", () => {
    const fs = runTls({ chain: [cert(WEAK_LEAF), ca()], chainVerified: false, verifyError: 'UNSPECIFIED' });
    expect(codes(fs)).toEqual(['TLS_WEAK_CRYPTO']);
    expect(fs[0]).toMatchObject({
      severity: 'error',
      params: {
        keyTypes: ['RSA'],
        keyBits: ['1024'],
        keyCerts: ['imap.example.com'],
        signatureAlgorithms: ['ecdsa-with-SHA1'],
        signatureCerts: ['imap.example.com'],
        reason: 'UNSPECIFIED',
        refused: true,
        during: 'verification',
      },
    });
    const f = fs[0] as Finding;
    expect(renderEntry(f.code, f.params, f.subject).explanation).toContain(
      'Key too small: RSA 1024 bits (imap.example.com). Outdated signature hash (MD5/SHA-1, forgeable): ecdsa-with-SHA1 (imap.example.com).',
    );
  });

  it.each(['EE_KEY_TOO_SMALL', 'CA_KEY_TOO_SMALL', 'CA_MD_TOO_WEAK'])(
    'OpenSSL %s is weak crypto even without facts to show',
    (code) => {
      const fs = runTls({
        chain: [cert({ keyBits: undefined, keyType: undefined })],
        chainVerified: false,
        verifyError: code,
      });
      expect(codes(fs)).toEqual(['TLS_WEAK_CRYPTO']);
      expect(fs[0]?.params).toMatchObject({ reason: code, refused: true, keyCerts: [], signatureCerts: [] });
    },
  );

  it('UNSPECIFIED without weak facts stays TLS_CERT_INVALID', () => {
    expect(codes(runTls({ chainVerified: false, verifyError: 'UNSPECIFIED' }))).toEqual(['TLS_CERT_INVALID']);
  });

  it('a weak chain that verifies is a warning beside TLS_OK', () => {
    const fs = runTls({ chain: [cert({ keyType: 'rsa', keyBits: 1024 }), ca()] });
    expect(codes(fs)).toEqual(['TLS_OK', 'TLS_WEAK_CRYPTO']);
    expect(fs.find((f) => f.code === 'TLS_WEAK_CRYPTO')).toMatchObject({
      severity: 'warning',
      params: { refused: false, reason: '' },
    });
  });

  it('a weak chain that fails for another reason keeps that reason, with weak crypto as a warning', () => {
    const fs = runTls({
      chain: [cert(WEAK_LEAF)],
      chainVerified: false,
      verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    });
    expect(codes(fs)).toEqual(['TLS_UNTRUSTED_ISSUER', 'TLS_WEAK_CRYPTO']);
    expect(fs.find((f) => f.code === 'TLS_WEAK_CRYPTO')?.severity).toBe('warning');
  });

  it('judges what the server sent: trust anchors and self-signatures do not count', () => {
    expect(
      chainWeakness([cert(), ca({ keyType: 'rsa', keyBits: 1024, signatureAlgorithm: 'sha1WithRSAEncryption' })]),
    ).toEqual({ keyTypes: [], keyBits: [], keyCerts: [], signatureAlgorithms: [], signatureCerts: [] });
    expect(chainWeakness([cert({ selfIssued: true, signatureAlgorithm: 'sha1WithRSAEncryption' })])).toEqual({
      keyTypes: [],
      keyBits: [],
      keyCerts: [],
      signatureAlgorithms: [],
      signatureCerts: [],
    });
    const sent = ca({
      trustAnchor: false,
      selfIssued: false,
      keyType: 'rsa',
      keyBits: 1536,
      signatureAlgorithm: 'md5WithRSAEncryption',
    });
    expect(chainWeakness([cert(), sent])).toEqual({
      keyTypes: ['RSA'],
      keyBits: ['1536'],
      keyCerts: ['Example CA'],
      signatureAlgorithms: ['md5WithRSAEncryption'],
      signatureCerts: ['Example CA'],
    });
  });

  it('modern keys and signatures are not weak', () => {
    for (const over of [
      { keyType: 'rsa', keyBits: 2048 },
      { keyType: 'ec (prime256v1)', keyBits: 256 },
      { keyType: 'ed25519', keyBits: undefined },
      { signatureAlgorithm: 'sha256WithRSAEncryption' },
      { signatureAlgorithm: 'rsassaPss' },
    ]) {
      expect(chainWeakness([cert(over)]), JSON.stringify(over)).toEqual({
        keyTypes: [],
        keyBits: [],
        keyCerts: [],
        signatureAlgorithms: [],
        signatureCerts: [],
      });
    }
    expect(chainWeakness([cert({ keyType: 'ec (prime192v1)', keyBits: 192 })])).toMatchObject({
      keyTypes: ['EC (prime192v1)'],
      keyBits: ['192'],
      keyCerts: ['imap.example.com'],
    });
  });
});

describe('tls/handshake: TLS_WEAK_CRYPTO, TLS_PROTOCOL_TOO_OLD and TLS_HANDSHAKE_FAILED from a failed handshake', () => {
  const legacyOk = (protocol: string, cipher: string, chain: CertInfo[] = [cert()]): AddressProbe['legacyTls'] => ({
    state: 'ok',
    value: tlsInfo({ protocol, cipher, chain, legacyOnly: true }),
    ms: 5,
  });

  it('ERR_SSL_DH_KEY_TOO_SMALL is weak crypto, with what the legacy retry saw', () => {
    const fs = runFailed(
      { code: 'TLS_WEAK_PARAMS', message: 'dh key too small', rawCode: 'ERR_SSL_DH_KEY_TOO_SMALL' },
      legacyOk('TLSv1.2', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'),
    );
    expect(codes(fs)).toEqual(['TLS_WEAK_CRYPTO']);
    expect(fs[0]?.params).toMatchObject({
      reason: 'ERR_SSL_DH_KEY_TOO_SMALL',
      refused: true,
      during: 'handshake',
      legacyProtocol: 'TLSv1.2',
      legacyCipher: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
    });
  });

  it('a weak-parameter failure without a legacy answer is still weak crypto', () => {
    const fs = runFailed(
      { code: 'TLS_WEAK_PARAMS', message: 'ee key too small', rawCode: 'ERR_SSL_EE_KEY_TOO_SMALL' },
      { state: 'failed', error: { code: 'RESET', message: 'reset' }, ms: 5 },
    );
    expect(codes(fs)).toEqual(['TLS_WEAK_CRYPTO']);
  });

  it('a handshake failure that only a legacy RC4/3DES cipher completes is weak crypto', () => {
    const fs = runFailed(
      {
        code: 'TLS_HANDSHAKE_FAILURE',
        message: 'sslv3 alert handshake failure',
        rawCode: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      legacyOk('TLSv1.2', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'),
    );
    expect(codes(fs)).toEqual(['TLS_WEAK_CRYPTO']);
  });

  it('TLS 1.0 only is TLS_PROTOCOL_TOO_OLD, not weak crypto', () => {
    const fs = runFailed(
      { code: 'RESET', message: 'Client network socket disconnected before secure TLS connection was established' },
      legacyOk('TLSv1', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA'),
    );
    expect(codes(fs)).toEqual(['TLS_PROTOCOL_TOO_OLD']);
    expect(fs[0]?.params).toMatchObject({ protocol: 'TLSv1' });
  });

  it('a reset that the legacy retry completes with a modern cipher stays a failed handshake', () => {
    const fs = runFailed(
      { code: 'RESET', message: 'reset' },
      legacyOk('TLSv1.3', 'TLS_AES_256_GCM_SHA384', [cert({ keyType: 'rsa', keyBits: 1024 })]),
    );
    expect(codes(fs)).toEqual(['TLS_HANDSHAKE_FAILED']);
  });
});

describe('tls/expiry: TLS_CERT_EXPIRING_SOON', () => {
  it('warns with the days left and the date, beside TLS_OK', () => {
    const validTo = at(5 * DAY - 3_600_000);
    const fs = runTls({ chain: [cert({ validTo }), ca()] });
    expect(codes(fs)).toEqual(['TLS_CERT_EXPIRING_SOON', 'TLS_OK']);
    expect(fs.find((f) => f.code === 'TLS_CERT_EXPIRING_SOON')).toMatchObject({
      severity: 'warning',
      params: { daysLeft: 5, validTo, warningDays: 14 },
    });
  });

  it('follows the configured number of days, and 0 turns it off', () => {
    const chain = [cert({ validTo: at(20 * DAY) })];
    expect(codes(runTls({ chain }))).toEqual(['TLS_OK']);
    expect(codes(runTls({ chain }, { expiryWarningDays: 30 }))).toEqual(['TLS_CERT_EXPIRING_SOON', 'TLS_OK']);
    expect(codes(runTls({ chain: [cert({ validTo: at(DAY) })] }, { expiryWarningDays: 0 }))).toEqual(['TLS_OK']);
  });

  it('an expired or not yet valid certificate is not "expiring soon"', () => {
    expect(
      codes(runTls({ chain: [cert({ validTo: at(-DAY) })], chainVerified: false, verifyError: 'CERT_HAS_EXPIRED' })),
    ).toEqual(['TLS_CERT_EXPIRED']);
    expect(
      codes(
        runTls({
          chain: [cert({ validFrom: at(DAY), validTo: at(3 * DAY) })],
          chainVerified: false,
          verifyError: 'CERT_NOT_YET_VALID',
        }),
      ),
    ).toEqual(['TLS_CERT_NOT_YET_VALID']);
  });
});

describe('tls/email-domain: CERT_NOT_FOR_EMAIL_DOMAIN (RFC 7817)', () => {
  const hoster = candidate('imap.hoster.example', 993, 'tls');
  const hosterCert = (sans: string[]) => [
    cert({ subject: 'CN=imap.hoster.example', commonName: 'imap.hoster.example', subjectAltNames: sans }),
    ca(),
  ];

  it('is information when a host outside the domain has a certificate that does not name the domain', () => {
    const fs = runTls(
      { chain: hosterCert(['DNS:imap.hoster.example']), hostnameChecked: 'imap.hoster.example' },
      { c: hoster },
    );
    expect(codes(fs)).toEqual(['CERT_NOT_FOR_EMAIL_DOMAIN', 'TLS_OK']);
    expect(fs.find((f) => f.code === 'CERT_NOT_FOR_EMAIL_DOMAIN')).toMatchObject({
      severity: 'info',
      params: { domain: 'example.com', names: ['imap.hoster.example'] },
      endpoint: 'imap.hoster.example:993/tls',
    });
  });

  it.each([
    ['the domain itself', ['DNS:imap.hoster.example', 'DNS:example.com']],
    ['a name under it', ['DNS:imap.hoster.example', 'DNS:mail.example.com']],
    ['a wildcard under it', ['DNS:imap.hoster.example', 'DNS:*.example.com']],
    ['an _imaps SRV-ID', ['DNS:imap.hoster.example', 'othername:SRVName:_imaps.example.com']],
    ['an _imap SRV-ID', ['DNS:imap.hoster.example', 'othername:SRVName:_imap.example.com']],
  ])('is not said when the certificate names %s', (_label, sans) => {
    expect(codes(runTls({ chain: hosterCert(sans), hostnameChecked: 'imap.hoster.example' }, { c: hoster }))).toEqual([
      'TLS_OK',
    ]);
  });

  it('is never said for a host inside the registrable domain, nor for a certificate that does not verify', () => {
    expect(codes(runTls({ chain: [cert()] }, { address: 'alice@example.com' }))).toEqual(['TLS_OK']);
    expect(
      codes(
        runTls(
          { chain: [cert({ subjectAltNames: ['DNS:imap.example.com'] })] },
          { c: candidate('imap.mail.example.com'), address: 'bob@sub.example.com' },
        ),
      ),
    ).toEqual(['TLS_OK']);
    expect(
      codes(
        runTls(
          {
            chain: hosterCert(['DNS:imap.hoster.example']),
            chainVerified: false,
            verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
          },
          { c: hoster },
        ),
      ),
    ).toEqual(['TLS_SELF_SIGNED']);
  });
});

describe('certificate dates judged as of ctx.now (show --rejudge --now)', () => {
  it('a chain that verified at the handshake is expired when judged after its end, and TLS_OK is gone', () => {
    const leaf = cert({ validTo: at(-DAY) });
    expect(
      codes(runTls({ chain: [leaf] }).filter((f) => f.code.startsWith('TLS_CERT') || f.code === 'TLS_OK')),
    ).toEqual(['TLS_CERT_EXPIRED']);
    const early = cert({ validFrom: at(DAY) });
    expect(
      codes(runTls({ chain: [early] }).filter((f) => f.code.startsWith('TLS_CERT') || f.code === 'TLS_OK')),
    ).toEqual(['TLS_CERT_NOT_YET_VALID']);
    expect(
      codes(runTls({ chain: [cert()] }).filter((f) => f.code.startsWith('TLS_CERT') || f.code === 'TLS_OK')),
    ).toEqual(['TLS_OK']);
  });
});
