// Writes docs/findings.md from the built catalogue (run through `npm run docs`).
import { writeFileSync } from 'node:fs';
import { findingsMarkdown } from '../dist/render/findings-doc.js';

writeFileSync(new URL('../docs/findings.md', import.meta.url), findingsMarkdown());
console.log('docs/findings.md written');
