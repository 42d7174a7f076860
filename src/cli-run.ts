/**
 * What a diagnosis needs on top of the command line before its first packet (the pipeline, discovery,
 * redaction), in one module that cli.ts imports when a diagnosis starts: --version, --help, explain,
 * show and diff start without it. The judging and the renderers start loading with the run, while its
 * first packets are out (the deadline backstop is fed rendered reports during the run).
 */
export { runDoctor } from './doctor.js';
export { NODE_IO } from './io.js';
export { discoveryDeps } from './discovery/index.js';
export { redactReport } from './report/redact.js';
