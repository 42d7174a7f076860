/**
 * The usual guesses for a domain D, as Thunderbird and Delta Chat make them: imap.D, mail.D and
 * D, each on 993 (implicit TLS) and 143 (STARTTLS); never plaintext. All inside D, so trusted
 * for a login once their certificate verifies.
 */
import type { Candidate, Security } from '../model/evidence.js';

export function guessCandidates(domain: string, ports: Record<Security, number>): Candidate[] {
  const hosts = [`imap.${domain}`, `mail.${domain}`, domain];
  const modes: Security[] = ['tls', 'starttls'];
  return modes.flatMap((security) =>
    hosts.map((host) => ({
      host,
      port: ports[security],
      security,
      provenance: 'guess' as const,
      trust: 'trusted' as const,
      userTrusted: false,
      portGuessed: true,
      sources: [
        { source: 'guess', ref: `${host}:${ports[security]}`, trust: 'trusted' as const, trustReason: 'inside-domain' },
      ],
    })),
  );
}
