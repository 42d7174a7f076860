/**
 * Minimal raw IMAP client for lab tests: connect (plain or implicit TLS, optional source address), read the
 * greeting, send a tagged command and collect lines up to its tagged reply, upgrade with STARTTLS.
 * Every chunk received is kept in `chunks` (to prove what arrived in one segment). Never logs anything.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface RawSessionOptions {
  host: string;
  port: number;
  tls?: boolean;
  localAddress?: string;
  /** Extra tls.connect options (ca, minVersion, ciphers…); rejectUnauthorized defaults to false. */
  tlsOptions?: tls.ConnectionOptions;
  timeoutMs?: number;
}

export interface RawSession {
  greeting: string;
  socket: net.Socket;
  /** Raw chunks as received, in order (latin1). */
  chunks: string[];
  /** Sends `<tag> <command>` and resolves with every line up to and including the tagged reply. */
  command(tag: string, command: string): Promise<string[]>;
  /** Sends raw bytes (no CRLF added). */
  write(data: string): void;
  /** Next line (or null on close/timeout). */
  readLine(timeoutMs?: number): Promise<string | null>;
  /** Sends STARTTLS and, on OK, upgrades; resolves with the reply lines and the TLS socket (if upgraded). */
  starttls(
    tag: string,
    tlsOptions?: tls.ConnectionOptions,
  ): Promise<{ lines: string[]; leftover: string; socket?: tls.TLSSocket }>;
  close(): void;
}

export async function rawSession(opts: RawSessionOptions): Promise<RawSession> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const chunks: string[] = [];
  let buf = '';
  let wake: (() => void) | null = null;
  let closed = false;
  const onData = (d: Buffer | string): void => {
    const s = typeof d === 'string' ? d : d.toString('latin1');
    chunks.push(s);
    buf += s;
    wake?.();
  };
  const onClose = (): void => {
    closed = true;
    wake?.();
  };
  const attach = (s: net.Socket): void => {
    s.on('data', onData);
    s.on('close', onClose);
    s.on('error', onClose);
  };
  const detach = (s: net.Socket): void => {
    s.off('data', onData);
    s.off('close', onClose);
    s.off('error', onClose);
  };

  let socket: net.Socket = await new Promise<net.Socket>((resolve, reject) => {
    const base = {
      host: opts.host,
      port: opts.port,
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    };
    const s = opts.tls
      ? tls.connect({ ...base, rejectUnauthorized: false, ...opts.tlsOptions }, () => resolve(s))
      : net.connect(base, () => resolve(s));
    s.once('error', reject);
    s.setTimeout(timeoutMs, () => s.destroy(new Error('timeout')));
  });
  attach(socket);

  const readLine = async (ms = timeoutMs): Promise<string | null> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = buf.indexOf('\r\n');
      if (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        return line;
      }
      if (closed || Date.now() >= deadline) return null;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, Math.max(1, deadline - Date.now()));
      });
      wake = null;
    }
  };

  const collect = async (tag: string): Promise<string[]> => {
    const lines: string[] = [];
    for (;;) {
      const l = await readLine();
      if (l === null) return lines;
      lines.push(l);
      if (l.startsWith(`${tag} `)) return lines;
    }
  };

  const greeting = (await readLine()) ?? '';
  const session: RawSession = {
    greeting,
    socket,
    chunks,
    write: (data) => void socket.write(data),
    readLine,
    command: (tag, command) => {
      socket.write(`${tag} ${command}\r\n`);
      return collect(tag);
    },
    starttls: async (tag, tlsOptions) => {
      socket.write(`${tag} STARTTLS\r\n`);
      const lines = await collect(tag);
      if (!lines.at(-1)?.startsWith(`${tag} OK`)) return { lines, leftover: buf };
      detach(socket);
      const leftover = buf;
      buf = '';
      const plain = socket;
      const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const t = tls.connect({ socket: plain, rejectUnauthorized: false, ...tlsOptions }, () => resolve(t));
        t.once('error', reject);
      });
      socket = secure;
      session.socket = secure;
      attach(secure);
      return { lines, leftover, socket: secure };
    },
    close: () => socket.destroy(),
  };
  return session;
}
