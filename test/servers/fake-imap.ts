/**
 * Scriptable fake IMAP server for hostile behaviour no real server produces (silence, hang-ups, BYE, foreign banners,
 * STARTTLS injection/refusal, scripted provider login texts). `startFakeImap({host, port, mode, script})` listens
 * (port 0 → `.port`), records every line received (credentials included: never print them); `close()` ends it all.
 * Modes: plain, tls (implicit), starttls (advertised and honoured with the given cert/key).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export type FakeMode = 'plain' | 'tls' | 'starttls';

export type ImapCommandName =
  | 'CAPABILITY'
  | 'LOGIN'
  | 'AUTHENTICATE'
  | 'STARTTLS'
  | 'EXAMINE'
  | 'SELECT'
  | 'LOGOUT'
  | 'ID'
  | 'NAMESPACE'
  | 'NOOP'
  | 'ENABLE'
  | 'LIST'
  | 'GETQUOTAROOT'
  | 'UID';

export interface FakeCommand {
  conn: number;
  layer: 'plain' | 'tls';
  tag: string;
  /** Upper-cased command name. */
  name: string;
  /** Arguments: atoms, quoted strings unquoted, literals as their content, (lists) verbatim. */
  args: string[];
}

export interface FakeCredentials {
  conn: number;
  mechanism: string;
  user?: string;
  pass?: string;
  /** AUTHENTICATE: the initial response came with the command (SASL-IR). */
  saslIr?: boolean;
  /** AUTHENTICATE: the decoded SASL payload (for OAuth mechanisms). */
  payload?: string;
}

export interface ReceivedLine {
  conn: number;
  layer: 'plain' | 'tls';
  kind: 'line' | 'literal';
  text: string;
}

/**
 * One line of a reply. A string starting with `*` or `+` is sent as is, any other string gets the client's tag
 * in front; `{ raw }` is sent exactly as given. A `+` line ends a write: the server sends what it has, reads one
 * client line (recorded) and goes on with the rest (an OAuth error challenge, for instance).
 */
export type ReplyLine = string | { raw: string };
export interface ReplyContext {
  conn: number;
  tls: boolean;
  credentials?: FakeCredentials;
}
export type Reply = ReplyLine[] | ((cmd: FakeCommand, ctx: ReplyContext) => ReplyLine[]);

export interface HandlersScript {
  kind: 'handlers';
  /** Full greeting line; default `* OK [CAPABILITY <caps>] imap-doctor fake ready.` */
  greeting?: string;
  /** Capability list without STARTTLS (added while STARTTLS is possible). Default `IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN`. */
  capabilities?: string;
  /** Advertise STARTTLS even without a certificate (the scripts below). */
  advertiseStarttls?: boolean;
  replies?: Partial<Record<ImapCommandName, Reply>>;
}

export type FakeScript =
  | { kind: 'silent' }
  | { kind: 'close'; reset?: boolean }
  | { kind: 'bye'; line: string }
  | { kind: 'banner'; text: string; reply?: string }
  | HandlersScript;

const DEFAULT_CAPS = 'IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN';

export const scripts = {
  /** Accepts and never writes (in tls mode the TLS handshake still completes). */
  silent: (): FakeScript => ({ kind: 'silent' }),
  /** Accepts, then closes at once (FIN; `reset` sends RST instead). */
  close: (reset = false): FakeScript => ({ kind: 'close', reset }),
  bye: (line = '* BYE [UNAVAILABLE] Too many connections from your IP'): FakeScript => ({ kind: 'bye', line }),
  /** Another protocol's banner, e.g. `220 mail.example.test ESMTP Postfix`; `reply` answers every line received. */
  banner: (text: string, reply?: string): FakeScript => ({ kind: 'banner', text, ...(reply ? { reply } : {}) }),
  /** STARTTLS advertised; its tagged OK and `injected` go out in ONE write, then TLS starts (when a cert is set). */
  starttlsInjection: (opts: { reply?: string; injected?: string; capabilities?: string } = {}): FakeScript => ({
    kind: 'handlers',
    advertiseStarttls: true,
    ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
    replies: {
      STARTTLS: [
        opts.reply ?? 'OK Begin TLS negotiation now',
        { raw: opts.injected ?? '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected' },
      ],
    },
  }),
  /** STARTTLS advertised, answered with a tagged NO. */
  starttlsRefused: (opts: { reply?: string; capabilities?: string } = {}): FakeScript => ({
    kind: 'handlers',
    advertiseStarttls: true,
    ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
    replies: { STARTTLS: [opts.reply ?? 'NO [UNAVAILABLE] TLS is not available right now'] },
  }),
  handlers: (opts: Omit<HandlersScript, 'kind'> = {}): FakeScript => ({ kind: 'handlers', ...opts }),
};

