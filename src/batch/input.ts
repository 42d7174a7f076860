/**
 * The list of a batch (--batch <file|->): one address per line, `address,host` to probe that host
 * for it (as --host would), blank lines and `#` comments skipped. Every bad line is kept with its
 * line number and a one-line reason, never thrown: the batch runs the good lines and names the bad.
 */
import { InputError, normaliseHost, parseAddress } from '../address.js';

export interface BatchEntry {
  /** 1-based line number in the list. */
  line: number;
  /** The address as written (normalised by the run itself). */
  address: string;
  /** `address,host`: the host to probe for this address. */
  host?: string;
}

export interface BadLine {
  line: number;
  message: string;
}

export interface BatchList {
  entries: BatchEntry[];
  bad: BadLine[];
}

/** A line's text as shown in an error: bounded, so a binary file does not flood the terminal. */
function quoted(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
}

function parseLine(text: string, line: number): BatchEntry | BadLine {
  const [address = '', host, ...more] = text.split(',').map((s) => s.trim());
  if (more.length > 0)
    return { line, message: `${quoted(text)} has more than one comma (expected address or address,host)` };
  try {
    parseAddress(address);
  } catch (e) {
    if (e instanceof InputError) return { line, message: e.message };
    throw e;
  }
  if (host === undefined) return { line, address };
  const h = normaliseHost(host);
  if (!h) return { line, message: `the host ${quoted(host)} is not a valid host name or IP address` };
  return { line, address, host: h };
}

export function parseBatchList(text: string): BatchList {
  const out: BatchList = { entries: [], bad: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t.length === 0 || t.startsWith('#')) return;
    const r = parseLine(t, i + 1);
    if ('message' in r) out.bad.push(r);
    else out.entries.push(r);
  });
  return out;
}
