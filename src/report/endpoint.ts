/** Turn endpoint evidence into the report's endpoint shape: per-address stage lists in run order. */
import type {
  AddressProbe,
  EndpointEvidence,
  LoginAttempt,
  Outcome,
  ResolveEvidence,
  Stage,
} from '../model/evidence.js';
import type { AddressReport, EndpointReport, StageReport } from '../model/report.js';
import { starttlsAccepted } from '../model/reading.js';

/** The recorded start offset, when there is one (older evidence has none). */
const atOf = (n: number | undefined) => (n === undefined ? {} : { at: n });

function stageOf<T>(stage: Stage, o: Outcome<T> | undefined): StageReport[] {
  if (!o) return [];
  if (o.state === 'ok') return [{ stage, state: 'ok', ...atOf(o.at), ms: o.ms }];
  if (o.state === 'failed') return [{ stage, state: 'failed', ...atOf(o.at), ms: o.ms, error: o.error }];
  return [{ stage, state: 'skipped', blockedBy: o.blockedBy }];
}

export function addressReport(a: AddressProbe): AddressReport {
  const stages = [
    ...stageOf('tcp', a.tcp),
    ...stageOf('tls', a.tls),
    ...stageOf('greeting', a.greeting),
    ...stageOf('capability', a.capability),
    ...stageOf('starttls', a.starttls),
    ...stageOf('starttls-tls', a.starttlsTls),
    ...stageOf('capability-after-tls', a.capabilityAfterTls),
  ];
  // A STARTTLS that completed with NO/BAD is a failed stage for the reader.
  const st = stages.find((s) => s.stage === 'starttls');
  if (st && a.starttls?.state === 'ok' && !starttlsAccepted(a)) {
    st.state = 'failed';
    st.error = {
      code: a.starttls.value.response.status === 'NO' ? 'COMMAND_NO' : 'COMMAND_BAD',
      message: a.starttls.value.response.line,
    };
  }
  const tls = a.tls?.state === 'ok' ? a.tls.value : a.starttlsTls?.state === 'ok' ? a.starttlsTls.value : undefined;
  const before = a.tls ? undefined : a.capability.state === 'ok' ? a.capability.value : undefined;
  const after = a.tls
    ? a.capability.state === 'ok'
      ? a.capability.value
      : undefined
    : a.capabilityAfterTls?.state === 'ok'
      ? a.capabilityAfterTls.value
      : undefined;
  return {
    address: a.address,
    family: a.family,
    ...(a.tcp.state === 'ok' && a.tcp.value.localAddress ? { localAddress: a.tcp.value.localAddress } : {}),
    stages,
    ...(tls ? { tls } : {}),
    ...(a.legacyTls?.state === 'ok' ? { legacyTls: a.legacyTls.value } : {}),
    ...(a.greeting.state === 'ok' ? { greeting: a.greeting.value } : {}),
    capabilities: { ...(before ? { beforeTls: before } : {}), ...(after ? { afterTls: after } : {}) },
    ...(a.starttls?.state === 'ok' ? { starttls: a.starttls.value } : {}),
    ...(a.modeCheck ? { modeCheck: a.modeCheck } : {}),
    ...(a.transcript ? { transcript: a.transcript } : {}),
  };
}

function resolveReport(r: ResolveEvidence): EndpointReport['resolve'] {
  // A crashed probe has no DNS result to show: only its INTERNAL error.
  if ('crashed' in r) return { state: 'failed', ...atOf(r.at), ms: r.ms, error: r.error };
  const { ms, via, a, aaaa, notProbed, refused, error } = r;
  return {
    state: error ? 'failed' : 'ok',
    ...atOf(r.at),
    ms,
    via,
    a,
    aaaa,
    ...(notProbed ? { notProbed } : {}),
    ...(refused ? { refused } : {}),
    ...(error ? { error } : {}),
  };
}

export function endpointReport(
  e: EndpointEvidence,
  user: string,
  working: boolean,
  withTranscript: boolean,
): EndpointReport {
  const c = e.candidate;
  const r = e.resolve;
  const login: EndpointReport['login'] =
    e.login.state === 'withheld'
      ? { state: 'withheld', reason: e.login.reason }
      : attemptReport(e.login.attempt, user, withTranscript);
  return {
    id: e.id,
    host: c.host,
    port: c.port,
    security: c.security,
    rank: e.rank,
    provenance: c.provenance,
    trust: c.trust,
    sources: c.sources,
    resolve: resolveReport(r),
    addresses: e.addresses.map((a) => {
      const ar = addressReport(a);
      if (!withTranscript) delete ar.transcript;
      return ar;
    }),
    login,
    working,
    ...(e.dane ? { dane: e.dane } : {}),
    ...(e.oauthProbe ? { oauthProbe: e.oauthProbe } : {}),
  };
}

/** The login attempt as reported: the username it used, the mailbox step, the transcript when asked for. */
function attemptReport(at: LoginAttempt, user: string, withTranscript: boolean): EndpointReport['login'] {
  const m = at.mailbox;
  return {
    state: 'attempted' as const,
    ok: at.ok,
    address: at.address,
    username: user,
    ...(at.mechanism ? { mechanism: at.mechanism } : {}),
    ...atOf(at.at),
    ms: at.ms,
    ...(at.response ? { response: at.response } : {}),
    alerts: at.alerts,
    ...(at.bye ? { bye: at.bye } : {}),
    ...(at.error ? { error: at.error } : {}),
    ...(at.oauthError ? { oauthError: at.oauthError } : {}),
    ...(at.capabilitiesAfterLogin ? { capabilitiesAfterLogin: at.capabilitiesAfterLogin } : {}),
    ...(m
      ? {
          mailbox:
            m.state === 'ok'
              ? { state: 'ok' as const, exists: m.value.exists, ms: m.ms }
              : m.state === 'failed'
                ? { state: 'failed' as const, error: m.error, ms: m.ms }
                : { state: 'skipped' as const },
        }
      : {}),
    ...(withTranscript && at.transcript ? { transcript: at.transcript } : {}),
  };
}
