/**
 * Progress on stderr while the run goes on: an ora spinner when stderr is a terminal, nothing
 * otherwise. Stdout never carries progress, so `--json | jq` always works.
 */
import type { Ora } from 'ora';
import type { EventSink, RunEvent } from '../events.js';

export interface Progress {
  emit: EventSink;
  stop(): void;
}

/** An ora spinner on `stream` showing `text`; ora is loaded only here, when one will show (~50 ms of start-up). */
export async function startSpinner(stream: NodeJS.WritableStream, color: boolean, text: string): Promise<Ora> {
  const { default: ora } = await import('ora');
  return ora({
    stream: stream as NodeJS.WriteStream,
    color: color ? 'cyan' : false,
    isEnabled: true,
    discardStdin: false,
  }).start(text);
}

/** The run's spinner, only when it will actually show. */
export async function createProgress(
  stream: NodeJS.WritableStream,
  o: { enabled: boolean; color: boolean },
): Promise<Progress> {
  if (!o.enabled) return { emit: () => {}, stop: () => {} };
  const spinner = await startSpinner(stream, o.color, 'Starting…');
  const running = new Map<string, string>();
  const emit = (e: RunEvent) => {
    if (e.kind === 'phase')
      spinner.text = {
        discovery: 'Looking for published settings…',
        probing: 'Probing servers…',
        login: 'Trying the login…',
        checks: 'Judging the evidence…',
      }[e.phase];
    if (e.kind === 'stage') {
      if (e.state === 'start') running.set(e.endpoint, `${e.endpoint} ${e.stage}`);
      else running.delete(e.endpoint);
      const first = [...running.values()][0];
      if (first) spinner.text = `Probing ${running.size} endpoint${running.size === 1 ? '' : 's'}: ${first}…`;
    }
  };
  return { emit, stop: () => spinner.stop() };
}
