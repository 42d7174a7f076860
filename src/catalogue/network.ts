/**
 * Catalogue: cross-endpoint network reasoning (no network, mail ports blocked locally, a port
 * filtered at the server, a host that answers nothing, IPv6 against IPv4, implicit TLS missing, this
 * computer's resolver and DNS that disagree).
 * Every heuristic says "likely" and names the evidence it rests on.
 */
import { hp, str, type CatalogueEntry, type P, type ParamValue } from './types.js';

const list = (v: ParamValue | undefined): string => {
  const s = str(v);
  return s === '' ? 'none' : s;
};
const plural = (v: ParamValue | undefined, one: string, many: string): string =>
  Array.isArray(v) && v.length > 1 ? many : one;
/** Is the host an IP address (given as --host 192.0.2.10), so there is no name to check? */
const isAddress = (host: string | undefined): boolean =>
  host !== undefined && (/^[\d.]+$/.test(host) || host.includes(':'));
/** "host (addresses)", without repeating an address that is the host itself. */
const named = (p: P, host: string): string => (isAddress(p.host) ? host : `${host} (${list(p.addresses)})`);

/** A resolver's answer in words: its addresses, or "no address" (NODATA or NXDOMAIN, alike to getaddrinfo). */
const answerText = (v: ParamValue | undefined): string => {
  const xs = Array.isArray(v) ? v : [str(v)];
  return xs.length === 1 && (xs[0] === 'nodata' || xs[0] === 'nxdomain') ? 'it has no address' : xs.join(', ');
};

/** Why the silence is about the user's network (params of LOCAL_NETWORK_BLOCKS_MAIL, see checks/network/reach.ts). */
const localBasisText = (p: P): string => {
  if (p.basis === 'reference') {
    return `The server you named as a reference, ${str(p.reference)}, got no answer on its IMAP port either (${str(p.referenceAddress)}), so mail connections fail even to a server known to work.`;
  }
  if (p.basis === 'provider') {
    return `${str(p.providerHost)} is the IMAP server of ${str(p.provider)} itself, used by millions of people: it dropping every connection is far less likely than a network on the way blocking mail.`;
  }
  return "These servers have different names and addresses, so no single server's firewall explains it.";
};

