/** Cross-endpoint network checks (no network, blocked mail ports, firewall vs host down, IPv6 vs IPv4, implicit TLS, resolvers that disagree), in checklist order. */
import type { Check } from '../types.js';
import { noNetworkCheck } from './no-network.js';
import { localNetworkCheck } from './local-network.js';
import { hostCheck } from './host.js';
import { ipv6Check } from './ipv6.js';
import { implicitTlsCheck } from './implicit-tls.js';
import { resolversCheck } from './resolvers.js';

export const NETWORK_CHECKS: readonly Check[] = [
  noNetworkCheck,
  localNetworkCheck,
  hostCheck,
  ipv6Check,
  implicitTlsCheck,
  resolversCheck,
];