export interface FakeImapOptions {
  host?: string;
  port?: number;
  mode: FakeMode;
  script: FakeScript;
  /** PEM file paths; required for tls, and for starttls to actually upgrade. */
  cert?: string;
  key?: string;
  /** Extra TLS server options (minVersion, ciphers…). */
  tlsOptions?: tls.SecureContextOptions;
  /** Wait this long before the greeting/banner. */
  greetingDelayMs?: number;
}

export interface FakeImapServer {
  host: string;
  port: number;
  /** Every line received, in order, over all connections. Contains credentials: never print it. */
  lines: ReceivedLine[];
  commands: FakeCommand[];
  credentials: FakeCredentials[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Commands received with this name (upper case). */
  received(name: string): FakeCommand[];
  close(): Promise<void>;
}

/** Buffered reader over a socket that can be swapped for a TLS socket mid-stream. */
class Reader {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private ended = false;
  private sock: net.Socket | null = null;
  private readonly onData = (d: Buffer): void => {
    this.buf = Buffer.concat([this.buf, d]);
    this.signal();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.signal();
  };

  attach(sock: net.Socket): void {
    this.detach();
    this.sock = sock;
    this.ended = false;
    sock.on('data', this.onData);
    sock.on('end', this.onEnd);
    sock.on('close', this.onEnd);
    sock.on('error', this.onEnd);
  }

