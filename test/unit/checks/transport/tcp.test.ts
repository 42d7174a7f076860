/** transport/tcp on hand-built evidence: connected, refused, dropped (timeout), unreachable by reason, and a cut step. */
import { describe, expect, it } from 'vitest';
import { tcpCheck } from '../../../../src/checks/transport/tcp.js';
import type { AddressProbe, ProbeErrorCode } from '../../../../src/model/evidence.js';
import { idOf, judged, onAddress } from '../../../helpers/findings.js';

const ID = idOf('tls');
const base = { address: '192.0.2.10', family: 4 };
const failed = (code: ProbeErrorCode, rawCode?: string): Partial<AddressProbe> => ({
  tcp: { state: 'failed', error: { code, message: code, ...(rawCode ? { rawCode } : {}) }, ms: 1 },
});

describe('transport/tcp', () => {
  it('connected: TCP_OK with the address, family and time', () => {
    expect(judged(tcpCheck.run(onAddress('tls')))).toEqual([
      { code: 'TCP_OK', stage: 'tcp', endpoint: ID, params: { ...base, ms: 10 } },
    ]);
  });

  it('refused is TCP_REFUSED; dropped is TCP_TIMEOUT with the step timeout', () => {
    expect(judged(tcpCheck.run(onAddress('tls', failed('REFUSED'))))).toEqual([
      { code: 'TCP_REFUSED', stage: 'tcp', endpoint: ID, params: base },
    ]);
    expect(judged(tcpCheck.run(onAddress('tls', failed('TIMEOUT'), { timeoutMs: 4000 })))).toEqual([
      { code: 'TCP_TIMEOUT', stage: 'tcp', endpoint: ID, params: { ...base, timeoutMs: 4000 } },
    ]);
  });

  it('unreachable: TCP_UNREACHABLE with the reason, or the raw code of any other error', () => {
    const reason = (code: ProbeErrorCode, raw?: string) =>
      tcpCheck.run(onAddress('tls', failed(code, raw))).map((f) => [f.code, f.stage, f.params.reason]);
    expect(reason('HOST_UNREACHABLE')).toEqual([['TCP_UNREACHABLE', 'tcp', 'host-unreachable']]);
    expect(reason('NET_UNREACHABLE')).toEqual([['TCP_UNREACHABLE', 'tcp', 'net-unreachable']]);
    expect(reason('ADDR_NOT_AVAILABLE')).toEqual([['TCP_UNREACHABLE', 'tcp', 'address-not-available']]);
    expect(reason('NET_ERROR', 'EPERM')).toEqual([['TCP_UNREACHABLE', 'tcp', 'EPERM']]);
  });

  it('a connect the deadline cut or imap-doctor crashed in says nothing', () => {
    expect(tcpCheck.run(onAddress('tls', failed('ABORTED')))).toEqual([]);
    expect(tcpCheck.run(onAddress('tls', failed('INTERNAL')))).toEqual([]);
  });
});
