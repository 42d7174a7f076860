/**
 * Hand-built evidence for check tests: fill only what a test cares about, everything else gets
 * a plausible healthy default. No module mocking anywhere: checks are pure functions of this.
 */
import { parseAddress } from '../../src/address.js';
import type { CheckContext } from '../../src/checks/types.js';
import { runChecks } from '../../src/checks/index.js';
import type { Finding } from '../../src/model/finding.js';
import type { Report } from '../../src/model/report.js';
import { buildReport } from '../../src/report/build.js';
import { recordStageStarts, stampStarts, type StageStarts } from '../../src/util/stage-starts.js';
import type {
  AddressProbe,
  Candidate,
  CertInfo,
  EndpointEvidence,
  Greeting,
  Security,
  TlsInfo,
} from '../../src/model/evidence.js';
import { endpointId } from '../../src/model/evidence.js';

export const NOW = new Date('2026-11-26T12:00:00.000Z');

export function cert(over: Partial<CertInfo> = {}): CertInfo {
  return {
    subject: 'CN=imap.example.com',
    commonName: 'imap.example.com',
    subjectAltNames: ['DNS:imap.example.com'],
    issuer: "C=US, O=Let's Encrypt, CN=R11",
    issuerCommonName: 'R11',
    issuerOrganization: "Let's Encrypt",
    validFrom: '2026-10-01T00:00:00.000Z',
    validTo: '2027-01-01T00:00:00.000Z',
    fingerprint256: 'AA:BB',
    serialNumber: '01',
    selfIssued: false,
    isCA: false,
    keyType: 'ec (prime256v1)',
    keyBits: 256,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    trustAnchor: false,
    ...over,
  };
}

export function tlsInfo(over: Partial<TlsInfo> = {}): TlsInfo {
  return {
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    servername: 'imap.example.com',
    chain: [cert()],
    chainVerified: true,
    hostnameChecked: 'imap.example.com',
    hostnameOk: true,
    ...over,
  };
}

export function greeting(line = '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.'): Greeting {
  return { line, kind: 'ok', text: 'ready.', code: 'CAPABILITY', capabilities: ['IMAP4rev1', 'AUTH=PLAIN'] };
}

/** A healthy session on one address for the given security; override any stage. */
export function addressProbe(security: Security, over: Partial<AddressProbe> = {}): AddressProbe {
  const base: AddressProbe = {
    address: '192.0.2.10',
    family: 4,
    tcp: { state: 'ok', value: {}, ms: 10 },
    greeting: { state: 'ok', value: greeting(), ms: 5 },
    capability: {
      state: 'ok',
      value: security === 'tls' ? ['IMAP4rev1', 'AUTH=PLAIN'] : ['IMAP4rev1', 'STARTTLS', 'LOGINDISABLED'],
      ms: 2,
    },
  };
  if (security === 'tls') base.tls = { state: 'ok', value: tlsInfo(), ms: 20 };
  if (security === 'starttls') {
    base.starttls = {
      state: 'ok',
      value: {
        advertised: true,
        response: { status: 'OK', text: 'Begin TLS', line: 'a2 OK Begin TLS' },
        injectedBytes: 0,
      },
      ms: 1,
    };
    base.starttlsTls = { state: 'ok', value: tlsInfo(), ms: 20 };
    base.capabilityAfterTls = { state: 'ok', value: ['IMAP4rev1', 'AUTH=PLAIN'], ms: 2 };
  }
  return { ...base, ...over };
}

export function candidate(
  host = 'imap.example.com',
  port = 993,
  security: Security = 'tls',
  over: Partial<Candidate> = {},
): Candidate {
  return {
    host,
    port,
    security,
    provenance: 'user',
    trust: 'trusted',
    userTrusted: true,
    portGuessed: false,
    sources: [{ source: 'user', trust: 'trusted', trustReason: 'named-by-user' }],
    ...over,
  };
}

export function endpoint(c: Candidate = candidate(), over: Partial<EndpointEvidence> = {}, rank = 0): EndpointEvidence {
  return {
    id: endpointId(c),
    rank,
    candidate: c,
    resolve: { ms: 1, via: 'system', a: 'records', aaaa: 'nodata', addresses: [{ address: '192.0.2.10', family: 4 }] },
    addresses: [addressProbe(c.security)],
    login: { state: 'withheld', reason: 'no-credentials' },
    ...over,
  };
}