export const network = {
  NO_NETWORK: {
    severity: 'error',
    who: 'your-network',
    title: () => 'This computer is likely not connected to the internet',
    explain: (p) =>
      `Nothing answered at all. DNS lookups got no answer (${list(p.dns)})` +
      (Array.isArray(p.resolvers) && p.resolvers.length > 0
        ? `, the DNS ${plural(p.resolvers, 'server', 'servers')} ${str(p.resolvers)} could not even be connected to`
        : '') +
      (Array.isArray(p.tried) && p.tried.length > 0
        ? `, and no other connection could be opened (tried: ${str(p.tried)})`
        : '') +
      '. ' +
      'The mail server is not the problem here: this computer reaches nothing, usually because it is offline, a VPN is stuck, or a Wi-Fi login page is waiting.',
    fix: () => [
      'Check the connection: Wi-Fi or cable connected, flight mode off, VPN connected (or disconnected, if it is the one failing).',
      'Open a web page in a browser: if a Wi-Fi login page appears, complete it.',
      'Run imap-doctor again once web pages load.',
    ],
    example: { dns: ['imap.example.com: timeout'], tried: ['192.0.2.10:993'], resolvers: ['192.0.2.53'] },
  },
  LOCAL_NETWORK_BLOCKS_MAIL: {
    severity: 'error',
    who: 'your-network',
    title: () => 'Your network likely blocks mail connections',
    explain: (p) =>
      `Every connection to an IMAP port (${list(p.imapPorts)}) got no answer within ${str(p.timeoutMs)} ms, on ${str(p.hosts)} ${p.hosts === 1 ? 'server' : 'servers'} (${list(p.hostNames)}), ` +
      `while the web ${plural(p.webAnswers, 'port', 'ports')} of the same ${p.hosts === 1 ? 'server' : 'servers'} answered (${list(p.webAnswers)}). ` +
      localBasisText(p) +
      ' Networks that only allow web browsing behave exactly like this: guest and hotel Wi-Fi, schools, some companies, some VPNs and security software.',
    fix: (p) => [
      'Try from another network, for example a phone hotspot: if mail works there, this network blocks it.',
      `Ask the network's admin (or your VPN provider) to allow outgoing TCP ${plural(p.imapPorts, 'port', 'ports')} ${list(p.imapPorts)} (993 is IMAP over SSL/TLS).`,
      'Check firewall, antivirus and VPN software on this computer for a rule that blocks mail apps.',
      ...(p.basis === 'provider'
        ? [
            `If it fails from every network, check the status page of ${str(p.provider)} and ask them whether your IP address is blocked.`,
          ]
        : []),
    ],
    example: {
      imapPorts: ['143', '993'],
      hosts: 1,
      hostNames: ['imap.example.com'],
      webAnswers: ['192.0.2.10:443'],
      timeoutMs: 8000,
      basis: 'reference',
      reference: 'imap.example.net:993',
      referenceAddress: '198.51.100.7:993',
    },
  },
  SERVER_PORT_FILTERED: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `A firewall at ${p.host ?? 'the server'} likely drops connections to port ${p.port ?? '?'}`,
    explain: (p) =>
      `Connections to ${named(p, hp(p))} got ${p.icmp ? 'a "host unreachable" reply' : `no answer within ${str(p.timeoutMs)} ms`}, ` +
      `yet the same ${plural(p.addresses, 'address', 'addresses')} answered on ${plural(p.answeredPorts, 'port', 'ports')} ${list(p.answeredPorts)} (accepting or refusing the connection). ` +
      `So the machine is up and reachable from your network, and something in front of it filters port ${p.port ?? '?'}: most likely the server's firewall, ` +
      'or a ban of your IP address (for example after several failed logins).' +
      (p.reference
        ? ` From this same network the reference server ${str(p.reference)} answered on its IMAP port, so this network lets mail connections through: the filter is on the server's side.`
        : p.localAlternative
          ? ' But every IMAP connection of this run went unanswered, and one server alone cannot tell its own filter from your network blocking mail connections ' +
            '(guest and hotel Wi-Fi, some companies, VPNs and security software do): that would look exactly the same.'
          : ''),
    fix: (p) => [
      ...(p.localAlternative
        ? [
            "First find out which side blocks it: try from another network, for example your phone's hotspot (mail works there: your network blocks it; fails there too: the server filters it), " +
              'or run imap-doctor again with `--reference` and an IMAP server you know works, e.g. `--reference imap.gmail.com:993` (no answer from it either: your network blocks mail).',
          ]
        : []),
      `Mail admin: allow incoming TCP port ${p.port ?? '?'} in the server's firewall (\`iptables -S INPUT\`, \`nft list ruleset\`, \`firewall-cmd --list-all\`, or the hosting provider's security group).`,
      'Mail admin: check whether your IP address is banned, e.g. `fail2ban-client status dovecot`, and unban it.',
      'If a device of yours still uses an old password, fix it first: its failed logins can get the address banned again.',
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      addresses: ['192.0.2.10'],
      answeredPorts: ['443'],
      icmp: false,
      timeoutMs: 8000,
      localAlternative: true,
    },
  },
  HOST_UNREACHABLE: {
    severity: 'error',
    who: 'mail-admin',
    title: (p) => `${named(p, p.host ?? 'The server')} answers on no port at all`,
    explain: (p) =>
      `Nothing came back from ${list(p.addresses)}: ${plural(p.triedPorts, 'port', 'ports')} ${list(p.triedPorts)} ` +
      `${p.icmp ? 'were reported unreachable by a router' : `stayed silent for ${str(p.timeoutMs)} ms`}, the web ports included. ` +
      'The machine is likely down, or the name points to a wrong or outdated address.',
    fix: (p) => [
      isAddress(p.host)
        ? `Check that ${p.host} is still the address of your mail server: use the server name from your provider's documentation instead of an address.`
        : `Check that ${p.host ?? 'the server name'} points to the right address (\`dig +short ${p.host ?? 'imap.example.com'} A\` and AAAA) and compare it with your provider's documentation.`,
      "Mail admin: check that the server is running and reachable (hosting control panel, the provider's status page).",
      'If other websites work but this server does not, try from another network: a firewall on your side may block this address.',
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      addresses: ['192.0.2.10'],
      triedPorts: ['80', '143', '443', '993'],
      icmp: false,
      timeoutMs: 8000,
    },
  },
  IPV6_PATH_BROKEN: {
    severity: 'warning',
    who: 'your-network',
    title: (p) =>
      p.absent ? 'This network has no IPv6; IPv4 works' : 'IPv6 likely does not work on your network; IPv4 does',
    explain: (p) =>
      `Every IPv6 connection of this run failed (${list(p.addresses)}: ${p.absent ? 'no route for IPv6 on this computer' : 'no answer'}), while IPv4 connections to the same ${plural(p.hosts, 'server', 'servers')} (${list(p.hosts)}) worked. ` +
      (p.absent
        ? 'Mail apps notice this at once and use IPv4, so nothing needs to change.'
        : 'Mail apps that try IPv6 first can hang until their own timeout before trying IPv4, or give up.' +
          (Array.isArray(p.hosts) && p.hosts.length === 1
            ? " Only one server was tested over IPv6, so that server's IPv6 being down would look the same."
            : '')),
    fix: (p) =>
      p.absent
        ? []
        : [
            'Ask your network admin or internet provider to fix IPv6, or turn IPv6 off on this computer or router until it is fixed.',
            'On Linux you can make programs prefer IPv4 by adding `precedence ::ffff:0:0/96 100` to /etc/gai.conf.',
            `Test IPv6 on its own: \`ping -6 ${Array.isArray(p.hosts) ? (p.hosts[0] ?? 'imap.example.com') : 'imap.example.com'}\` or \`curl -6 https://…\`.`,
          ],
    example: { addresses: ['2001:db8::10'], hosts: ['imap.example.com'], absent: false, timeoutMs: 8000 },
  },
  IPV6_SERVICE_MISSING: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) => `${p.host ?? 'The server'} does not serve IMAP over IPv6 on port ${p.port ?? '?'}`,
    explain: (p) =>
      `${p.host ?? 'The server'} publishes the IPv6 ${plural(p.addresses, 'address', 'addresses')} ${list(p.addresses)} (AAAA record), but IMAP on port ${p.port ?? '?'} there ` +
      `${p.refused ? 'refuses the connection (so the address is reachable, but no IMAP service listens on it)' : 'gets no answer'}, while IPv4 works` +
      (Array.isArray(p.answeredPorts) && p.answeredPorts.length > 0
        ? ` and the same IPv6 address answers on ${plural(p.answeredPorts, 'port', 'ports')} ${str(p.answeredPorts)}`
        : p.refused
          ? ''
          : ' and IPv6 works elsewhere in this run') +
      '. ' +
      'Mail apps that prefer IPv6 fail or wait before falling back to IPv4.',
    fix: (p) => [
      'Mail admin: make the IMAP service listen on IPv6 too (Dovecot: `listen = *, ::`).',
      `Mail admin: allow TCP port ${p.port ?? '?'} in the IPv6 firewall as well (ip6tables or nftables rules often lack what the IPv4 ones allow).`,
      `Or remove the AAAA record of ${p.host ?? 'the server'} until IPv6 works for mail.`,
    ],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      addresses: ['2001:db8::10'],
      refused: true,
      answeredPorts: ['443'],
    },
  },
  IMPLICIT_TLS_MISSING: {
    severity: 'warning',
    who: 'mail-admin',
    title: (p) =>
      `${p.host ?? 'The server'} offers no IMAP over SSL/TLS on port ${p.port ?? '?'}; only STARTTLS on port ${str(p.starttlsPort)} works`,
    explain: (p) =>
      `Port ${p.port ?? '?'} (SSL/TLS from the first byte) ${p.how === 'refused' ? 'refuses connections' : `does not complete an SSL/TLS handshake (${str(p.detail)})`}, ` +
      `while port ${str(p.starttlsPort)} with STARTTLS works. That setup works, but RFC 8314 recommends implicit TLS on port 993 over STARTTLS: ` +
      'STARTTLS starts in plain text, where a network attacker can strip or tamper with it, and many mail apps try port 993 first.',
    fix: (p) => [
      `In your mail app, use port ${str(p.starttlsPort)} with STARTTLS.`,
      'Mail admin: enable IMAP over SSL/TLS on port 993 (Dovecot: `service imap-login { inet_listener imaps { port = 993 ssl = yes } }`) and allow it in the firewall.',
    ],
    refs: ['RFC 8314 §1', 'RFC 8314 §3.2'],
    example: {
      host: 'imap.example.com',
      port: 993,
      security: 'tls',
      starttlsPort: 143,
      how: 'refused',
      detail: 'connection refused',
    },
  },
  RESOLVERS_DISAGREE: {
    severity: 'info',
    who: 'your-network',
    title: (p) => `This computer and DNS give different addresses for ${str(p.host)}`,
    explain: (p) => {
      const mine = `this computer's own lookup (the hosts file, the local network's or a VPN's DNS)`;
      const dns = `the DNS server ${str(p.otherServer === 'system' ? p.keptServer : p.otherServer)}`;
      const [kept, other] = [answerText(p.kept), answerText(p.other)];
      const v = `IPv${str(p.family)}`;
      return (
        (p.keptBy === 'system'
          ? `For ${str(p.host)} (${v}), ${mine} says ${kept}, and ${dns} says ${other}. The doctor, like mail apps, used this computer's answer. `
          : `For ${str(p.host)} (${v}), ${dns} says ${kept}, and ${mine} says ${other}, too late for this run: the doctor went on with the DNS server's answer, while mail apps wait for this computer's. `) +
        'A hosts-file entry, a VPN or split DNS (a network that answers some names its own way) can send mail apps to a different server than the one the rest of the world sees.'
      );
    },
    fix: (p) => [
      `Look for an entry for ${str(p.host)} in the hosts file (/etc/hosts; on Windows C:\\Windows\\System32\\drivers\\etc\\hosts) and remove it if it is outdated.`,
      `On a VPN or a company network this may be intended (split DNS); if not, ask its admin which address ${str(p.host)} should have.`,
    ],
    example: {
      host: 'imap.example.com',
      family: 4,
      keptBy: 'system',
      kept: ['192.0.2.99'],
      otherServer: '9.9.9.9:53',
      other: ['192.0.2.10'],
    },
  },
} satisfies Record<string, CatalogueEntry>;
