/**
 * Test certificates for the lab, made with the `openssl` CLI (OpenSSL 3.0) into one directory.
 * `makeCerts(dir, { aiaPort })` returns absolute paths only (JSON-serialisable); every leaf is EC P-256
 * signed with SHA-256 unless its entry says otherwise. Keys are throw-away test keys (mode 0644).
 * Dates are set with `openssl ca -startdate/-enddate`, so expired and not-yet-valid leaves are exact.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One certificate: `crt` the certificate PEM, `key` its private key PEM, `pem` both in one file (crt then key). */
export interface CertFiles {
  crt: string;
  key: string;
  pem: string;
}

export interface CertSet {
  dir: string;
  /** "imap-doctor test CA": signs good, expired, notYetValid, wrongName, expiringSoon, weak, tls10 and the intermediate. */
  ca: CertFiles;
  /** "imap-doctor other CA": unrelated root, signs unknownCa only. */
  otherCa: CertFiles;
  /** SAN imap/mail/example.test, IP 127.0.0.2, 127.0.0.7, 127.0.0.14, ::1. (IPs: see MakeCertsOptions.ip.) */
  good: CertFiles;
  /** 2020-01-01 → 2021-01-01. SAN imap.example.test, IP 127.0.0.3. */
  expired: CertFiles;
  /** 2035-01-01 → 2036-01-01. SAN imap.example.test, IP 127.0.0.13. */
  notYetValid: CertFiles;
  /** SAN other.invalid only. */
  wrongName: CertFiles;
  /** Self-signed leaf, SAN imap.example.test, IP 127.0.0.5. */
  selfSigned: CertFiles;
  /** Leaf by otherCa, SAN imap.example.test, IP 127.0.0.8. */
  unknownCa: CertFiles;
  /** By ca, valid from 30 days ago until 5 days from now, SAN imap.example.test, IP 127.0.0.11. */
  expiringSoon: CertFiles;
  /** By ca, RSA-1024 key, ecdsa-with-SHA1 signature (the CA key is EC), SAN imap.example.test, IP 127.0.0.12. */
  weak: CertFiles;
  /** Leaf by the intermediate; `crt` is the leaf alone (what the server sends). */
  chainIncomplete: CertFiles & {
    /** "imap-doctor test intermediate", signed by ca. */
    intermediate: CertFiles;
    /** The intermediate in DER, served by the AIA server. */
    intermediateDer: string;
    /** Leaf + intermediate PEM, for reference. */
    fullchain: string;
    /** The caIssuers URI baked into the leaf. */
    aiaUrl: string;
  };
  /** Leaf by the Avast-named root; `chain` is leaf + root (what the server sends). */
  intercepted: CertFiles & { root: CertFiles; chain: string };
}

export interface MakeCertsOptions {
  /** Port of the AIA HTTP server on 127.0.0.1 (baked into chainIncomplete's caIssuers URI). */
  aiaPort: number;
  /** Lab address n (the SAN IPs below); default `127.0.0.<n>`. */
  ip?: (n: number) => string;
  /** Put IP:::1 into good's SAN (default true). */
  ipv6Loopback?: boolean;
}

const DAY = 24 * 60 * 60 * 1000;
const LEAF_HOST = 'DNS:imap.example.test';

