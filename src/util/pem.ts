/**
 * PEM bundles as text: no TLS here (X509Certificate only checks that a certificate parses), so the
 * command line can read --ca-file before the probes (and node:tls) are loaded.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Split a PEM bundle into its certificates. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * One --ca-file: its text, or why it cannot be used (unreadable, no PEM certificate, a certificate that
 * does not parse). The command line turns the reason into a usage error; the early DNS queries (src/early.ts)
 * start only when every file passes, as the run then goes on to discovery.
 */
export function readCaFile(file: string): { text: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { problem: `--ca-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const pems = splitPem(text);
  if (pems.length === 0)
    return { problem: `--ca-file ${file}: no PEM certificate ("-----BEGIN CERTIFICATE-----") in it` };
  for (const [i, pem] of pems.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      return { problem: `--ca-file ${file}: certificate ${i + 1} of ${pems.length} is not a valid PEM certificate` };
    }
  }
  return { text };
}
