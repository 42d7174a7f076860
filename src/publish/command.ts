/**
 * `imap-doctor publish <domain>`: diagnose the domain without a login (discovery, then every
 * candidate probed), keep only what verified, turn it into paste-ready blocks, and lint what the
 * domain publishes now. The domain becomes `postmaster@<domain>` and the discovery options work as
 * for a diagnosis. Touches no `process` state; cli.ts prints the result and sets the exit code
 * (0: blocks written and no lint error; 1: nothing verified, or a lint error).
 */
import { normaliseHost, parseAddress } from '../address.js';
import type { DoctorDeps } from '../doctor.js';
import { runDoctor } from '../doctor.js';
import { discoveryOptionsFrom } from '../discovery/cli-options.js';
import { discoveryDeps } from '../discovery/index.js';
import type { Fetcher } from '../discovery/http.js';
import { fetchPublishedDocs } from '../discovery/published-docs.js';
import { DEFAULTS, defaultRunOptions, deadlineFor, type RunOptions } from '../options.js';
import { visibleDeep } from '../render/visible.js';
import { stepSignal } from '../util/deadline.js';
import { buildBlocks } from './blocks.js';
import { lintPublished } from './lint.js';
import { NODE_IO } from '../io.js';
import { planFromReport, type PlannedServer } from './plan.js';
import type { PublishCliHelpers } from './cli-command.js';
import { renderPublishJson, renderPublishText, type PublishResult } from './render.js';

export interface PublishDeps extends DoctorDeps {
  /** HTTP(S) for fetching what is published now (lint). */
  fetch: Fetcher;
}

export async function runPublish(
  opts: RunOptions,
  deps: PublishDeps,
  submission?: PlannedServer,
): Promise<PublishResult> {
  const noLogin: RunOptions = { ...opts, credentials: null, noLoginReason: 'disabled', oauthDiscover: false };
  const signal = AbortSignal.timeout(opts.deadlineMs);
  const [report, docs] = await Promise.all([
    runDoctor(noLogin, deps),
    fetchPublishedDocs(deps.fetch, opts.address.slice(opts.address.lastIndexOf('@') + 1), () =>
      stepSignal(signal, opts.timeoutMs),
    ),
  ]);
  const plan = planFromReport(report, submission);
  return {
    domain: report.input.domain,
    plan,
    blocks: buildBlocks(plan),
    lints: lintPublished(docs, report.input.domain),
    problems: report.findings.filter((f) => f.severity === 'error').map((f) => ({ code: f.code, title: f.title })),
  };
}

export function publishOutput(r: PublishResult, format: 'text' | 'json'): { text: string; exitCode: number } {
  const ok = r.blocks.length > 0 && !r.lints.some((l) => l.severity === 'error');
  // What servers published (lint values, names) is shown with control characters made visible, as in every report.
  return { text: format === 'json' ? renderPublishJson(r) : renderPublishText(visibleDeep(r)), exitCode: ok ? 0 : 1 };
}

/** `host:port[/tls|starttls]` for --submission; security defaults from the port (465 tls, else starttls). */
export function parseSubmission(value: string): PlannedServer {
  const m = /^([^:/\s]+):(\d{1,5})(?:\/(tls|starttls))?$/i.exec(value.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535)
    throw new Error(`--submission "${value}" must look like smtp.example.com:465 or smtp.example.com:587/starttls`);
  const security = (m[3]?.toLowerCase() as 'tls' | 'starttls' | undefined) ?? (port === 465 ? 'tls' : 'starttls');
  return { host: (m[1] ?? '').toLowerCase(), port, security };
}

/** Runs `publish` for the parsed options; throws a plain Error with a one-line message for bad input. */
export async function publishFromCli(
  domain: string,
  o: Record<string, unknown>,
  h: PublishCliHelpers,
): Promise<{ text: string; exitCode: number }> {
  const address = parseAddress(`postmaster@${domain}`);
  let host: string | undefined;
  if (typeof o.host === 'string') {
    host = normaliseHost(o.host) ?? undefined;
    if (!host) throw new Error(`--host "${o.host}" is not a valid host name or IP address`);
  }
  const submission = typeof o.submission === 'string' ? parseSubmission(o.submission) : undefined;
  const timeoutMs = (o.timeout as number | undefined) ?? DEFAULTS.timeoutMs;
  const caFiles = (o.caFile as string[] | undefined) ?? [];
  const opts: RunOptions = defaultRunOptions(address.address, {
    ...(host ? { host } : {}),
    caPem: h.readCaFiles(caFiles),
    caFiles,
    timeoutMs,
    deadlineMs: deadlineFor(timeoutMs),
    pinned: h.parsePins((o.resolve as string[] | undefined) ?? []),
    noLoginReason: 'disabled',
    ...discoveryOptionsFrom({ ...o, oauthDiscover: false }),
  });
  const deps = discoveryDeps(opts, undefined, h.lookup, NODE_IO);
  const result = await runPublish(
    opts,
    {
      ...deps,
      fetch: deps.standards.fetch as NonNullable<typeof deps.standards.fetch>,
      emit: () => undefined,
      io: NODE_IO,
      version: h.version,
      node: h.node,
    },
    submission,
  );
  return publishOutput(result, o.format === 'json' ? 'json' : 'text');
}
