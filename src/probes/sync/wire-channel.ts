/**
 * The command channel over the login's own connection once imapflow has let go of it
 * (KeptHandoff.takeBack in ../imapflow-adapter.ts), pipelined: every command of a batch is written
 * at once and IDLE may follow right behind them, before any reply (RFC 9051 §5.5 allows these
 * read-only commands in flight together; none depends on another's state but SEARCH and IDLE on
 * EXAMINE, which the caller writes first). Replies are read in order, each command's untagged lines
 * up to the same bounds as the imapflow channel. A command left without a reply ends it: the
 * connection is closed and what was behind it counts as lost.
 */
import { classifyError } from '../../errors/classify.js';
import { LIMITS } from '../../limits.js';
import { cleanLine, parseTagged } from '../imap-parse.js';
import { Wire, WireError } from '../wire.js';
import type { ProbeError, TaggedResponse } from '../../model/evidence.js';
import { readOnly, type CommandChannel, type Exchange, type IdleExchange } from './channel.js';
import { commandText, type WireCommand } from './commands.js';
import { DEFAULTS } from '../../options.js';

/** Each line in and out, for the login's transcript and scrubbing (auth.ts's capture logger). */
export type WireLog = (dir: 'c' | 's', text: string) => void;

const since = (t: number) => Math.round(performance.now() - t);
const errOf = (e: unknown): ProbeError => (e instanceof WireError ? e.probe : classifyError(e));

/** A line the wire reader refused as too long, worded with the bound it exceeds. */
function longLine(e: unknown): unknown {
  return e instanceof WireError && e.probe.code === 'LINE_TOO_LONG'
    ? new WireError({ code: 'LINE_TOO_LONG', why: { code: 'line-over-max', bytes: LIMITS.loginLineBytes } })
    : e;
}

/**
 * One response, read line by line: each literal ({n} CRLF and its n bytes) put back in as a quoted
 * string (line breaks inside become spaces). A literal over LIMITS.loginLiteralBytes or a response
 * over LIMITS.loginResponseBytes ends the read, as imapflow's limits end its own.
 */
export async function readResponse(wire: Wire, signal: AbortSignal, log: WireLog): Promise<string> {
  const next = async () => {
    const l = await wire.readLine(signal).catch((e: unknown) => Promise.reject(longLine(e)));
    log('s', l);
    return l;
  };
  let line = await next();
  let total = Buffer.byteLength(line);
  for (let m = /\{(\d{1,9})\+?\}$/.exec(line); m; m = /\{(\d{1,9})\+?\}$/.exec(line)) {
    const n = Number(m[1]);
    if (n > LIMITS.loginLiteralBytes)
      throw new WireError({
        code: 'PROTOCOL_ERROR',
        why: { code: 'literal-over-max', bytes: n, limit: LIMITS.loginLiteralBytes },
      });
    let raw = Buffer.alloc(0);
    while (raw.length < n) raw = Buffer.concat([raw, Buffer.from(`${await next()}\r\n`)]);
    total += raw.length;
    if (total > LIMITS.loginResponseBytes)
      throw new WireError({
        code: 'PROTOCOL_ERROR',
        why: { code: 'response-over-max', bytes: LIMITS.loginResponseBytes },
      });
    const literal = raw
      .subarray(0, n)
      .toString('utf8')
      .replace(/[\r\n]+/g, ' ');
    line = `${line.slice(0, m.index)}"${literal.replace(/["\\]/g, (c) => `\\${c}`)}"${raw.subarray(n).toString('utf8').replace(/\r\n$/, '')}`;
  }
  return line;
}

interface Pending {
  tag: string;
  t0: number;
  untagged: string[];
  dropped: number;
  chars: number;
  /** IDLE: called with "+" (it writes DONE); absent for every other command. */
  plus?: () => void;
  done(tagged: TaggedResponse | undefined, error?: ProbeError): void;
}

/**
 * The writes, and one reader for every command in flight: a tagged line completes the command with
 * that tag whatever the order (a server or proxy may answer pipelined commands out of order, RFC
 * 9051 §5.5), an untagged line goes to the oldest command still waiting, "+" to IDLE.
 */
class Pipeline {
  private readonly waiting: Pending[] = [];
  private reading = false;
  private n = 0;
  /** Completions and continuations so far. */
  private progress = 0;
  broken: ProbeError | null = null;

  constructor(
    readonly wire: Wire,
    private readonly log: WireLog,
    private readonly step: () => AbortSignal,
  ) {}

  write(line: string): void {
    this.log('c', line);
    this.wire.write(line);
  }

