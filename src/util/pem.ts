/**
 * PEM bundles as text: no TLS or crypto here, so the command line can read --ca-file before the
 * probes (and node:tls) are loaded.
 */

/** Split a PEM bundle into its certificates. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
