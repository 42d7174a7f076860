/**
 * The narrow interface between the sync probe and whatever carries its commands over the
 * authenticated connection: "send these commands, give me each one's untagged lines and tagged
 * reply", and IDLE with its continuation and DONE. imapflow's connection carries them on a new
 * login connection (imapflow-channel.ts, one command in flight); on the probe's kept connection the
 * raw wire reader does, pipelined (wire-channel.ts). `readOnly` wraps every implementation: a command off the
 * allow-list (commands.ts) throws before it reaches the transport.
 */
import type { ProbeError, TaggedResponse } from '../../model/evidence.js';
import type { IdleBreak } from '../../model/sync.js';
import { assertReadOnly, type WireCommand } from './commands.js';

export interface Exchange {
  /** False when the command was not sent because the connection broke on an earlier one. */
  sent: boolean;
  /** The untagged lines the command brought back, as sent (a literal inline as {n} CRLF and its text), at most a bounded number. */
  untagged: string[];
  /** Untagged lines beyond the bound: counted, not kept. */
  dropped: number;
  /** The tagged reply; absent when none came (timeout, closed connection). */
  tagged?: TaggedResponse;
  /** What went wrong on the transport, when no tagged reply came. */
  error?: ProbeError;
  ms: number;
}

export interface IdleExchange {
  /** ms from IDLE to the "+" continuation, when it came. */
  continuationMs?: number;
  /** ms from DONE to the tagged reply, when it came. */
  doneMs?: number;
  /** The tagged reply: to DONE, or to IDLE itself when the server refused it. */
  tagged?: TaggedResponse;
  error?: ProbeError;
  /** Where it broke, when it did. */
  broke?: IdleBreak;
  ms: number;
}

export interface CommandChannel {
  /** The transport writes commands before earlier replies came: IDLE may be sent right behind a batch, before its replies. */
  pipelined?: boolean;
  /** Sends the commands in order (pipelined where the transport can) and returns one exchange each, in the same order; each reply is bounded by a fresh `step()` signal. */
  send(commands: readonly WireCommand[], step: () => AbortSignal): Promise<Exchange[]>;
  /** IDLE → wait for "+" → DONE → wait for the tagged reply (RFC 2177 §3). After a break the connection is not usable again. */
  idle(command: WireCommand, step: () => AbortSignal): Promise<IdleExchange>;
}

/** The channel with the allow-list in front: nothing off it is ever handed to the transport. */
export function readOnly(inner: CommandChannel): CommandChannel {
  return {
    ...(inner.pipelined ? { pipelined: true } : {}),
    send(commands, step) {
      commands.forEach(assertReadOnly);
      return inner.send(commands, step);
    },
    idle(command, step) {
      assertReadOnly(command);
      if (command.verb !== 'IDLE') throw new Error(`idle() sends IDLE, not ${command.verb}`);
      return inner.idle(command, step);
    },
  };
}
