/**
 * imap/plaintext-login on hand-built evidence (RFC 9051 §6.2.3): a plaintext connection whose
 * capabilities lack LOGINDISABLED would take a password before TLS. Read from the capabilities only.
 */
import { describe, expect, it } from 'vitest';
import { plaintextLoginCheck } from '../../../../src/checks/imap/plaintext-login.js';
import type { AddressProbe } from '../../../../src/model/evidence.js';
import { idOf, judged, onAddress } from '../../../helpers/findings.js';

const caps = (...value: string[]): Partial<AddressProbe> => ({ capability: { state: 'ok', value, ms: 1 } });

describe('imap/plaintext-login', () => {
  it('STARTTLS endpoint without LOGINDISABLED: PLAINTEXT_LOGIN_ALLOWED in the capability stage with the SASL mechanisms', () => {
    expect(
      judged(plaintextLoginCheck.run(onAddress('starttls', caps('IMAP4rev1', 'STARTTLS', 'AUTH=PLAIN', 'AUTH=LOGIN')))),
    ).toEqual([
      {
        code: 'PLAINTEXT_LOGIN_ALLOWED',
        stage: 'capability',
        endpoint: idOf('starttls'),
        params: { mechanisms: ['PLAIN', 'LOGIN'] },
      },
    ]);
  });

  it('a plain endpoint too, with no mechanisms when none is advertised', () => {
    expect(judged(plaintextLoginCheck.run(onAddress('plain', caps('IMAP4rev1'))))).toEqual([
      { code: 'PLAINTEXT_LOGIN_ALLOWED', stage: 'capability', endpoint: idOf('plain'), params: { mechanisms: [] } },
    ]);
  });

  it('LOGINDISABLED (in any case) says nothing', () => {
    expect(plaintextLoginCheck.run(onAddress('starttls', caps('IMAP4rev1', 'STARTTLS', 'LOGINDISABLED')))).toEqual([]);
    expect(plaintextLoginCheck.run(onAddress('starttls', caps('IMAP4rev1', 'STARTTLS', 'logindisabled')))).toEqual([]);
  });

  it('implicit TLS, or no capabilities read: nothing to say', () => {
    expect(plaintextLoginCheck.run(onAddress('tls', caps('IMAP4rev1', 'AUTH=PLAIN')))).toEqual([]);
    expect(
      plaintextLoginCheck.run(
        onAddress('starttls', { capability: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 } }),
      ),
    ).toEqual([]);
  });
});
