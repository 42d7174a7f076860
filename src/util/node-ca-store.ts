/**
 * Whether Node's default CA store is exactly its bundled Mozilla roots. The trust store builds its
 * TLS contexts on Node's default store (parsed natively once per process) only then; when the
 * environment changes that store (NODE_EXTRA_CA_CERTS, --use-openssl-ca, --use-system-ca) it hands
 * Node the bundled roots' PEMs instead, so the doctor trusts exactly what it reports as anchors. No
 * node:tls here: cli.ts sets this before the probes are loaded.
 */

let bundled = true;

/**
 * Does this process leave Node's default CA store as its bundled roots? Not with NODE_EXTRA_CA_CERTS,
 * --use-openssl-ca or --use-system-ca, nor on a build that defaults to OpenSSL's store (Debian,
 * Fedora, Homebrew: `NODE_OPENSSL_CERT_STORE` among process.config's defines) unless --use-bundled-ca.
 */
export function defaultStoreIsBundled(
  env: Readonly<Record<string, string | undefined>>,
  execArgv: readonly string[],
  buildDefines: readonly string[],
): boolean {
  if (env.NODE_EXTRA_CA_CERTS) return false;
  const flags = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  if (flags.some((f) => /^--use-(openssl|system)-ca$/.test(f))) return false;
  return !buildDefines.includes('NODE_OPENSSL_CERT_STORE') || flags.includes('--use-bundled-ca');
}

/** Set once by cli.ts from the process's environment. */
export function setNodeStoreBundled(value: boolean): void {
  bundled = value;
}

export function nodeStoreIsBundled(): boolean {
  return bundled;
}
