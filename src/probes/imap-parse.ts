/**
 * Pure parsing of the few IMAP lines the raw probe reads: the greeting (RFC 9051 §7.1.1–7.1.5),
 * tagged status replies with their response codes (RFC 5530), and CAPABILITY data. Also names
 * the other protocols a wrong port might speak (POP3, SMTP, HTTP, SSH, FTP, a TLS record).
 */
import { LIMITS } from '../limits.js';
import type { Greeting, GreetingKind, TaggedResponse } from '../model/evidence.js';

/** Replace control characters and cap the length, so server text is safe to print. */
export function cleanLine(raw: string, max = 512): string {
  // eslint-disable-next-line no-control-regex
  const s = raw
    .replace(/\r?\n$/, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?')
    .replace(/\t/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const CODE_RE = /^\[([A-Za-z0-9._-]+)(?:\s+([^\]]*))?\]\s*/;

function splitCode(rest: string): { code?: string; args?: string; text: string } {
  const m = CODE_RE.exec(rest);
  if (!m) return { text: rest.trim() };
  return {
    code: (m[1] ?? '').toUpperCase(),
    ...(m[2] !== undefined ? { args: m[2] } : {}),
    text: rest.slice(m[0].length).trim(),
  };
}

/** Capability names (RFC 9051 §7.2.2), at most LIMITS.capabilities of them. */
export function parseCapabilityList(s: string): string[] {
  return s
    .trim()
    .split(/\s+/)
    .filter((c) => c.length > 0)
    .slice(0, LIMITS.capabilities);
}

export function parseGreeting(firstBytes: Buffer | string): Greeting {
  // UTF-8 with replacement: invalid bytes from a server become U+FFFD here, at the wire, never later.
  const raw = typeof firstBytes === 'string' ? firstBytes : firstBytes.toString('utf8');
  if (
    typeof firstBytes !== 'string' &&
    firstBytes.length >= 3 &&
    (firstBytes[0] === 0x15 || firstBytes[0] === 0x16) &&
    firstBytes[1] === 0x03
  ) {
    return { line: `TLS record (${firstBytes[0] === 0x15 ? 'alert' : 'handshake'})`, kind: 'tls', text: '' };
  }
  const line = cleanLine(raw.split(/\r?\n/)[0] ?? '', LIMITS.greetingChars);
  const m = /^\*\s+(OK|PREAUTH|BYE)\b\s*(.*)$/i.exec(line);
  if (m) {
    const kind =
      (m[1] ?? '').toUpperCase() === 'OK' ? 'ok' : (m[1] ?? '').toUpperCase() === 'PREAUTH' ? 'preauth' : 'bye';
    const { code, args, text } = splitCode(m[2] ?? '');
    return {
      line,
      kind,
      text,
      ...(code ? { code } : {}),
      ...(code === 'CAPABILITY' && args !== undefined ? { capabilities: parseCapabilityList(args) } : {}),
    };
  }
  return { line, kind: otherProtocol(line), text: line };
}

function otherProtocol(line: string): GreetingKind {
  if (/^[+-](OK|ERR)\b/i.test(line)) return 'pop3';
  if (/^220[ -]/.test(line) && /ftp/i.test(line)) return 'ftp';
  if (/^(220|421|554)[ -]/.test(line)) return 'smtp';
  if (/^HTTP\/\d/i.test(line) || /^<(!doctype|html)/i.test(line)) return 'http';
  if (/^SSH-\d/.test(line)) return 'ssh';
  return 'unknown';
}

export function parseTagged(line: string, tag: string): TaggedResponse | null {
  const clean = cleanLine(line);
  if (!clean.startsWith(`${tag} `)) return null;
  const m = /^\S+\s+(OK|NO|BAD)\b\s*(.*)$/i.exec(clean);
  if (!m) return null;
  const { code, text } = splitCode(m[2] ?? '');
  return {
    status: (m[1] ?? '').toUpperCase() as TaggedResponse['status'],
    ...(code ? { code } : {}),
    text,
    line: clean,
  };
}

/** Capabilities from untagged `* CAPABILITY …` lines, or an OK [CAPABILITY …] code. */
export function capabilitiesFrom(untagged: readonly string[], tagged?: TaggedResponse): string[] | null {
  for (const u of untagged) {
    const m = /^\*\s+CAPABILITY\s+(.*)$/i.exec(u);
    if (m) return parseCapabilityList(m[1] ?? '');
  }
  if (tagged?.code === 'CAPABILITY') {
    const m = /\[CAPABILITY\s+([^\]]*)\]/i.exec(tagged.line);
    if (m) return parseCapabilityList(m[1] ?? '');
  }
  return null;
}

/** Capability names are case-insensitive (RFC 9051 §7.2.2); the list keeps the server's spelling. */
export function hasCap(caps: readonly string[] | undefined, name: string): boolean {
  const n = name.toUpperCase();
  return caps !== undefined && caps.some((c) => c.toUpperCase() === n);
}

export function authMechanisms(caps: readonly string[] | undefined): string[] {
  return (caps ?? []).filter((c) => /^AUTH=/i.test(c)).map((c) => c.slice(5).toUpperCase());
}
