/**
 * transport/port-mode on hand-built evidence (RFC 8314 §3): the probe tried the other security mode
 * on the same port; TLS spoken to a plaintext port, or plaintext to an implicit-TLS port, names the
 * setting to change. Nothing when no other mode was tried or it did not work either.
 */
import { describe, expect, it } from 'vitest';
import { portModeCheck } from '../../../../src/checks/transport/port-mode.js';
import type { AddressProbe } from '../../../../src/model/evidence.js';
import { greeting } from '../../../helpers/evidence.js';
import { idOf, judged, onAddress } from '../../../helpers/findings.js';

const notTls: Partial<AddressProbe> = {
  tls: { state: 'failed', error: { code: 'TLS_NOT_TLS', message: 'wrong version number' }, ms: 1 },
};
const triedPlaintext = (line: string, kind: 'ok' | 'tls' = 'ok'): Partial<AddressProbe> => ({
  ...notTls,
  modeCheck: { tried: 'plaintext', outcome: { state: 'ok', value: { greeting: { ...greeting(line), kind } }, ms: 1 } },
});

describe('transport/port-mode', () => {
  it('TLS to a port that greets in plain text: TLS_ON_PLAINTEXT_PORT in the tls stage, with the greeting and its kind', () => {
    expect(judged(portModeCheck.run(onAddress('tls', triedPlaintext('* OK IMAP ready'))))).toEqual([
      {
        code: 'TLS_ON_PLAINTEXT_PORT',
        stage: 'tls',
        endpoint: idOf('tls'),
        params: { greeting: '* OK IMAP ready', greetingKind: 'ok' },
      },
    ]);
  });

  it('plaintext met with silence on a port that speaks TLS: PLAINTEXT_ON_TLS_PORT in the greeting stage, with the timeout and the TLS version', () => {
    const silent: Partial<AddressProbe> = {
      greeting: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 },
      modeCheck: { tried: 'tls', outcome: { state: 'ok', value: { tlsProtocol: 'TLSv1.3' }, ms: 1 } },
    };
    expect(judged(portModeCheck.run(onAddress('starttls', silent, { timeoutMs: 8000 })))).toEqual([
      {
        code: 'PLAINTEXT_ON_TLS_PORT',
        stage: 'greeting',
        endpoint: idOf('starttls'),
        params: { timeoutMs: 8000, tlsProtocol: 'TLSv1.3' },
      },
    ]);
  });

  it('no other mode tried (a healthy session): nothing', () => {
    expect(portModeCheck.run(onAddress('tls'))).toEqual([]);
    expect(portModeCheck.run(onAddress('starttls'))).toEqual([]);
  });

  it('the other mode failed too, or answered with TLS again, or without a TLS version: nothing', () => {
    expect(
      portModeCheck.run(
        onAddress('tls', {
          ...notTls,
          modeCheck: {
            tried: 'plaintext',
            outcome: { state: 'failed', error: { code: 'TIMEOUT', message: 't' }, ms: 1 },
          },
        }),
      ),
    ).toEqual([]);
    expect(portModeCheck.run(onAddress('tls', triedPlaintext('\u0016\u0003', 'tls')))).toEqual([]);
    expect(
      portModeCheck.run(
        onAddress('starttls', { modeCheck: { tried: 'tls', outcome: { state: 'ok', value: {}, ms: 1 } } }),
      ),
    ).toEqual([]);
  });
});
