/**
 * A batch's progress on stderr: a bar (ora) on a terminal, nothing otherwise — stdout carries the
 * reports, and a log file or CI job gets the summary at the end rather than thousands of updates.
 */
import { startSpinner } from '../render/progress.js';

export interface BatchBar {
  update(done: number, problems: number, running: number): void;
  stop(): void;
}

const WIDTH = 24;

/** `[██████░░░░] 60/100 addresses · 3 with problems · 16 running` */
export function barText(done: number, total: number, problems: number, running: number): string {
  const full = total > 0 ? Math.round((done / total) * WIDTH) : WIDTH;
  return `[${'█'.repeat(full)}${'░'.repeat(WIDTH - full)}] ${done}/${total} addresses · ${problems} with problems · ${running} running`;
}

/** The bar, only when it will show (ora loads then). */
export async function createBatchBar(
  stream: NodeJS.WritableStream,
  o: { enabled: boolean; color: boolean; total: number },
): Promise<BatchBar> {
  if (!o.enabled) return { update: () => {}, stop: () => {} };
  const spinner = await startSpinner(stream, o.color, barText(0, o.total, 0, 0));
  return {
    update: (done, problems, running) => {
      spinner.text = barText(done, o.total, problems, running);
    },
    stop: () => spinner.stop(),
  };
}
