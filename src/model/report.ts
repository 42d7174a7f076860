/**
 * The report: the one serialisable whole that every renderer prints and `--json` emits
 * (schemaVersion 2, documented in docs/report.schema.json; version 1 in docs/report.schema.v1.json). No secrets, by construction.
 */
import type { Actor, Severity } from '../catalogue/index.js';
import type { DiscoveryEvidence } from './discovery.js';
import type {
  Candidate,
  DnsStatus,
  Family,
  Greeting,
  LoginWithheldReason,
  NetworkEvidence,
  ModeCheck,
  ProbeError,
  Security,
  SourceRef,
  Stage,
  StarttlsResult,
  TaggedResponse,
  TlsInfo,
  TranscriptLine,
  Provenance,
  Trust,
} from './evidence.js';
import type { FindingKnowledge } from './advice.js';
import type { Finding } from './finding.js';
import type { RunEvidence } from './run-evidence.js';
import type { DaneEvidence, OAuthProbeEvidence } from './standards.js';
import type { FolderRole, SessionsEvidence, SyncEvidence } from './sync.js';

export interface StageReport {
  stage: Stage;
  state: 'ok' | 'failed' | 'skipped';
  /** When the stage began, in ms from the run's start (for the timeline). */
  at?: number;
  ms?: number;
  error?: ProbeError;
  blockedBy?: string;
}

export interface AddressReport {
  address: string;
  family: Family;
  /** This machine's address on that connection (masked by --redact). */
  localAddress?: string;
  stages: StageReport[];
  tls?: TlsInfo;
  legacyTls?: TlsInfo;
  greeting?: Greeting;
  capabilities: { beforeTls?: string[]; afterTls?: string[] };
  starttls?: StarttlsResult;
  modeCheck?: ModeCheck;
  transcript?: TranscriptLine[];
}

export type LoginReport =
  | { state: 'withheld'; reason: LoginWithheldReason }
  | {
      state: 'attempted';
      ok: boolean;
      address: string;
      username: string;
      mechanism?: string;
      /** When the login began, in ms from the run's start. */
      at?: number;
      ms: number;
      response?: TaggedResponse;
      alerts: string[];
      bye?: string;
      error?: ProbeError;
      oauthError?: Record<string, string>;
      capabilitiesAfterLogin?: string[];
      mailbox?: { state: 'ok' | 'failed' | 'skipped'; exists?: number; ms?: number; error?: ProbeError };
      transcript?: TranscriptLine[];
    };

export interface EndpointReport {
  id: string;
  host: string;
  port: number;
  security: Security;
  rank: number;
  provenance: Provenance;
  trust: Trust;
  sources: SourceRef[];
  resolve: {
    state: 'ok' | 'failed' | 'skipped';
    at?: number;
    ms?: number;
    via?: string;
    a?: DnsStatus;
    aaaa?: DnsStatus;
    notProbed?: string[];
    refused?: string[];
    error?: ProbeError;
  };
  addresses: AddressReport[];
  login: LoginReport;
  /** A verified, usable configuration was found on this endpoint. */
  working: boolean;
  /** TLSA records and their DNSSEC status (DANE). */
  dane?: DaneEvidence;
  /** --oauth-discover: the empty-token OAUTHBEARER and what it revealed. */
  oauthProbe?: OAuthProbeEvidence;
}

/** A finding with its catalogue texts rendered, as printed and emitted. */
export interface ReportFinding extends Finding {
  title: string;
  explanation: string;
  fix: string[];
  who: Actor;
}

export interface WorkingSettings {
  host: string;
  port: number;
  security: Security;
  username: string;
  /** true when a login proved it; false when only reachability over verified TLS was checked. */
  loginVerified: boolean;
}

export interface Verdict {
  status: 'ok' | 'warning' | 'error';
  working: WorkingSettings | null;
  summary: string;
  tally: Record<Severity, number>;
}

export interface Report {
  schemaVersion: 2;
  tool: { name: 'imap-doctor'; version: string; node: string };
  input: {
    address: string;
    domain: string;
    unicodeDomain?: string;
    options: Record<string, string | number | boolean | string[] | null>;
  };
  startedAt: string;
  durationMs: number;
  discovery: DiscoveryEvidence | null;
  /** Connections made only to interpret failures (reference ports, the resolver) and clock samples. */
  network: NetworkEvidence;
  candidates: Array<
    Pick<Candidate, 'host' | 'port' | 'security' | 'provenance' | 'trust' | 'sources'> & { probed: boolean }
  >;
  endpoints: EndpointReport[];
  findings: ReportFinding[];
  verdict: Verdict;
  /** The raw evidence the report was judged from (--include-evidence), for `show --rejudge`. */
  evidence?: RunEvidence;
  /** Set when `show --rejudge` made this report from saved evidence. */
  rejudged?: Rejudged;
  /** Is the account healthy for sync: what the read-only commands after the login showed (absent without a login that worked). */
  sync?: SyncReport;
}

/** One capability that decides sync quality, with its RFC and what it gives an app. */
export interface SyncCapability {
  name: string;
  supported: boolean;
  rfc: string;
  gives: string;
}

/** What a third-party tool (CRM, helpdesk, backup) needs to know to work with this account. */
export interface IntegrationsReport {
  /** The login the provider requires (from provider knowledge), else the kind of login that worked here. */
  login: {
    method: 'password' | 'app-password' | 'app-password-if-2fa' | 'oauth' | 'authorization-code' | 'bridge';
    from: 'provider' | 'this-login';
    mechanism?: string;
    provider?: string;
  };
  /** IDLE works (push), is advertised but broken, or is missing (poll). */
  push: 'idle' | 'idle-broken' | 'poll';
  /** How a tool can catch up after a pause: QRESYNC, CONDSTORE, or rescanning every message. */
  incremental: 'qresync' | 'condstore' | 'full-rescan';
  /** --sessions: not asked, every session opened, or fewer than asked. */
  sessions: 'not-tested' | 'ok' | 'limited';
  /** The provider's published limits (session-limit, storage-limit), each backed by `knowledge` sources. */
  limits: Array<{ rule: 'session-limit' | 'storage-limit'; text: string }>;
  knowledge?: FindingKnowledge;
}

export interface SyncReport {
  /** The endpoint (id) whose login carried the probe. */
  endpoint: string;
  capabilities: SyncCapability[];
  /** What the read-only commands answered (the evidence, as gathered). */
  probe: SyncEvidence;
  /** For each role, the folder marked with it, or an unmarked folder that only looks like it. */
  roles: Array<{ role: FolderRole; folder?: string; lookAlike?: string }>;
  sessions?: SessionsEvidence;
  integrations: IntegrationsReport;
}

export interface Rejudged {
  /** The instant the checks judged as of (the evidence's startedAt unless --now). */
  asOf: string;
  /** The doctor that gathered the evidence (`tool` names the one that judged it). */
  gatheredBy: Report['tool'];
}
