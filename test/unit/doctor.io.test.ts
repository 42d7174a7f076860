/**
 * A whole run over DoctorDeps.io: every connection of the run comes from the injected connect, and
 * the run is judged as of the injected clock: a certificate with a year left is "expiring soon" on
 * a clock set three days before its end, and not on the real one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor.js';
import { SYSTEM_CLOCK, type Clock } from '../../src/io.js';
import { defaultRunOptions } from '../../src/options.js';
import { makeTestCert, memoryIo, onLines, serverTls, type TestCert } from '../helpers/memory-io.js';

const HOST = 'imap.example.test';
const DAY = 24 * 60 * 60 * 1000;
let cert: TestCert;

beforeAll(async () => {
  cert = await makeTestCert([HOST], 365);
});

/** Implicit TLS on 993: greeting, then CAPABILITY; LOGOUT closes. */
function imaps(clock: Clock) {
  return memoryIo((raw) => {
    const t = serverTls(raw, cert);
    t.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n');
    onLines(t, (line) => {
      const [tag, command = ''] = line.split(' ');
      if (command.toUpperCase() === 'CAPABILITY') t.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`);
      if (command.toUpperCase() === 'LOGOUT') t.end(`* BYE bye\r\n${tag} OK done\r\n`);
    });
  }, clock);
}

async function run(clock: Clock) {
  const io = imaps(clock);
  const opts = defaultRunOptions('alice@example.test', {
    host: HOST,
    port: 993,
    security: 'tls',
    pinned: { [HOST]: ['192.0.2.10'] },
    caPem: [cert.cert],
    noLoginReason: 'disabled',
  });
  const report = await runDoctor(opts, {
    lookup: async () => {
      throw new Error('pinned: no lookup expected');
    },
    emit: () => {},
    io,
    version: 'test',
  });
  return { report, io };
}

describe('runDoctor over DoctorDeps.io', () => {
  it('judges the certificate as of the injected clock', async () => {
    const at = new Date(cert.validTo.getTime() - 3 * DAY + 60_000);
    const { report, io } = await run({ now: () => at, mono: SYSTEM_CLOCK.mono });
    expect(io.dialled.map((d) => `${d.address}:${d.port}`)).toEqual(['192.0.2.10:993']);
    expect(report.startedAt).toBe(at.toISOString());
    const soon = report.findings.filter((f) => f.code === 'TLS_CERT_EXPIRING_SOON');
    expect(soon).toHaveLength(1);
    expect(soon[0]?.params).toMatchObject({ daysLeft: 3 });
  });

  it('the same server on the real clock: a year left, nothing to warn about', async () => {
    const { report } = await run(SYSTEM_CLOCK);
    expect(report.findings.map((f) => f.code)).not.toContain('TLS_CERT_EXPIRING_SOON');
    expect(Math.abs(Date.parse(report.startedAt) - Date.now())).toBeLessThan(60_000);
  });
});