/** OpenSSL `ca` date form YYYYMMDDHHMMSSZ. */
function asn1Date(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

type KeySpec = 'ec' | 'rsa1024';

async function newKey(dir: string, name: string, spec: KeySpec): Promise<string> {
  const key = path.join(dir, `${name}.key`);
  const alg =
    spec === 'ec'
      ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'];
  await openssl(['genpkey', ...alg, '-out', key], dir);
  return key;
}

interface SignSpec {
  name: string;
  /** -subj form, e.g. "/CN=imap.example.test". */
  subject: string;
  key: KeySpec;
  /** undefined: self-signed. */
  issuer?: CertFiles;
  start: Date;
  end: Date;
  ca?: boolean;
  san?: string;
  aia?: string;
  md?: 'sha256' | 'sha1';
}

/**
 * Key, CSR and certificate through `openssl ca` with its own throw-away database, so that calls can run
 * in parallel (one database per certificate, random serials).
 */
async function issue(dir: string, s: SignSpec): Promise<CertFiles> {
  const db = path.join(dir, 'db', s.name);
  await mkdir(db, { recursive: true });
  const key = await newKey(dir, s.name, s.key);
  const csr = path.join(db, 'req.csr');
  const crt = path.join(dir, `${s.name}.crt`);
  await writeFile(path.join(db, 'index.txt'), '');
  await writeFile(path.join(db, 'serial'), randomBytes(16).toString('hex').replace(/^./, '4') + '\n');
  const caCnf = path.join(db, 'ca.cnf');
  await writeFile(
    caCnf,
    [
      '[ca]',
      'default_ca = d',
      '[d]',
      `database = ${db}/index.txt`,
      `new_certs_dir = ${db}`,
      `serial = ${db}/serial`,
      'default_md = sha256',
      'policy = p',
      'unique_subject = no',
      'email_in_dn = no',
      '[p]',
      'commonName = supplied',
      'organizationName = optional',
      'organizationalUnitName = optional',
      '',
    ].join('\n'),
  );
  const ext: string[] = ['[v3]', 'subjectKeyIdentifier = hash'];
  if (s.ca) {
    ext.push('basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign');
  } else {
    ext.push(
      'basicConstraints = critical,CA:FALSE',
      `keyUsage = critical,${s.key === 'ec' ? 'digitalSignature' : 'digitalSignature,keyEncipherment'}`,
      'extendedKeyUsage = serverAuth',
    );
  }
  if (s.issuer) ext.push('authorityKeyIdentifier = keyid:always');
  if (s.san) ext.push(`subjectAltName = ${s.san}`);
  if (s.aia) ext.push(`authorityInfoAccess = caIssuers;URI:${s.aia}`);
  const extCnf = path.join(db, 'ext.cnf');
  await writeFile(extCnf, ext.join('\n') + '\n');

  await openssl(['req', '-new', '-key', key, '-subj', s.subject, '-out', csr], dir);
  const signer = s.issuer ? ['-cert', s.issuer.crt, '-keyfile', s.issuer.key] : ['-selfsign', '-keyfile', key];
  // OpenSSL 3.0.19 signs with SHA-1 from the CLI without complaint; SECLEVEL only matters in TLS.
  await openssl(
    [
      'ca',
      '-batch',
      '-config',
      caCnf,
      ...signer,
      '-in',
      csr,
      '-out',
      crt,
      '-notext',
      '-preserveDN',
      '-md',
      s.md ?? 'sha256',
      '-startdate',
      asn1Date(s.start),
      '-enddate',
      asn1Date(s.end),
      '-extfile',
      extCnf,
      '-extensions',
      'v3',
    ],
    dir,
  );
  await chmod(key, 0o644);
  const pem = path.join(dir, `${s.name}.pem`);
  await writeFile(pem, (await readFile(crt, 'utf8')) + (await readFile(key, 'utf8')));
  return { crt, key, pem };
}

async function concat(out: string, files: string[]): Promise<string> {
  const parts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  await writeFile(out, parts.join(''));
  return out;
}

export async function makeCerts(dir: string, opts: MakeCertsOptions): Promise<CertSet> {
  const abs = path.resolve(dir);
  const ip = opts.ip ?? ((n: number): string => `127.0.0.${n}`);
  const v6 = opts.ipv6Loopback === false ? '' : ',IP:::1';
  await mkdir(abs, { recursive: true });
  const now = Date.now();
  const since = new Date(now - DAY);
  const tenYears = new Date(now + 3650 * DAY);
  const leaf = (name: string, issuer: CertFiles, san: string, extra: Partial<SignSpec> = {}): Promise<CertFiles> =>
    issue(abs, {
      name,
      subject: '/CN=imap.example.test',
      key: 'ec',
      issuer,
      start: since,
      end: tenYears,
      san,
      ...extra,
    });

  const [ca, otherCa, avastRoot] = await Promise.all([
    issue(abs, { name: 'ca', subject: '/CN=imap-doctor test CA', key: 'ec', start: since, end: tenYears, ca: true }),
    issue(abs, {
      name: 'other-ca',
      subject: '/CN=imap-doctor other CA',
      key: 'ec',
      start: since,
      end: tenYears,
      ca: true,
    }),
    issue(abs, {
      name: 'intercept-root',
      subject:
        '/CN=Avast Web\\/Mail Shield Root/O=Avast Web\\/Mail Shield/OU=generated by Avast Antivirus for SSL\\/TLS scanning',
      key: 'ec',
      start: since,
      end: tenYears,
      ca: true,
    }),
  ]);
  const intermediate = await issue(abs, {
    name: 'intermediate',
    subject: '/CN=imap-doctor test intermediate',
    key: 'ec',
    issuer: ca,
    start: since,
    end: tenYears,
    ca: true,
  });
  const aiaUrl = `http://127.0.0.1:${opts.aiaPort}/intermediate.der`;
  const [good, expired, notYetValid, wrongName, selfSigned, unknownCa, expiringSoon, weak, chainLeaf, intercepted] =
    await Promise.all([
      leaf(
        'good',
        ca,
        `${LEAF_HOST},DNS:mail.example.test,DNS:example.test,DNS:*.bench.test,IP:${ip(2)},IP:${ip(7)},IP:${ip(14)}${v6}`,
      ),
      leaf('expired', ca, `${LEAF_HOST},IP:${ip(3)}`, {
        start: new Date('2020-01-01T00:00:00Z'),
        end: new Date('2021-01-01T00:00:00Z'),
      }),
      leaf('not-yet-valid', ca, `${LEAF_HOST},IP:${ip(13)}`, {
        start: new Date('2035-01-01T00:00:00Z'),
        end: new Date('2036-01-01T00:00:00Z'),
      }),
      issue(abs, {
        name: 'wrong-name',
        subject: '/CN=other.invalid',
        key: 'ec',
        issuer: ca,
        start: since,
        end: tenYears,
        san: 'DNS:other.invalid',
      }),
      issue(abs, {
        name: 'self-signed',
        subject: '/CN=imap.example.test',
        key: 'ec',
        start: since,
        end: tenYears,
        san: `${LEAF_HOST},IP:${ip(5)}`,
      }),
      leaf('unknown-ca', otherCa, `${LEAF_HOST},IP:${ip(8)}`),
      leaf('expiring-soon', ca, `${LEAF_HOST},IP:${ip(11)}`, {
        start: new Date(now - 30 * DAY),
        end: new Date(now + 5 * DAY),
      }),
      leaf('weak', ca, `${LEAF_HOST},IP:${ip(12)}`, { key: 'rsa1024', md: 'sha1' }),
      leaf('chain-incomplete', intermediate, `${LEAF_HOST},IP:${ip(9)}`, { aia: aiaUrl }),
      leaf('intercepted', avastRoot, `${LEAF_HOST},IP:${ip(10)}`),
    ]);

  const intermediateDer = path.join(abs, 'intermediate.der');
  await openssl(['x509', '-in', intermediate.crt, '-outform', 'DER', '-out', intermediateDer], abs);
  const fullchain = await concat(path.join(abs, 'chain-incomplete.fullchain.crt'), [chainLeaf.crt, intermediate.crt]);
  const interceptChain = await concat(path.join(abs, 'intercepted.chain.crt'), [intercepted.crt, avastRoot.crt]);

  return {
    dir: abs,
    ca,
    otherCa,
    good,
    expired,
    notYetValid,
    wrongName,
    selfSigned,
    unknownCa,
    expiringSoon,
    weak,
    chainIncomplete: { ...chainLeaf, intermediate, intermediateDer, fullchain, aiaUrl },
    intercepted: { ...intercepted, root: avastRoot, chain: interceptChain },
  };
}
