/**
 * The run as a timeline: one lane per endpoint with one bar per step (DNS, connect, TLS, greeting,
 * capabilities, STARTTLS, login), each placed at its recorded start offset (`at`) and as long as
 * it took (`ms`). A report without offsets (hand-built, or older) gets each bar placed right after
 * the previous step of the same connection, marked `estimated`. Pure: report in, data out; the
 * text (--verbose) and HTML renderers draw it.
 */
import { secLabel } from '../catalogue/types.js';
import type { Stage } from '../model/evidence.js';
import type { EndpointReport, Report } from '../model/report.js';

export const STAGE_LABEL: Record<Stage, string> = {
  resolve: 'DNS',
  tcp: 'Connect',
  tls: 'TLS',
  greeting: 'Greeting',
  capability: 'Capabilities',
  starttls: 'STARTTLS',
  'starttls-tls': 'TLS',
  'capability-after-tls': 'Capabilities',
  login: 'Login',
  mailbox: 'Inbox',
};

export interface TimelineBar {
  stage: Stage | 'discovery';
  label: string;
  /** The connection it belongs to, when the endpoint has several addresses. */
  address?: string;
  state: 'ok' | 'failed';
  at: number;
  ms: number;
  /** No recorded start: placed after the previous step. */
  estimated: boolean;
}

export interface TimelineLane {
  title: string;
  endpoint?: string;
  bars: TimelineBar[];
}

export interface Timeline {
  /** The scale: the run's duration, or the last bar's end when later. */
  totalMs: number;
  lanes: TimelineLane[];
}

function endpointLane(e: EndpointReport): TimelineLane {
  const bars: TimelineBar[] = [];
  const add = (
    stage: Stage,
    state: 'ok' | 'failed',
    at: number | undefined,
    ms: number,
    after: number,
    address?: string,
  ): number => {
    bars.push({
      stage,
      label: STAGE_LABEL[stage],
      ...(address ? { address } : {}),
      state,
      at: at ?? after,
      ms,
      estimated: at === undefined,
    });
    return (at ?? after) + ms;
  };
  const r = e.resolve;
  // An IP literal needs no DNS: no bar.
  const resolved =
    r.state === 'skipped' || r.ms === undefined || r.via === 'literal'
      ? (r.at ?? 0)
      : add('resolve', r.state, r.at, r.ms, 0);
  let end = resolved;
  const several = e.addresses.length > 1;
  for (const a of e.addresses) {
    let cursor = resolved;
    for (const s of a.stages) {
      if (s.state === 'skipped' || s.ms === undefined) continue;
      cursor = add(s.stage, s.state, s.at, s.ms, cursor, several ? a.address : undefined);
    }
    end = Math.max(end, cursor);
  }
  const l = e.login;
  if (l.state === 'attempted') add('login', l.ok ? 'ok' : 'failed', l.at, l.ms, end);
  return { title: `${e.host}:${e.port} ${secLabel(e.security)}`, endpoint: e.id, bars };
}

export function timelineOf(r: Report): Timeline {
  const lanes: TimelineLane[] = [];
  const d = r.discovery;
  if (d && d.at !== undefined && d.ms !== undefined) {
    lanes.push({
      title: `Discovery for ${r.input.domain}`,
      bars: [{ stage: 'discovery', label: 'Discovery', state: 'ok', at: d.at, ms: d.ms, estimated: false }],
    });
  }
  for (const e of r.endpoints) lanes.push(endpointLane(e));
  const last = Math.max(0, ...lanes.flatMap((l) => l.bars.map((b) => b.at + b.ms)));
  return { totalMs: Math.max(1, r.durationMs, last), lanes };
}
