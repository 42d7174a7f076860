/** Check: what did the server say first — an IMAP greeting, a refusal, another protocol (named by its kind; the catalogue words it), or nothing? */
import type { Check } from '../types.js';
import { finding, perAddress, notEvidence } from '../types.js';
import { errorParams } from '../../model/reading.js';

export const greetingCheck: Check = {
  id: 'imap/greeting',
  needs: ['endpoints'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const g = a.greeting;
      if (g.state === 'failed') {
        // Silence explained by the port's mode is reported by the port-mode check instead.
        if (a.modeCheck?.tried === 'tls' && a.modeCheck.outcome.state === 'ok' && a.modeCheck.outcome.value.tlsProtocol)
          return [];
        if (g.error.code === 'TIMEOUT')
          return [
            finding(
              'GREETING_TIMEOUT',
              'greeting',
              { timeoutMs: ctx.timeoutMs, tlsTried: a.modeCheck?.tried === 'tls' },
              { e, a },
            ),
          ];
        if (g.error.code === 'CLOSED' || g.error.code === 'RESET')
          return [finding('CONN_CLOSED_BEFORE_GREETING', 'greeting', errorParams('error', g.error), { e, a })];
        if (notEvidence(g.error)) return [];
        return [
          finding(
            'IMAP_PROTOCOL_ERROR',
            'greeting',
            { command: 'greeting', ...errorParams('error', g.error) },
            { e, a },
          ),
        ];
      }
      if (g.state !== 'ok') return [];
      const v = g.value;
      switch (v.kind) {
        case 'ok':
          return [finding('GREETING_OK', 'greeting', { line: v.line }, { e, a })];
        case 'preauth':
          return [finding('GREETING_PREAUTH', 'greeting', { line: v.line }, { e, a })];
        case 'bye':
          return [
            finding(
              'GREETING_BYE',
              'greeting',
              { line: v.line, text: v.text, ...(v.code ? { code: v.code } : {}) },
              { e, a },
            ),
          ];
        case 'tls':
          return a.modeCheck
            ? []
            : [finding('IMAP_PROTOCOL_ERROR', 'greeting', { command: 'greeting', got: 'tls' }, { e, a })];
        default:
          return [finding('GREETING_NOT_IMAP', 'greeting', { line: v.line, protocol: v.kind }, { e, a })];
      }
    }),
};
