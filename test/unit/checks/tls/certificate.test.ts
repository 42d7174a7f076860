/** The certificate check names the certificate that expired, and a likely (unproven) missing intermediate. */
import { describe, expect, it } from 'vitest';
import { certificateCheck } from '../../../../src/checks/tls/certificate.js';
import { addressProbe, candidate, cert, context, endpoint, tlsInfo } from '../../../helpers/evidence.js';

const run = (info: ReturnType<typeof tlsInfo>) =>
  certificateCheck.run(
    context([
      endpoint(candidate(), { addresses: [addressProbe('tls', { tls: { state: 'ok', value: info, ms: 1 } })] }),
    ]),
  );

describe('tls/certificate', () => {
  it("an expired intermediate is named, with its own date, not the leaf's", () => {
    const leaf = cert({ validTo: '2027-06-01T00:00:00.000Z' });
    const mid = cert({
      subject: 'CN=Old Intermediate',
      commonName: 'Old Intermediate',
      isCA: true,
      validTo: '2025-01-01T00:00:00.000Z',
    });
    const f = run(tlsInfo({ chainVerified: false, verifyError: 'CERT_HAS_EXPIRED', chain: [leaf, mid] }));
    expect(f.map((x) => x.code)).toEqual(['TLS_CERT_EXPIRED']);
    expect(f[0]?.params).toMatchObject({
      which: 'intermediate',
      certName: 'Old Intermediate',
      validTo: '2025-01-01T00:00:00.000Z',
    });
  });

  it('the leaf alone with an issuer URL that could not be fetched: a missing intermediate, marked unconfirmed', () => {
    const leaf = cert({ aiaIssuerUrl: 'http://r11.i.lencr.org/' });
    const f = run(
      tlsInfo({
        chainVerified: false,
        verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        chain: [leaf],
        aia: {
          url: 'http://r11.i.lencr.org/',
          fetched: false,
          completesChain: false,
          error: 'no answer within the step timeout',
        },
      }),
    );
    expect(f.map((x) => x.code)).toEqual(['TLS_CHAIN_INCOMPLETE']);
    expect(f[0]?.params).toMatchObject({ confirmed: false, aiaUrl: 'http://r11.i.lencr.org/' });
  });

  it('the leaf alone without any issuer URL (a private CA signing directly): an untrusted issuer', () => {
    const f = run(
      tlsInfo({
        chainVerified: false,
        verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        chain: [cert({ issuerCommonName: 'Example Corp CA' })],
      }),
    );
    expect(f.map((x) => x.code)).toEqual(['TLS_UNTRUSTED_ISSUER']);
  });
});
