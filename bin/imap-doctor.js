#!/usr/bin/env node
// Thin launcher: everything lives in dist/cli.js (built from src/ by `npm install`).
import { main } from '../dist/cli.js';

main();
