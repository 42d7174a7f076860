/**
 * Each format's renderer is loaded on its own and renders exactly what that renderer renders; the module
 * that picks the renderer loads none of them until asked (a run compiles only the format it prints).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayFrom, renderReport, rendererFor } from '../../../src/render/format.js';
import { renderHtml } from '../../../src/render/html.js';
import { renderJson } from '../../../src/render/json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { OUTPUT_FORMATS } from '../../../src/options.js';
import { candidate, endpoint, reportFrom } from '../../helpers/evidence.js';
import { ROOT } from '../../helpers/paths.js';

const report = reportFrom([endpoint(candidate())]);
const screen = { env: {}, stdout: { isTTY: false } };

describe('rendererFor', () => {
  it('gives each format its own renderer, with the same output as calling it directly', async () => {
    const d = (format: string) => displayFrom({ format }, screen);
    expect((await rendererFor('json'))(report, d('json'))).toBe(renderJson(report));
    expect((await rendererFor('markdown'))(report, d('markdown'))).toBe(renderMarkdown(report));
    expect((await rendererFor('html'))(report, d('html'))).toBe(renderHtml(report));
    expect((await rendererFor('text'))(report, d('text'))).toBe(renderText(report, d('text').text));
    for (const f of OUTPUT_FORMATS) expect(await renderReport(report, d(f))).toBe((await rendererFor(f))(report, d(f)));
  });

  it('format.ts imports no renderer statically: each is loaded when its format is printed', () => {
    const text = readFileSync(path.join(ROOT, 'src/render/format.ts'), 'utf8');
    const statics = [...text.matchAll(/^import(\s+type)?[^;]*?from\s+'([^']+)'/gms)]
      .filter((m) => !m[1])
      .map((m) => m[2]);
    expect(statics.filter((s) => /\/(text|json|markdown|html)\.js$/.test(s ?? ''))).toEqual([]);
  });
});
