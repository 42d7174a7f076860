/**
 * --credentials-file: the secrets of a batch, one line per account, `address<TAB>secret`. Read only
 * from a regular file owned by the user running the doctor and neither readable nor writable by
 * group or others (like ssh's private keys); anything else is a CredentialsError, whose message
 * never contains a secret. Blank lines and `#` comments are skipped.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError, parseAddress } from '../address.js';
import { LIMITS } from '../limits.js';
import { Secret } from '../util/secret.js';

export class CredentialsError extends InputError {}

/** Largest credentials file read (bytes): generous for 100,000 accounts. */
const MAX_BYTES = 64 * 1024 * 1024;

/** Refuses a file others could read or change: owner must be `uid`, no group/other bits. */
function checkPermissions(file: string, st: { uid: number; mode: number; isFile(): boolean }, uid: number): void {
  const where = `--credentials-file ${file}`;
  if (!st.isFile()) throw new CredentialsError(`${where}: not a regular file`);
  if (st.uid !== uid)
    throw new CredentialsError(
      `${where}: owned by uid ${st.uid}, not by you (uid ${uid}); the passwords must be in a file of your own`,
    );
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new CredentialsError(`${where}: group or others may read or change it (mode ${mode}); run chmod 600 ${file}`);
  }
}

function readBounded(fd: number, size: number): string {
  const buf = Buffer.alloc(Math.min(size, MAX_BYTES));
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, null);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off).toString('utf8');
}

/** The lines as address → secret (the address normalised as the run normalises it). */
export function parseCredentials(text: string, file: string): Map<string, Secret> {
  const out = new Map<string, Secret>();
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim().length === 0 || raw.trim().startsWith('#')) return;
    const where = `--credentials-file ${file}, line ${i + 1}`;
    const tab = raw.indexOf('\t');
    // The line is never quoted: it holds a password.
    if (tab < 0) throw new CredentialsError(`${where}: expected the address, a tab and the password`);
    let address: string;
    try {
      address = parseAddress(raw.slice(0, tab).trim()).address;
    } catch {
      throw new CredentialsError(`${where}: the part before the tab is not an email address`);
    }
    const secret = raw.slice(tab + 1).slice(0, LIMITS.secretBytes);
    if (secret.length === 0) throw new CredentialsError(`${where}: the password after the tab is empty`);
    if (out.has(address)) throw new CredentialsError(`${where}: ${address} has a password on an earlier line already`);
    out.set(address, new Secret(secret));
  });
  return out;
}

/** Opens, checks (on the open file, so it cannot be swapped in between) and reads the file. */
export function readCredentialsFile(file: string, uid: number): Map<string, Secret> {
  if (file === '-')
    throw new CredentialsError('--credentials-file must name a file (its permissions are checked), not -');
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new CredentialsError(
      `--credentials-file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    const st = fstatSync(fd);
    checkPermissions(file, st, uid);
    return parseCredentials(readBounded(fd, st.size), file);
  } finally {
    closeSync(fd);
  }
}
