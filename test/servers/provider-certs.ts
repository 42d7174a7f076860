/**
 * Certificates for big providers' host names (imap.gmail.com, outlook.office365.com, …) signed by the lab CA,
 * so a fake served under such a name passes the doctor's TLS verification with `--ca-file <lab CA>` and
 * `--resolve name=<fake ip>`: provider recognition by host name is then exercised end to end.
 * `makeProviderCert(dir, ca, names)` writes one EC P-256 leaf (30 days) with the openssl CLI; paths only.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CertFiles } from './certs.js';

const run = promisify(execFile);

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`openssl ${args[0] ?? ''} failed: ${e.stderr ?? e.message}`);
  }
}

/** A leaf for `names` (the first is the CN), signed by `ca` (the lab's "imap-doctor test CA"). */
export async function makeProviderCert(dir: string, ca: CertFiles, names: readonly string[]): Promise<CertFiles> {
  const first = names[0];
  if (!first) throw new Error('makeProviderCert: no name');
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, first.replace(/[^a-z0-9.-]/gi, '_'));
  const key = `${base}.key`;
  const csr = `${base}.csr`;
  const crt = `${base}.crt`;
  const ext = `${base}.ext`;
  await writeFile(
    ext,
    [
      '[v3]',
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      `subjectAltName = ${names.map((n) => `DNS:${n}`).join(',')}`,
      '',
    ].join('\n'),
  );
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  await openssl(['req', '-new', '-key', key, '-subj', `/CN=${first}`, '-out', csr]);
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.crt,
    '-CAkey',
    ca.key,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-days',
    '30',
    '-sha256',
    '-extfile',
    ext,
    '-extensions',
    'v3',
    '-out',
    crt,
  ]);
  const pem = `${base}.pem`;
  await writeFile(pem, (await readFile(crt, 'utf8')) + (await readFile(key, 'utf8')));
  return { crt, key, pem };
}
