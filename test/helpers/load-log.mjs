// Preload (node --import): logs every module file the process loads (via ./load-log-hooks.mjs), and
// every worker thread and child process it starts (`worker:` / `spawn:` lines), to $LOAD_LOG.
import { appendFileSync } from 'node:fs';
import childProcess from 'node:child_process';
import { register, syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';

register('./load-log-hooks.mjs', import.meta.url);

const log = (line) => process.env.LOAD_LOG && appendFileSync(process.env.LOAD_LOG, `${line}\n`);
const { Worker } = workerThreads;
workerThreads.Worker = class extends Worker {
  constructor(...args) {
    log('worker:');
    super(...args);
  }
};
const { spawn } = childProcess;
childProcess.spawn = (cmd, ...rest) => {
  log(`spawn:${cmd}`);
  return spawn(cmd, ...rest);
};
// ES module imports of the built-ins (import { Worker } from 'node:worker_threads') see the wrappers too.
syncBuiltinESMExports();
