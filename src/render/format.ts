/**
 * One place that turns the display flags (--format/--json, --no-color, --verbose, --quiet) into a
 * rendered report (text, JSON, Markdown or HTML), for a live run and for `show` alike. A new format
 * is added here and to OUTPUT_FORMATS in options.ts (which the command line reads without loading any renderer).
 */
import type { Report } from '../model/report.js';
import type { OutputFormat } from '../options.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText, type TextOptions } from './text.js';

export interface DisplayFlags {
  json?: unknown;
  format?: unknown;
  color?: unknown;
  verbose?: unknown;
  quiet?: unknown;
}

export interface Screen {
  env: Record<string, string | undefined>;
  stdout: { isTTY?: boolean; columns?: number };
}

export interface Display {
  format: OutputFormat;
  text: TextOptions;
}

/** Colour only for text on a terminal, never with --no-color or NO_COLOR; wrapping only on a terminal. */
export function displayFrom(o: DisplayFlags, screen: Screen): Display {
  const format: OutputFormat = o.json ? 'json' : ((o.format as OutputFormat | undefined) ?? 'text');
  const tty = screen.stdout.isTTY === true;
  return {
    format,
    text: {
      color: format === 'text' && o.color !== false && !screen.env.NO_COLOR && tty,
      verbose: o.verbose === true,
      quiet: o.quiet === true,
      width: tty ? (screen.stdout.columns ?? 100) : 0,
    },
  };
}

export function renderReport(report: Report, d: Display): string {
  switch (d.format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    default:
      return renderText(report, d.text);
  }
}
