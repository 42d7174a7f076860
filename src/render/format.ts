/**
 * One place that turns the display flags (--format/--json, --no-color, --verbose, --quiet) into a
 * rendered report (text, JSON, Markdown or HTML), for a live run and for `show` alike; each format's
 * renderer is loaded only when that format is printed. A new format is added here and to OUTPUT_FORMATS
 * in options.ts (which the command line reads without loading any renderer).
 */
import type { Report } from '../model/report.js';
import type { OutputFormat } from '../options.js';
import type { TextOptions } from './text.js';

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

/** A renderer of reports in one format. */
export type ReportRenderer = (report: Report, d: Display) => string;

/**
 * The renderer of one format, its module loaded alone: a run prints one format, and compiles no other
 * renderer's code (a JSON run none of the text, Markdown and HTML renderers).
 */
export async function rendererFor(format: OutputFormat): Promise<ReportRenderer> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).renderJson;
    case 'markdown':
      return (await import('./markdown.js')).renderMarkdown;
    case 'html':
      return (await import('./html.js')).renderHtml;
    default: {
      const { renderText } = await import('./text.js');
      return (report, d) => renderText(report, d.text);
    }
  }
}

export async function renderReport(report: Report, d: Display): Promise<string> {
  return (await rendererFor(d.format))(report, d);
}
