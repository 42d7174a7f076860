// Writes docs/findings.md from the built catalogue and docs/providers.md from the built knowledge base (run through `npm run docs`).
import { writeFileSync } from 'node:fs';
import { findingsMarkdown } from '../dist/render/findings-doc.js';
import { providersDoc } from '../dist/render/providers-doc.js';

writeFileSync(new URL('../docs/findings.md', import.meta.url), findingsMarkdown());
writeFileSync(new URL('../docs/providers.md', import.meta.url), providersDoc());
console.log('docs/findings.md and docs/providers.md written');
