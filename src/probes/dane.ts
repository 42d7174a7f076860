/**
 * DANE evidence for each endpoint (RFC 6698, RFC 7671, RFC 7673 §3): the TLSA records at
 * `_<port>._tcp.<host>` and the host's A/AAAA, all asked with the DO bit through the run's resolver
 * path (AD believed only where that path is trusted), a SERVFAIL asked again with CD. Runs beside
 * the IMAP probes; every question bounded by one step timeout. IP literals have no TLSA name.
 */
import { isIP } from 'node:net';
import { askChecked, isBogus, type DnssecNetwork } from '../dns/dnssec.js';
import type { DnsStatus } from '../model/evidence.js';
import type { DaneEvidence, TlsaRecord } from '../model/standards.js';
import { stepSignal } from '../util/deadline.js';

export interface DaneTarget {
  host: string;
  port: number;
}

/** `_993._tcp.imap.example.com` (RFC 6698 §3). */
export function tlsaName(host: string, port: number): string {
  return `_${port}._tcp.${host.replace(/\.$/, '')}`;
}

type AddressFacts = DaneEvidence['address'];

async function addressFacts(net: DnssecNetwork, host: string, signal: AbortSignal): Promise<AddressFacts> {
  const [a, aaaa] = await Promise.all([
    askChecked<string>(net, host, 'A', signal),
    askChecked<string>(net, host, 'AAAA', signal),
  ]);
  const answered = (s: DnsStatus) => s === 'records' || s === 'nodata';
  // Secure only when both families answered and every answer that exists validated.
  const ad = answered(a.status) && answered(aaaa.status) && a.ad && aaaa.ad;
  return { a: a.status, aaaa: aaaa.status, ad, ...(isBogus(a) || isBogus(aaaa) ? { bogus: true } : {}) };
}

/** TLSA and address facts per `host:port` key; hosts shared by several ports are asked once. */
export async function gatherDane(
  net: DnssecNetwork,
  targets: readonly DaneTarget[],
  run: AbortSignal,
  timeoutMs: number,
  addresses = new Map<string, Promise<AddressFacts>>(),
): Promise<Map<string, DaneEvidence>> {
  const out = new Map<string, DaneEvidence>();
  const unique = [
    ...new Map(targets.filter((t) => isIP(t.host) === 0).map((t) => [`${t.host.toLowerCase()}:${t.port}`, t])).values(),
  ];
  await Promise.all(
    unique.map(async (t) => {
      const host = t.host.toLowerCase();
      let addr = addresses.get(host);
      if (!addr) {
        addr = addressFacts(net, host, stepSignal(run, timeoutMs));
        addresses.set(host, addr);
      }
      const name = tlsaName(host, t.port);
      const [answer, address] = await Promise.all([
        askChecked<TlsaRecord>(net, name, 'TLSA', stepSignal(run, timeoutMs)),
        addr,
      ]);
      out.set(`${host}:${t.port}`, {
        adTrusted: net.adTrusted,
        tlsa: {
          name,
          status: answer.status,
          ad: answer.ad,
          records: answer.records,
          server: answer.server,
          ms: Math.round(answer.ms),
          ...(answer.checkingDisabled ? { checkingDisabled: answer.checkingDisabled } : {}),
        },
        address,
      });
    }),
  );
  return out;
}
