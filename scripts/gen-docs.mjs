// Writes the generated docs from the code (run through `npm run docs`): docs/findings.md from the
// catalogue, docs/providers.md from the knowledge base, docs/imap-doctor.1 (the man page) from the
// command line's own option definitions, docs/publish.md from the publish lint rules, and the bounds
// table of docs/robustness.md from src/limits.ts.
// dist/ is one bundle of the CLI, so the generators are bundled from src/ on their own, into scripts/.out/.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const src = (f) => new URL(`../src/${f}`, import.meta.url).pathname;
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const outdir = new URL('./.out/docs/', import.meta.url).pathname;
const entryPoints = {
  cli: src('cli.ts'),
  'findings-doc': src('render/findings-doc.ts'),
  man: src('render/man.ts'),
  'providers-doc': src('render/providers-doc.ts'),
  'publish-doc': src('render/publish-doc.ts'),
  limits: src('limits.ts'),
};
await build({
  entryPoints,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outdir,
  logLevel: 'warning',
  define: { __IMAP_DOCTOR_VERSION__: JSON.stringify(version) },
});
const load = (name) => import(`${outdir}${name}.js`);
const [{ commandLineSpec }, { findingsMarkdown }, { renderManPage }, { providersDoc }, { publishDoc }, { withBounds }] =
  await Promise.all(Object.keys(entryPoints).map(load));

writeFileSync(new URL('../docs/findings.md', import.meta.url), findingsMarkdown());
writeFileSync(new URL('../docs/providers.md', import.meta.url), providersDoc());
writeFileSync(new URL('../docs/imap-doctor.1', import.meta.url), renderManPage(await commandLineSpec()));
writeFileSync(new URL('../docs/publish.md', import.meta.url), publishDoc());
const robustness = new URL('../docs/robustness.md', import.meta.url);
writeFileSync(robustness, withBounds(readFileSync(robustness, 'utf8')));
console.log(
  'docs/findings.md, docs/providers.md, docs/imap-doctor.1, docs/publish.md and the bounds table of docs/robustness.md written',
);