export function context(endpoints: EndpointEvidence[], over: Partial<CheckContext> = {}): CheckContext {
  return {
    address: parseAddress('alice@example.com'),
    user: 'alice@example.com',
    endpoints,
    discovery: null,
    network: { references: [], clock: [] },
    now: NOW,
    expiryWarningDays: 14,
    timeoutMs: 5000,
    deadlineMs: 30000,
    credentials: 'password',
    deadlineHit: [],
    interrupted: null,
    ...over,
  };
}

/** A whole report from hand-built endpoints: the real checks and the real builder, fixed clock. */
export function reportFrom(
  endpoints: EndpointEvidence[],
  o: {
    credentials?: 'password' | null;
    findings?: Finding[];
    discovery?: CheckContext['discovery'];
    options?: Report['input']['options'];
    durationMs?: number;
    starts?: StageStarts;
  } = {},
): Report {
  // Stage starts are written into (a copy of) the evidence, as the doctor does.
  if (o.starts) {
    endpoints = structuredClone(endpoints);
    stampStarts(o.starts, endpoints, o.discovery ?? null);
  }
  const credentials = o.credentials === undefined ? 'password' : o.credentials;
  const ctx = context(endpoints, {
    credentials,
    ...(credentials ? {} : { noLoginReason: 'no-password' }),
    ...(o.discovery ? { discovery: o.discovery } : {}),
  });
  return buildReport({
    address: parseAddress('alice@example.com'),
    user: 'alice@example.com',
    startedAt: NOW,
    durationMs: o.durationMs ?? 10,
    version: '9.9.9',
    node: '20.x',
    options: o.options ?? {},
    discovery: o.discovery ?? null,
    candidates: endpoints.map((e) => e.candidate),
    endpoints,
    findings: o.findings ?? runChecks(ctx),
    loginExpected: credentials !== null,
    transcript: false,
  });
}

/** Endpoint id of the default candidate (imap.example.com:993, tls). */
export const ID_993 = endpointId(candidate());

/** A successful login on the default address. */
export const LOGGED_IN: EndpointEvidence['login'] = {
  state: 'attempted',
  attempt: {
    address: '192.0.2.10',
    ms: 80,
    ok: true,
    alerts: [],
    credentialsRejected: false,
    mechanism: 'AUTHENTICATE PLAIN',
  },
};

/** A recorder fed the events of one run on a fake clock: DNS at 5, connect 7, TLS 17, greeting 37, capability 42, login 50. */
export function recordedStarts(): StageStarts {
  let now = 1000;
  const s = recordStageStarts(1000, () => now);
  const at = (ms: number, e: Parameters<typeof s.observe>[0]) => {
    now = 1000 + ms;
    s.observe(e);
  };
  at(1, { kind: 'phase', phase: 'discovery' });
  at(4, { kind: 'phase', phase: 'probing' });
  at(5, { kind: 'stage', endpoint: ID_993, host: 'imap.example.com', stage: 'resolve', state: 'start' });
  at(7, {
    kind: 'stage',
    endpoint: ID_993,
    host: 'imap.example.com',
    address: '192.0.2.10',
    stage: 'tcp',
    state: 'start',
  });
  at(9, {
    kind: 'stage',
    endpoint: ID_993,
    host: 'imap.example.com',
    address: '192.0.2.10',
    stage: 'tcp',
    state: 'ok',
  });
  at(17, {
    kind: 'stage',
    endpoint: ID_993,
    host: 'imap.example.com',
    address: '192.0.2.10',
    stage: 'tls',
    state: 'start',
  });
  at(37, {
    kind: 'stage',
    endpoint: ID_993,
    host: 'imap.example.com',
    address: '192.0.2.10',
    stage: 'greeting',
    state: 'start',
  });
  at(42, {
    kind: 'stage',
    endpoint: ID_993,
    host: 'imap.example.com',
    address: '192.0.2.10',
    stage: 'capability',
    state: 'start',
  });
  at(99, {
    kind: 'stage',
    endpoint: ID_993,
    host: 'imap.example.com',
    address: '192.0.2.10',
    stage: 'tcp',
    state: 'start',
  });
  at(50, { kind: 'stage', endpoint: ID_993, host: 'imap.example.com', stage: 'login', state: 'start' });
  return s;
}
