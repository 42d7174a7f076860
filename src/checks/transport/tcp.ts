/** Check: does each address accept a TCP connection on the port? Refused, dropped and unreachable differ. */
import type { Check } from '../types.js';
import { finding, perAddress, notEvidence } from '../types.js';

const UNREACHABLE: Record<string, string> = {
  HOST_UNREACHABLE: 'host-unreachable',
  NET_UNREACHABLE: 'net-unreachable',
  ADDR_NOT_AVAILABLE: 'address-not-available',
};

export const tcpCheck: Check = {
  id: 'transport/tcp',
  needs: ['endpoints'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const t = a.tcp;
      const base = { address: a.address, family: a.family };
      if (t.state === 'ok') return [finding('TCP_OK', 'tcp', { ...base, ms: t.ms }, { e, a })];
      if (t.state !== 'failed' || notEvidence(t.error)) return [];
      switch (t.error.code) {
        case 'REFUSED':
          return [finding('TCP_REFUSED', 'tcp', base, { e, a })];
        case 'TIMEOUT':
          return [finding('TCP_TIMEOUT', 'tcp', { ...base, timeoutMs: ctx.timeoutMs }, { e, a })];
        default: {
          const reason = UNREACHABLE[t.error.code];
          if (reason) return [finding('TCP_UNREACHABLE', 'tcp', { ...base, reason }, { e, a })];
          return [finding('TCP_UNREACHABLE', 'tcp', { ...base, reason: t.error.rawCode ?? t.error.code }, { e, a })];
        }
      }
    }),
};