  /** Stops reading; returns what was buffered and not consumed. */
  detach(): Buffer {
    if (this.sock) {
      this.sock.off('data', this.onData);
      this.sock.off('end', this.onEnd);
      this.sock.off('close', this.onEnd);
      this.sock.off('error', this.onEnd);
      this.sock = null;
    }
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async until<T>(take: () => T | undefined): Promise<T | null> {
    for (;;) {
      const v = take();
      if (v !== undefined) return v;
      if (this.ended) return null;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  readLine(): Promise<string | null> {
    return this.until(() => {
      const i = this.buf.indexOf('\r\n');
      if (i < 0) return undefined;
      const line = this.buf.subarray(0, i).toString('utf8');
      this.buf = this.buf.subarray(i + 2);
      return line;
    });
  }

  readBytes(n: number): Promise<Buffer | null> {
    return this.until(() => {
      if (this.buf.length < n) return undefined;
      const out = this.buf.subarray(0, n);
      this.buf = this.buf.subarray(n);
      return out;
    });
  }
}

/** Splits an IMAP argument string; a trailing `{n}`/`{n+}` is reported as `literal`. */
function tokenize(s: string): { tokens: string[]; literal?: { size: number; plus: boolean } } {
  const tokens: string[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch === ' ') {
      i++;
    } else if (ch === '"') {
      let out = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        out += s[i];
        i++;
      }
      i++;
      tokens.push(out);
    } else if (ch === '(') {
      let depth = 0;
      const start = i;
      let quoted = false;
      for (; i < s.length; i++) {
        const c = s[i];
        if (quoted) {
          if (c === '\\') i++;
          else if (c === '"') quoted = false;
        } else if (c === '"') quoted = true;
        else if (c === '(') depth++;
        else if (c === ')' && --depth === 0) {
          i++;
          break;
        }
      }
      tokens.push(s.slice(start, i));
    } else {
      const m = /^\{(\d+)(\+?)\}$/.exec(s.slice(i));
      if (m) return { tokens, literal: { size: Number(m[1]), plus: m[2] === '+' } };
      const end = s.indexOf(' ', i);
      tokens.push(end < 0 ? s.slice(i) : s.slice(i, end));
      i = end < 0 ? s.length : end;
    }
  }
  return { tokens };
}

function b64(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

export async function startFakeImap(opts: FakeImapOptions): Promise<FakeImapServer> {
  const host = opts.host ?? '127.0.0.1';
  const lines: ReceivedLine[] = [];
  const commands: FakeCommand[] = [];
  const credentials: FakeCredentials[] = [];
  const sockets = new Set<net.Socket>();
  let connCount = 0;
  const secureContext =
    opts.cert && opts.key
      ? tls.createSecureContext({ cert: readFileSync(opts.cert), key: readFileSync(opts.key), ...opts.tlsOptions })
      : null;
  if (opts.mode === 'tls' && !secureContext) throw new Error('fake-imap: mode tls needs cert and key');

  const wrapTls = (sock: net.Socket): tls.TLSSocket => {
    if (!secureContext) throw new Error('fake-imap: no certificate');
    const t = new tls.TLSSocket(sock, { isServer: true, secureContext });
    t.on('error', () => undefined);
    sockets.add(t);
    return t;
  };

  const handle = async (raw: net.Socket): Promise<void> => {
    const conn = ++connCount;
    raw.on('error', () => undefined);
    const script = opts.script;
    if (script.kind === 'close') {
      if (script.reset) raw.resetAndDestroy();
      else raw.end();
      return;
    }
    let sock: net.Socket = opts.mode === 'tls' ? wrapTls(raw) : raw;
    let layer: 'plain' | 'tls' = opts.mode === 'tls' ? 'tls' : 'plain';
    const reader = new Reader();
    reader.attach(sock);
    const write = (text: string): void => {
      if (!sock.destroyed) sock.write(text);
    };
    const readLine = async (): Promise<string | null> => {
      const l = await reader.readLine();
      if (l !== null) lines.push({ conn, layer, kind: 'line', text: l });
      return l;
    };
    if (opts.greetingDelayMs) await new Promise((r) => setTimeout(r, opts.greetingDelayMs));

    if (script.kind === 'silent') {
      while ((await readLine()) !== null);
      return;
    }
    if (script.kind === 'bye') {
      write(`${script.line}\r\n`);
      sock.end();
      return;
    }
    if (script.kind === 'banner') {
      write(`${script.text}\r\n`);
      while ((await readLine()) !== null) if (script.reply) write(`${script.reply}\r\n`);
      return;
    }

    const canStarttls = (): boolean =>
      layer === 'plain' && ((opts.mode === 'starttls' && secureContext !== null) || script.advertiseStarttls === true);
    const caps = (): string => `${script.capabilities ?? DEFAULT_CAPS}${canStarttls() ? ' STARTTLS' : ''}`;
    let lastCreds: FakeCredentials | undefined;
    write(`${script.greeting ?? `* OK [CAPABILITY ${caps()}] imap-doctor fake ready.`}\r\n`);

    /** Sends reply lines; a `+` line flushes and waits for one client line. Returns the tagged status. */
    const send = async (tag: string, reply: ReplyLine[]): Promise<string | undefined> => {
      let chunk = '';
      let status: string | undefined;
      for (const line of reply) {
        if (typeof line !== 'string') {
          chunk += `${line.raw}\r\n`;
        } else if (line.startsWith('*') || line.startsWith('+')) {
          chunk += `${line}\r\n`;
          if (line.startsWith('+')) {
            write(chunk);
            chunk = '';
            if ((await readLine()) === null) return status;
          }
        } else {
          chunk += `${tag} ${line}\r\n`;
          status ??= line.split(' ')[0]?.toUpperCase();
        }
      }
      if (chunk) write(chunk);
      return status;
    };

    const saslLine = async (prompt: string): Promise<string | null> => {
      write(`+ ${prompt}\r\n`);
      return readLine();
    };

    /** Reads the SASL exchange of AUTHENTICATE; null when the client cancelled or left. */
    const readSasl = async (mech: string, ir: string | undefined): Promise<FakeCredentials | null> => {
      const base = { conn, mechanism: mech, saslIr: ir !== undefined };
      if (mech === 'LOGIN') {
        const u = ir ?? (await saslLine('VXNlcm5hbWU6'));
        if (u === null || u === '*') return null;
        const p = await saslLine('UGFzc3dvcmQ6');
        if (p === null || p === '*') return null;
        return { ...base, user: b64(u), pass: b64(p) };
      }
      const data = ir ?? (await saslLine(''));
      if (data === null || data === '*') return null;
      const payload = data === '=' ? '' : b64(data);
      if (mech === 'PLAIN') {
        const [, user, pass] = payload.split('\0');
        return { ...base, user: user ?? '', pass: pass ?? '' };
      }
      const user = /(?:^|\x01|,)(?:user|a)=([^\x01,]*)/.exec(payload)?.[1];
      return { ...base, payload, ...(user !== undefined ? { user } : {}) };
    };

    for (;;) {
      const first = await readLine();
      if (first === null) return;
      // tag + command, then arguments (literals read on demand)
      const head = /^(\S+)\s+(\S+)\s?(.*)$/.exec(first);
      if (!head) {
        write(`${first.split(' ')[0] || '*'} BAD Missing command\r\n`);
        continue;
      }
      const tag = head[1] ?? '*';
      const name = (head[2] ?? '').toUpperCase();
      const args: string[] = [];
      let rest = head[3] ?? '';
      for (;;) {
        const { tokens, literal } = tokenize(rest);
        args.push(...tokens);
        if (!literal) break;
        if (!literal.plus) write('+ Ready for literal data\r\n');
        const data = await reader.readBytes(literal.size);
        if (data === null) return;
        lines.push({ conn, layer, kind: 'literal', text: data.toString('utf8') });
        args.push(data.toString('utf8'));
        const more = await readLine();
        if (more === null) return;
        rest = more;
      }
      const cmd: FakeCommand = { conn, layer, tag, name, args };
      commands.push(cmd);

      if (name === 'LOGIN') {
        lastCreds = { conn, mechanism: 'LOGIN', user: args[0] ?? '', pass: args[1] ?? '' };
        credentials.push(lastCreds);
      } else if (name === 'AUTHENTICATE') {
        const c = await readSasl((args[0] ?? '').toUpperCase(), args[1]);
        if (c === null) {
          write(`${tag} BAD Authentication aborted\r\n`);
          continue;
        }
        lastCreds = c;
        credentials.push(c);
      }

      const custom = script.replies?.[name as ImapCommandName];
      const ctx: ReplyContext = { conn, tls: layer === 'tls', ...(lastCreds ? { credentials: lastCreds } : {}) };
      const reply: ReplyLine[] = custom
        ? typeof custom === 'function'
          ? custom(cmd, ctx)
          : custom
        : defaultReply(name, caps(), canStarttls());
      const status = await send(tag, reply);

      if (name === 'LOGOUT') {
        sock.end();
        return;
      }
      if (name === 'STARTTLS' && status === 'OK' && layer === 'plain' && secureContext) {
        const leftover = reader.detach();
        if (leftover.length) lines.push({ conn, layer, kind: 'line', text: leftover.toString('latin1') });
        sock = wrapTls(raw);
        layer = 'tls';
        reader.attach(sock);
      }
    }
  };

  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    void handle(sock).catch(() => sock.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    host,
    port,
    lines,
    commands,
    credentials,
    connections: () => connCount,
    received: (name) => commands.filter((c) => c.name === name.toUpperCase()),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function defaultReply(name: string, caps: string, canStarttls: boolean): ReplyLine[] {
  switch (name) {
    case 'CAPABILITY':
      return [`* CAPABILITY ${caps}`, 'OK CAPABILITY completed'];
    case 'NOOP':
      return ['OK NOOP completed'];
    case 'ID':
      return ['* ID ("name" "imap-doctor-fake")', 'OK ID completed'];
    case 'NAMESPACE':
      return ['* NAMESPACE (("" "/")) NIL NIL', 'OK NAMESPACE completed'];
    case 'ENABLE':
      return ['* ENABLED', 'OK ENABLE completed'];
    case 'LOGIN':
    case 'AUTHENTICATE':
      return ['OK [CAPABILITY IMAP4rev1 NAMESPACE ID] Logged in'];
    case 'EXAMINE':
    case 'SELECT':
      return [
        '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
        '* 0 EXISTS',
        '* OK [UIDVALIDITY 1] UIDs valid',
        name === 'EXAMINE' ? 'OK [READ-ONLY] EXAMINE completed' : 'OK [READ-WRITE] SELECT completed',
      ];
    case 'LIST':
      return ['* LIST (\\HasNoChildren) "/" INBOX', 'OK LIST completed'];
    case 'LOGOUT':
      return ['* BYE Logging out', 'OK LOGOUT completed'];
    case 'STARTTLS':
      return canStarttls ? ['OK Begin TLS negotiation now'] : ['BAD STARTTLS not available'];
    default:
      return ['BAD Unknown command'];
  }
}
