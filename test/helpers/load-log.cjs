// Preload (node --require) for test/e2e/startup.test.ts: logs to $LOAD_LOG every file the process loads
// through require() (`file:<path>`), every script compiled through node:vm with what became of its code
// cache (`script:<path> <none|accepted|rejected>`: bin/ compiles dist/cli.cjs so, src/load.ts), and every
// worker thread and child process it starts (`worker:` / `spawn:<command>`).
'use strict';
const { appendFileSync } = require('node:fs');
const childProcess = require('node:child_process');
const Module = require('node:module');
const vm = require('node:vm');
const workerThreads = require('node:worker_threads');

const log = (line) => process.env.LOAD_LOG && appendFileSync(process.env.LOAD_LOG, `${line}\n`);

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (!request.startsWith('node:') && !Module.isBuiltin(request)) {
    try {
      log(`file:${Module._resolveFilename(request, parent, isMain)}`);
    } catch {
      // load() reports it
    }
  }
  return load.apply(this, arguments);
};
const { Script } = vm;
vm.Script = class extends Script {
  constructor(code, options) {
    super(code, options);
    const cache = options?.cachedData ? (this.cachedDataRejected ? 'rejected' : 'accepted') : 'none';
    log(`script:${options?.filename} ${cache}`);
  }
};
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
