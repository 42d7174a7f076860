/**
 * A small line reader/writer for the raw pre-auth IMAP conversation over a plain or TLS socket.
 * Every read is bounded by a signal and a line-length limit, and bytes nobody reads never pile up:
 * once a line's worth waits unread the socket is paused (TCP back-pressure). Every line in and out
 * can be teed into a bounded transcript. The raw probe never sends credentials: nothing to redact.
 */
import type { Duplex } from 'node:stream';
import type { ProbeError, TaggedResponse, TranscriptLine } from '../model/evidence.js';
import { classifyError } from '../errors/classify.js';
import { LIMITS } from '../limits.js';
import { cleanLine, parseTagged } from './imap-parse.js';

/** Adds a line to a transcript, up to LIMITS.transcriptLines; the last kept line says the rest was left out. */
export function keepLine(transcript: TranscriptLine[] | null | undefined, line: TranscriptLine): void {
  if (!transcript || transcript.length >= LIMITS.transcriptLines) return;
  const last = transcript.length === LIMITS.transcriptLines - 1;
  transcript.push(
    last
      ? {
          ...line,
          dir: 'i',
          text: `(transcript limit of ${LIMITS.transcriptLines} lines reached; the rest is not kept)`,
        }
      : { ...line, text: cleanLine(line.text, LIMITS.transcriptLineChars) },
  );
}

export class WireError extends Error {
  constructor(readonly probe: ProbeError) {
    super(probe.message);
  }
}

interface Waiter {
  mode: 'line' | 'first';
  resolve: (b: Buffer) => void;
  reject: (e: WireError) => void;
}

export interface WireOptions {
  maxLineBytes: number;
  transcript?: TranscriptLine[];
  layer: 'plain' | 'tls';
  /** Transcript times are counted from t0 on this clock (default performance.now). */
  t0: number;
  mono?: () => number;
}

export class Wire {
  private buf: Buffer = Buffer.alloc(0);
  private waiter: Waiter | null = null;
  private ended: ProbeError | null = null;
  private readonly onData = (d: Buffer) => {
    if (this.ended) return;
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    this.pump();
    // Nobody is reading and a whole line's worth waits: stop reading until someone asks.
    if (!this.waiter && this.buf.length >= this.opts.maxLineBytes) this.socket.pause();
  };
  private readonly onEnd = () => this.fail({ code: 'CLOSED', why: { code: 'server-closed' } });
  private readonly onError = (e: Error) => this.fail(classifyError(e));

  constructor(
    readonly socket: Duplex,
    private readonly opts: WireOptions,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  get layer(): 'plain' | 'tls' {
    return this.opts.layer;
  }

  /** Bytes received and not yet consumed. */
  get pending(): number {
    return this.buf.length;
  }

  private note(dir: TranscriptLine['dir'], text: string): void {
    const now = this.opts.mono ? this.opts.mono() : performance.now();
    keepLine(this.opts.transcript, { t: Math.round(now - this.opts.t0), dir, layer: this.opts.layer, text });
  }

  private fail(err: ProbeError): void {
    if (this.ended) return;
    this.ended = err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(new WireError(err));
  }

  private pump(): void {
    const w = this.waiter;
    if (!w) return;
    const nl = this.buf.indexOf(0x0a);
    if (nl >= 0) {
      const line = this.buf.subarray(0, nl + 1);
      this.buf = this.buf.subarray(nl + 1);
      this.waiter = null;
      w.resolve(line);
      return;
    }
    const looksTls = this.buf.length >= 3 && (this.buf[0] === 0x15 || this.buf[0] === 0x16) && this.buf[1] === 0x03;
    if (w.mode === 'first' && (looksTls || this.buf.length >= this.opts.maxLineBytes)) {
      const all = this.buf;
      this.buf = Buffer.alloc(0);
      this.waiter = null;
      w.resolve(all);
      return;
    }
    if (this.buf.length >= this.opts.maxLineBytes) {
      // The conversation cannot go on past an endless line: nothing more is read from this socket.
      this.buf = Buffer.alloc(0);
      this.socket.pause();
      this.fail({ code: 'LINE_TOO_LONG', why: { code: 'line-longer-than', bytes: this.opts.maxLineBytes } });
    }
  }

  private read(mode: Waiter['mode'], signal: AbortSignal): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      if (signal.aborted) {
        reject(new WireError(classifyError(signal.reason, signal)));
        return;
      }
      const onAbort = () => {
        if (this.waiter === waiter) this.waiter = null;
        reject(new WireError(classifyError(signal.reason, signal)));
      };
      const waiter: Waiter = {
        mode,
        resolve: (b) => {
          signal.removeEventListener('abort', onAbort);
          resolve(b);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = waiter;
      if (!this.ended && this.socket.isPaused()) this.socket.resume();
      this.pump();
      if (this.waiter === waiter && this.ended) {
        this.waiter = null;
        waiter.reject(new WireError(this.ended));
      }
    });
  }

  /** The server's first bytes: a full line, or a TLS record / oversized blob without newline. */
  async readGreeting(signal: AbortSignal): Promise<Buffer> {
    const b = await this.read('first', signal);
    this.note('s', b.toString('utf8'));
    return b;
  }

  async readLine(signal: AbortSignal): Promise<string> {
    const b = await this.read('line', signal);
    const s = b.toString('utf8').replace(/\r?\n$/, '');
    this.note('s', s);
    return s;
  }

  write(line: string): void {
    this.note('c', line);
    this.socket.write(`${line}\r\n`);
  }

  /** Send `tag command` and collect untagged lines until the tagged reply. */
  async command(
    tag: string,
    command: string,
    signal: AbortSignal,
  ): Promise<{ untagged: string[]; tagged: TaggedResponse }> {
    this.write(`${tag} ${command}`);
    const untagged: string[] = [];
    for (;;) {
      const line = await this.readLine(signal);
      const tagged = parseTagged(line, tag);
      if (tagged) return { untagged, tagged };
      if (/^\*\s+BYE\b/i.test(line)) {
        untagged.push(line);
        // The server is hanging up; the tagged reply may never come.
        throw new WireError({ code: 'BYE', message: cleanLine(line, 300) });
      }
      untagged.push(line);
      if (untagged.length > LIMITS.untaggedLines)
        throw new WireError({
          code: 'PROTOCOL_ERROR',
          why: { code: 'untagged-over-max', limit: LIMITS.untaggedLines },
        });
    }
  }

  /** Stop reading: hand the socket over (STARTTLS). Returns any bytes already received. */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  info(text: string): void {
    this.note('i', text);
  }
}
