// Preload (node --import): logs every module file the process loads, via ./load-log-hooks.mjs.
import { register } from 'node:module';

register('./load-log-hooks.mjs', import.meta.url);
