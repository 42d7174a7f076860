/**
 * When Node's default CA store is its bundled roots (the trust store then builds on it) and when the
 * environment or the build changes it (the trust store then hands Node the bundled roots' PEMs).
 */
import { describe, expect, it } from 'vitest';
import { defaultStoreIsBundled } from '../../../src/util/node-ca-store.js';

describe('defaultStoreIsBundled', () => {
  it('is true for a plain official build', () => {
    expect(defaultStoreIsBundled({}, [], [])).toBe(true);
    expect(defaultStoreIsBundled({ NODE_OPTIONS: '--max-old-space-size=200' }, ['--no-warnings'], [])).toBe(true);
  });

  it('is false with NODE_EXTRA_CA_CERTS, --use-openssl-ca or --use-system-ca (argv or NODE_OPTIONS)', () => {
    expect(defaultStoreIsBundled({ NODE_EXTRA_CA_CERTS: '/etc/corp.pem' }, [], [])).toBe(false);
    expect(defaultStoreIsBundled({}, ['--use-openssl-ca'], [])).toBe(false);
    expect(defaultStoreIsBundled({ NODE_OPTIONS: '--no-warnings --use-system-ca' }, [], [])).toBe(false);
  });

  it("is false on a build that defaults to OpenSSL's store, unless --use-bundled-ca", () => {
    expect(defaultStoreIsBundled({}, [], ['NODE_OPENSSL_CERT_STORE'])).toBe(false);
    expect(defaultStoreIsBundled({}, ['--use-bundled-ca'], ['NODE_OPENSSL_CERT_STORE'])).toBe(true);
    expect(defaultStoreIsBundled({ NODE_OPTIONS: '--use-bundled-ca' }, [], ['NODE_OPENSSL_CERT_STORE'])).toBe(true);
  });
});
