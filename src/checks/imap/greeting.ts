/** Check: what did the server say first — an IMAP greeting, a refusal, another protocol, or nothing? */
import type { GreetingKind } from '../../model/evidence.js';
import type { Check } from '../types.js';
import { finding, perAddress, notEvidence } from '../types.js';

const PROTOCOL_NAME: Partial<Record<GreetingKind, string>> = {
  pop3: 'a POP3 server',
  smtp: 'an SMTP (outgoing mail) server',
  http: 'a web server',
  ssh: 'an SSH server',
  ftp: 'an FTP server',
  unknown: 'something else',
};

export const greetingCheck: Check = {
  id: 'imap/greeting',
  needs: ['endpoints'],
  run: (ctx) =>
    perAddress(ctx, (e, a) => {
      const g = a.greeting;
      if (g.state === 'failed') {
        // Silence explained by the port's mode is reported by the port-mode check instead.
        if (a.modeCheck?.tried === 'tls' && a.modeCheck.outcome.state === 'ok' && a.modeCheck.outcome.value.tlsProtocol) return [];
        if (g.error.code === 'TIMEOUT') return [finding('GREETING_TIMEOUT', 'greeting', { timeoutMs: ctx.timeoutMs, tlsTried: a.modeCheck?.tried === 'tls' }, { e, a })];
        if (g.error.code === 'CLOSED' || g.error.code === 'RESET') return [finding('CONN_CLOSED_BEFORE_GREETING', 'greeting', { error: g.error.message }, { e, a })];
        if (notEvidence(g.error)) return [];
        return [finding('IMAP_PROTOCOL_ERROR', 'greeting', { command: 'the greeting', error: g.error.message }, { e, a })];
      }
      if (g.state !== 'ok') return [];
      const v = g.value;
      switch (v.kind) {
        case 'ok':
          return [finding('GREETING_OK', 'greeting', { line: v.line }, { e, a })];
        case 'preauth':
          return [finding('GREETING_PREAUTH', 'greeting', { line: v.line }, { e, a })];
        case 'bye':
          return [finding('GREETING_BYE', 'greeting', { line: v.line, text: v.text, ...(v.code ? { code: v.code } : {}) }, { e, a })];
        case 'tls':
          return a.modeCheck ? [] : [finding('IMAP_PROTOCOL_ERROR', 'greeting', { command: 'the greeting', error: 'the server sent TLS data instead of a greeting' }, { e, a })];
        default:
          return [finding('GREETING_NOT_IMAP', 'greeting', { line: v.line, protocol: v.kind, protocolName: PROTOCOL_NAME[v.kind] ?? 'something else' }, { e, a })];
      }
    }),
};