  /** Writes the command now; resolves with its reply once it comes. */
  send(
    c: WireCommand,
    idle?: { plus: () => void },
  ): Promise<{ p: Pending; tagged?: TaggedResponse; error?: ProbeError }> {
    const tag = `P${++this.n}`;
    return new Promise((resolve) => {
      const p: Pending = {
        tag,
        t0: performance.now(),
        untagged: [],
        dropped: 0,
        chars: 0,
        ...(idle ? { plus: idle.plus } : {}),
        done: (tagged, error) => resolve({ p, ...(tagged ? { tagged } : {}), ...(error ? { error } : {}) }),
      };
      if (this.broken) return p.done(undefined, this.broken);
      this.write(`${tag} ${commandText(c)}`);
      this.waiting.push(p);
      void this.read();
    });
  }

  private async read(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      // Each command (and IDLE's continuation) gets one step to make progress: a server that drips lines cannot stretch it.
      let signal = this.step();
      let progress = this.progress;
      while (this.waiting.length > 0) {
        this.take(await this.response(signal));
        if (progress !== this.progress) [signal, progress] = [this.step(), this.progress];
      }
    } catch (e) {
      this.close(errOf(e));
    } finally {
      this.reading = false;
    }
  }

  private take(line: string): void {
    const tagged = /^(\S+) /.exec(line);
    const k = this.waiting.findIndex((w) => w.tag === tagged?.[1]);
    const head = this.waiting[0] as Pending;
    if (k >= 0) {
      this.progress++;
      const [w] = this.waiting.splice(k, 1) as [Pending];
      w.done(parseTagged(line, w.tag) ?? undefined);
    } else if (line.startsWith('+')) {
      this.progress++;
      head.plus?.();
    } else if (/^\*\s+BYE\b/i.test(line)) throw new WireError({ code: 'BYE', message: cleanLine(line, 300) });
    else if (head.untagged.length >= LIMITS.syncUntaggedLines || head.chars >= LIMITS.syncUntaggedChars) head.dropped++;
    else {
      const kept = cleanLine(line, LIMITS.loginLineBytes);
      head.chars += kept.length;
      head.untagged.push(kept);
    }
  }

  private response(signal: AbortSignal): Promise<string> {
    return readResponse(this.wire, signal, this.log);
  }

  /** A command left without a reply: the connection is closed, everything still waiting fails with the same error. */
  close(error: ProbeError): void {
    if (!this.broken) {
      this.broken = error;
      this.wire.detach();
      this.wire.socket.destroy();
    }
    for (const w of this.waiting.splice(0)) w.done(undefined, error);
  }
}

const lostAt = (p: Pipeline, ms: number): Exchange => ({ sent: !p.broken, untagged: [], dropped: 0, ms });

/** The pipelined channel over a TLS socket nobody else reads; `logout()` sends LOGOUT and closes without waiting for its answer. */
export function wireChannel(wire: Wire, log: WireLog, step: () => AbortSignal): CommandChannel & { logout(): void } {
  const pl = new Pipeline(wire, log, step);
  const ch = readOnly({
    pipelined: true,
    send(commands) {
      return Promise.all(
        commands.map(async (c) => {
          if (pl.broken) return lostAt(pl, 0);
          const r = await pl.send(c);
          const base = { sent: true, untagged: r.p.untagged, dropped: r.p.dropped, ms: since(r.p.t0) };
          return r.tagged ? { ...base, tagged: r.tagged } : { ...base, ...(r.error ? { error: r.error } : {}) };
        }),
      );
    },
    idle: (command) => idleOver(pl, command),
  });
  return {
    ...ch,
    logout: () => {
      if (pl.broken || wire.socket.destroyed) return;
      pl.write('Z LOGOUT');
      wire.detach();
      wire.socket.on('error', () => {});
      wire.socket.end();
      setTimeout(() => wire.socket.destroy(), DEFAULTS.hangUpGraceMs).unref();
    },
  };
}

/** IDLE: DONE as soon as "+" comes, then the tagged reply (RFC 2177 §3). */
async function idleOver(pl: Pipeline, command: WireCommand): Promise<IdleExchange> {
  const t0 = performance.now();
  let plusAt: number | undefined;
  let doneAt = 0;
  const r = await pl.send(command, {
    plus: () => {
      if (plusAt !== undefined) return;
      plusAt = performance.now();
      pl.write('DONE');
      doneAt = performance.now();
    },
  });
  const ms = since(t0);
  if (!r.tagged) {
    const broke = plusAt === undefined ? 'no-continuation' : 'no-reply-after-done';
    return {
      ...(plusAt === undefined ? {} : { continuationMs: Math.round(plusAt - t0) }),
      error: r.error ?? { code: 'CLOSED', why: { code: 'no-reply', to: 'IDLE' } },
      broke,
      ms,
    };
  }
  if (plusAt === undefined)
    return { tagged: r.tagged, broke: r.tagged.status === 'OK' ? 'no-continuation' : 'refused', ms };
  return { continuationMs: Math.round(plusAt - t0), doneMs: since(doneAt), tagged: r.tagged, ms };
}
