/**
 * Mailboxes for the sync tests, written straight into a lab user's Maildir (Dovecot's maildir++
 * layout: ~/Maildir/{cur,new,tmp} and one .Folder per folder) and owned by the lab's mail uid,
 * and a snapshot of every message file — its name with the flags (":2,S") and a hash of its
 * bytes — to prove a run changed nothing. Dovecot's own index, uidlist and quota files are left
 * out of the snapshot: a read may update them.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabInfo } from './lab.js';

export interface MessageSpec {
  /** Exact size of the message file in bytes. */
  bytes: number;
  /** new/ (not yet seen by any app) or cur/ with maildir flags (S seen, F flagged, R replied). */
  where: 'new' | 'cur';
  flags?: string;
  /** Received this many days ago (the maildir file's mtime, which Dovecot takes as the internal date). */
  daysAgo: number;
}

export interface MaildirSpec {
  inbox?: MessageSpec[];
  /** Folders by name (maildir++: ".Name"), each with its messages. */
  folders?: Record<string, MessageSpec[]>;
}

/** The lab's mail uid and gid (the static userdb of test/servers/dovecot.ts). */
const MAIL_UID = '65534:65534';

export function homeOf(lab: LabInfo, user: string): string {
  return path.join(lab.dir, 'dovecot', 'home', user);
}

function message(spec: MessageSpec, i: number): string {
  const head = `From: Sender ${i} <sender${i}@example.test>\r\nTo: user@example.test\r\nSubject: Message ${i}\r\nMessage-ID: <m${i}@example.test>\r\n\r\n`;
  const body = 'x'.repeat(Math.max(0, spec.bytes - head.length - 2));
  const text = `${head}${body}\r\n`;
  if (text.length !== spec.bytes) throw new Error(`a message of ${spec.bytes} bytes is too small for its headers`);
  return text;
}

function writeFolder(dir: string, messages: readonly MessageSpec[], start: number): void {
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(path.join(dir, d), { recursive: true });
  messages.forEach((m, k) => {
    const i = start + k;
    const name = `${1_700_000_000 + i}.M${i}P1.imapdoc,S=${m.bytes}${m.where === 'cur' ? `:2,${m.flags ?? ''}` : ''}`;
    const file = path.join(dir, m.where, name);
    writeFileSync(file, message(m, i));
    const t = new Date(Date.now() - m.daysAgo * 86_400_000);
    utimesSync(file, t, t);
  });
}

/** Writes the user's Maildir (INBOX and folders) and hands it to the mail uid. */
export function fillMaildir(home: string, spec: MaildirSpec): void {
  const root = path.join(home, 'Maildir');
  writeFolder(root, spec.inbox ?? [], 0);
  let n = 1000;
  for (const [name, messages] of Object.entries(spec.folders ?? {})) {
    writeFolder(path.join(root, `.${name}`), messages, n);
    n += 1000;
  }
  execFileSync('chown', ['-R', MAIL_UID, home]);
}

/** Every message file (in any cur/ or new/): its path with the flags in the name → SHA-256 of its bytes. */
export function messageSnapshot(home: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    // Dovecot may be renaming its own index files meanwhile: only directories are followed, by their entry type.
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'tmp') continue;
      const full = path.join(dir, entry.name);
      if (entry.name === 'cur' || entry.name === 'new') {
        for (const f of readdirSync(full))
          out[path.relative(home, path.join(full, f))] = createHash('sha256')
            .update(readFileSync(path.join(full, f)))
            .digest('hex');
      } else walk(full);
    }
  };
  walk(home);
  return out;
}
