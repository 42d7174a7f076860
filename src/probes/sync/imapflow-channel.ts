/**
 * The command channel over imapflow's authenticated connection, through the adapter
 * (../imapflow-adapter.ts, which holds every read of imapflow's internals): `exec(command, attributes, {untagged, onPlusTag})` sends one
 * command and hands back each untagged response as parsed data, `write('DONE')` ends IDLE, and
 * imapflow's own compiler (`imapflow/lib/handler/imap-compiler.js`) turns parsed responses back
 * into lines, so the transport-independent parsers see what the server sent. imapflow keeps one
 * command in flight, so the commands go one round trip each; a test checks these internals exist.
 */
import {
  internalsOf,
  loadCompiler,
  type Compile,
  type ImapFlow,
  type ImapFlowInternals,
  type Parsed,
} from '../imapflow-adapter.js';
import { classifyError } from '../../errors/classify.js';
import { LIMITS } from '../../limits.js';
import { whenAborted } from '../../util/deadline.js';
import type { ProbeError, TaggedResponse } from '../../model/evidence.js';
import { cleanLine, parseTagged } from '../imap-parse.js';
import { readOnly, type CommandChannel, type Exchange, type IdleExchange } from './channel.js';
import type { Arg, WireCommand } from './commands.js';

/** The untagged response types the read-only commands bring back. */
const UNTAGGED_TYPES = [
  'LIST',
  'XLIST',
  'NAMESPACE',
  'QUOTA',
  'QUOTAROOT',
  'SEARCH',
  'ESEARCH',
  'STATUS',
  'CAPABILITY',
];

/** imapflow's attribute form of an argument. */
function attribute(a: Arg): unknown {
  if (typeof a === 'string') return { type: 'ATOM', value: a };
  if (Array.isArray(a)) return (a as readonly Arg[]).map(attribute);
  return { type: 'STRING', value: (a as { quoted: string }).quoted };
}

function lineOf(compile: Compile, parsed: Parsed): string {
  return compile(parsed).toString('utf8');
}

/** The tagged reply of a refused command (imapflow rejects with the parsed response), or the transport error. */
function failure(compile: Compile, e: unknown, signal: AbortSignal): { tagged?: TaggedResponse; error?: ProbeError } {
  const err = (e ?? {}) as { aborted?: boolean; response?: Parsed; responseStatus?: string };
  if (err.aborted) return { error: classifyError(signal.reason, signal) };
  if (
    (err.responseStatus === 'NO' || err.responseStatus === 'BAD') &&
    err.response &&
    typeof err.response === 'object'
  ) {
    const tagged = parseTagged(lineOf(compile, err.response), String(err.response.tag));
    if (tagged) return { tagged };
  }
  return { error: classifyError(e) };
}

async function execOne(
  c: ImapFlowInternals,
  compile: Compile,
  cmd: WireCommand,
  signal: AbortSignal,
): Promise<Exchange> {
  const untagged: string[] = [];
  let dropped = 0;
  let chars = 0;
  // A LIST of a huge account is counted beyond the bounds, not kept.
  const keep = async (parsed: Parsed) => {
    if (untagged.length >= LIMITS.syncUntaggedLines || chars >= LIMITS.syncUntaggedChars) {
      dropped++;
      return;
    }
    const line = cleanLine(lineOf(compile, parsed), LIMITS.loginLineBytes);
    chars += line.length;
    untagged.push(line);
  };
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  try {
    const res = await Promise.race([
      c.exec(cmd.verb, cmd.args.map(attribute), { untagged: Object.fromEntries(UNTAGGED_TYPES.map((t) => [t, keep])) }),
      whenAborted(signal),
    ]);
    res.next();
    const tagged = parseTagged(lineOf(compile, res.response), String(res.response.tag));
    return { sent: true, untagged, dropped, ...(tagged ? { tagged } : {}), ms: ms() };
  } catch (e) {
    return { sent: true, untagged, dropped, ...failure(compile, e, signal), ms: ms() };
  }
}

/** IDLE, then DONE as soon as the continuation comes; the IDLE command's tagged reply ends it (RFC 2177 §3). Each wait has its own step. */
async function idleOnce(
  c: ImapFlowInternals,
  compile: Compile,
  cmd: WireCommand,
  step: () => AbortSignal,
): Promise<IdleExchange> {
  const t0 = performance.now();
  let plusAt: number | undefined;
  let doneAt = 0;
  let plus: () => void = () => {};
  const plusCame = new Promise<'plus'>((resolve) => (plus = () => resolve('plus')));
  const pending = c.exec(cmd.verb, false, {
    onPlusTag: async () => {
      if (plusAt !== undefined) return;
      plusAt = performance.now();
      c.write('DONE');
      doneAt = performance.now();
      plus();
    },
  });
  pending.catch(() => {});
  const since = (t: number) => Math.round(performance.now() - t);
  let signal = step();
  try {
    const first = await Promise.race([plusCame, pending, whenAborted(signal)]);
    if (first === 'plus') signal = step();
    const res = first === 'plus' ? await Promise.race([pending, whenAborted(signal)]) : first;
    res.next();
    const tagged = parseTagged(lineOf(compile, res.response), String(res.response.tag));
    if (plusAt === undefined) return { ...(tagged ? { tagged } : {}), broke: 'no-continuation', ms: since(t0) };
    return {
      continuationMs: Math.round(plusAt - t0),
      doneMs: since(doneAt),
      ...(tagged ? { tagged } : {}),
      ms: since(t0),
    };
  } catch (e) {
    const f = failure(compile, e, signal);
    const broke = f.tagged ? 'refused' : plusAt === undefined ? 'no-continuation' : 'no-reply-after-done';
    return { ...(plusAt === undefined ? {} : { continuationMs: Math.round(plusAt - t0) }), ...f, broke, ms: since(t0) };
  }
}

/** The channel over a logged-in imapflow client. A command left without a reply stops the rest: the connection is closed. */
export async function imapflowChannel(client: ImapFlow): Promise<CommandChannel> {
  const c = internalsOf(client);
  const compile = await loadCompiler();
  return readOnly({
    async send(commands, step) {
      const out: Exchange[] = [];
      let broken = false;
      for (const cmd of commands) {
        if (broken) {
          out.push({ sent: false, untagged: [], dropped: 0, ms: 0 });
          continue;
        }
        const x = await execOne(c, compile, cmd, step());
        out.push(x);
        if (!x.tagged) broken = true;
      }
      if (broken) c.close();
      return out;
    },
    idle: async (cmd, step) => {
      const x = await idleOnce(c, compile, cmd, step);
      if (x.broke) c.close();
      return x;
    },
  });
}
