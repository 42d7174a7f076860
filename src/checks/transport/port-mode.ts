/**
 * Check: is the security setting wrong for the port? TLS spoken to a plaintext port answers with
 * plain text; plaintext on an implicit-TLS port is met with silence while TLS works. The probe
 * tried the other mode on the same port; this names the setting to change.
 */
import type { Check } from '../types.js';
import { finding, perAddress } from '../types.js';

export const portModeCheck: Check = {
  id: 'transport/port-mode',
  needs: ['endpoints'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const m = a.modeCheck;
      if (!m || m.outcome.state !== 'ok') return [];
      const v = m.outcome.value;
      if (m.tried === 'plaintext' && v.greeting && v.greeting.kind !== 'tls') {
        return [
          finding(
            'TLS_ON_PLAINTEXT_PORT',
            'tls',
            { greeting: v.greeting.line, greetingKind: v.greeting.kind },
            { e, a },
          ),
        ];
      }
      if (m.tried === 'tls' && v.tlsProtocol) {
        return [
          finding(
            'PLAINTEXT_ON_TLS_PORT',
            'greeting',
            { timeoutMs: ctx.timeoutMs, tlsProtocol: v.tlsProtocol },
            { e, a },
          ),
        ];
      }
      return [];
    }),
};
