// Writes the generated docs from the built code (run through `npm run docs`): docs/findings.md from
// the catalogue, docs/providers.md from the knowledge base, docs/imap-doctor.1 (the man page) from
// the command line's own option definitions, docs/publish.md from the publish lint rules, and the bounds
// table of docs/robustness.md from src/limits.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { commandLineSpec } from '../dist/cli.js';
import { findingsMarkdown } from '../dist/render/findings-doc.js';
import { renderManPage } from '../dist/render/man.js';
import { providersDoc } from '../dist/render/providers-doc.js';
import { publishDoc } from '../dist/render/publish-doc.js';
import { withBounds } from '../dist/limits.js';

writeFileSync(new URL('../docs/findings.md', import.meta.url), findingsMarkdown());
writeFileSync(new URL('../docs/providers.md', import.meta.url), providersDoc());
writeFileSync(new URL('../docs/imap-doctor.1', import.meta.url), renderManPage(commandLineSpec()));
writeFileSync(new URL('../docs/publish.md', import.meta.url), publishDoc());
const robustness = new URL('../docs/robustness.md', import.meta.url);
writeFileSync(robustness, withBounds(readFileSync(robustness, 'utf8')));
console.log('docs/findings.md, docs/providers.md, docs/imap-doctor.1, docs/publish.md and the bounds table of docs/robustness.md written');
