/**
 * The post-login sync probe: plan the read-only commands from the capabilities (commands.ts),
 * send them as one batch over the channel (the transport decides whether it pipelines), parse
 * each answer into typed evidence (parse.ts), then IDLE last — it is the only command that waits
 * for a continuation; a pipelining channel gets it right behind the batch. Every step is bounded by its own step signal; nothing here knows the transport.
 */
import type { ProbeError } from '../../model/evidence.js';
import type { SyncEvidence, SyncSkip, SyncStep } from '../../model/sync.js';
import type { CommandChannel, Exchange, IdleExchange } from './channel.js';
import { commandText, syncPlan, type Planned, type WireCommand } from './commands.js';
import { parseFolders, parseNamespace, parseQuota, parseSearchCount } from './parse.js';

export interface SyncProbeOptions {
  /** Capabilities the server announced after the login. */
  capabilities: readonly string[];
  /** INBOX is open (EXAMINE succeeded): SEARCH and IDLE need it. */
  mailboxOpen: boolean;
  /** The run's start: the search looks a week back from it. */
  now: Date;
  /** A fresh signal per step: the step timeout under the run deadline. */
  step: () => AbortSignal;
}

const skipped = (reason: SyncSkip): SyncStep<never> => ({ state: 'skipped', reason });

function failedStep(x: Exchange): SyncStep<never> {
  if (x.tagged && x.tagged.status !== 'OK') {
    return {
      state: 'failed',
      error: { code: x.tagged.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: x.tagged.line },
      response: x.tagged,
      ms: x.ms,
    };
  }
  return { state: 'failed', error: x.error ?? { code: 'PROTOCOL_ERROR', why: { code: 'no-tagged-reply' } }, ms: x.ms };
}

/** One step's evidence from its exchange: parsed when the server said OK, the refusal or the transport error otherwise. */
function stepOf<T>(x: Exchange | undefined, parse: (x: Exchange) => T | null, what: string): SyncStep<T> {
  if (!x) return skipped('not-advertised');
  if (!x.sent) return skipped('connection-lost');
  if (x.tagged?.status !== 'OK') return failedStep(x);
  const value = parse(x);
  if (value === null)
    return {
      state: 'failed',
      error: { code: 'PROTOCOL_ERROR', why: { code: 'ok-without-response', what } } as ProbeError,
      ms: x.ms,
    };
  return { state: 'ok', value, ms: x.ms };
}

const isSkip = <T extends object>(p: Planned<T>): p is { skip: SyncSkip } => 'skip' in p;

export async function probeSync(ch: CommandChannel, o: SyncProbeOptions): Promise<SyncEvidence> {
  const t0 = performance.now();
  const plan = syncPlan(o.capabilities, { mailboxOpen: o.mailboxOpen, now: o.now });
  const batch: Array<['namespace' | 'folders' | 'quota' | 'search', WireCommand]> = [];
  if (!isSkip(plan.namespace)) batch.push(['namespace', plan.namespace.command]);
  batch.push(['folders', plan.folders.command]);
  if (!isSkip(plan.quota)) batch.push(['quota', plan.quota.command]);
  if (!isSkip(plan.search)) batch.push(['search', plan.search.command]);
  const sending = ch.send(
    batch.map(([, c]) => c),
    o.step,
  );
  // A pipelining transport sends IDLE right behind the batch: its continuation comes in the same round trip.
  const idling = ch.pipelined && !isSkip(plan.idle) ? ch.idle(plan.idle.command, o.step) : undefined;
  idling?.catch(() => {});
  const exchanges = await sending;
  const of = (k: string) => exchanges[batch.findIndex(([key]) => key === k)];
  const commands = batch.map(([, c], i) => ({ command: commandText(c), ms: exchanges[i]?.ms ?? 0 }));
  const search = plan.search;
  const ev: SyncEvidence = {
    namespace: isSkip(plan.namespace)
      ? skipped(plan.namespace.skip)
      : stepOf(of('namespace'), (x) => parseNamespace(x.untagged), 'NAMESPACE'),
    folders: stepOf(of('folders'), (x) => parseFolders(x.untagged, plan.folders.via, x.dropped), 'LIST'),
    quota: isSkip(plan.quota) ? skipped(plan.quota.skip) : stepOf(of('quota'), (x) => parseQuota(x.untagged), 'QUOTA'),
    search: isSkip(search)
      ? skipped(search.skip)
      : stepOf(
          of('search'),
          (x) => {
            const count = parseSearchCount(x.untagged, search.via);
            return count === null ? null : { via: search.via, since: search.since, count };
          },
          'SEARCH',
        ),
    idle: isSkip(plan.idle) ? skipped(plan.idle.skip) : skipped('connection-lost'),
    commands,
    ms: 0,
  };
  if (!isSkip(plan.idle) && exchanges.every((x) => x.tagged)) await idleStep(ch, plan.idle.command, o, ev, idling);
  ev.ms = Math.round(performance.now() - t0);
  return ev;
}

async function idleStep(
  ch: CommandChannel,
  command: WireCommand,
  o: SyncProbeOptions,
  ev: SyncEvidence,
  started?: Promise<IdleExchange>,
): Promise<void> {
  const x = await (started ?? ch.idle(command, o.step));
  ev.commands.push({ command: commandText(command), ms: x.ms });
  if (!x.broke && x.tagged?.status === 'OK' && x.continuationMs !== undefined) {
    ev.idle = {
      state: 'ok',
      value: { continuationMs: x.continuationMs, doneMs: x.doneMs ?? 0, response: x.tagged },
      ms: x.ms,
    };
    return;
  }
  ev.idleBreak = x.broke ?? (x.tagged?.status === 'OK' ? 'no-continuation' : 'refused');
  const t = x.tagged;
  ev.idle =
    t && t.status !== 'OK'
      ? {
          state: 'failed',
          error: { code: t.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD', message: t.line },
          response: t,
          ms: x.ms,
        }
      : {
          state: 'failed',
          error: x.error ?? { code: 'PROTOCOL_ERROR', why: { code: 'idle-no-continuation' } },
          ...(t ? { response: t } : {}),
          ms: x.ms,
        };
}

/**
 * EXAMINE failed after the batch went out with it (pipelined): SEARCH and IDLE had no mailbox, so
 * they are what they would have been without one — skipped — whatever the server answered them.
 */
export function withoutMailbox(ev: SyncEvidence): SyncEvidence {
  const { idleBreak: _gone, ...rest } = ev;
  return {
    ...rest,
    search: skipped('no-mailbox'),
    idle: ev.idle.state === 'skipped' && ev.idle.reason === 'not-advertised' ? ev.idle : skipped('no-mailbox'),
  };
}
