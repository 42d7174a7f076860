/**
 * The bytes of one DNS query, as the doctor's stub resolver (packet-resolver.ts) sends it and as the
 * early queries of the launcher (dns/early.ts) send it ahead of the run: one definition for both, so an
 * early query is byte for byte the one the resolver would have sent (its id aside).
 */
import { AUTHENTIC_DATA, CHECKING_DISABLED, DNSSEC_OK, RECURSION_DESIRED, encode, type Packet } from 'dns-packet';
import type { RecordType } from './resolver.js';

/** RFC 6891 §6.2.5 and the DNS Flag Day 2020 recommendation: a payload size that avoids fragmentation. */
export const EDNS_UDP_SIZE = 1232;

/** The DNSSEC bits of every query: DO in the OPT record, CD in the header. */
export interface DnssecBits {
  ok: boolean;
  cd: boolean;
}

/**
 * The bits of every question a run asks (discovery, the probes' A/AAAA, DANE): DO set (RFC 3225), so an
 * answer carries its DNSSEC status and DANE reads it from the very A/AAAA answers the probes use — one
 * question per name and type, not a plain one and a DNSSEC one. CD only on the retry after a SERVFAIL (dnssec.ts).
 */
export const RUN_DNSSEC: DnssecBits = { ok: true, cd: false };

/** What a query asks: the (normalised) name, the type, and whether an EDNS0 OPT record goes with it. */
export interface Question {
  name: string;
  type: RecordType;
  edns: boolean;
}

/** RD and AD set (RFC 6840 §5.7), CD when asked; an OPT record advertising EDNS_UDP_SIZE when `edns`. */
export function buildQuery(q: Question, id: number, dnssec: DnssecBits): Buffer {
  const packet: Packet = {
    type: 'query',
    id,
    flags: RECURSION_DESIRED | AUTHENTIC_DATA | (dnssec.cd ? CHECKING_DISABLED : 0),
    questions: [{ type: q.type, name: q.name === '' ? '.' : q.name, class: 'IN' }],
    additionals: q.edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: EDNS_UDP_SIZE,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: dnssec.ok ? DNSSEC_OK : 0,
            flag_do: dnssec.ok,
            options: [],
          },
        ]
      : [],
  };
  return encode(packet);
}
