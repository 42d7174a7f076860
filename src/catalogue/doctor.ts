/** Catalogue: the run itself (internal errors, deadlines, overall verdict). */
import { str, type CatalogueEntry, type P } from './types.js';

/** Where an internal error happened, from its structured params (errors/classify.ts InternalWhere). */
function internalWhere(p: P): string {
  const at = p.address !== undefined ? ` (${str(p.address)})` : '';
  switch (p.step) {
    case 'check':
      return `check ${str(p.check)}`;
    case 'catalogue':
      return `the catalogue text of ${str(p.code)}`;
    case 'source':
      return `discovery source ${str(p.source)}`;
    case 'probe':
      return p.stage !== undefined
        ? `the ${str(p.stage)} stage of ${str(p.endpoint)}${at}`
        : `the probe of ${str(p.endpoint)}`;
    case 'login':
      return `the login to ${str(p.endpoint)}`;
    case 'network':
      return 'the network reference probes';
    case 'oauth-discover':
      return p.endpoint !== undefined ? `--oauth-discover on ${str(p.endpoint)}` : '--oauth-discover';
    case 'standards':
      return 'the DANE lookups and OAuth metadata';
    case 'sync':
      return `the sync probe of ${str(p.endpoint)}`;
    case 'discovery':
      return 'discovery';
    case 'backstop': {
      const still =
        p.endpoint !== undefined
          ? `the ${str(p.stage)} stage of ${str(p.endpoint)}${at}`
          : p.source !== undefined
            ? `discovery (${str(p.source)})`
            : str(p.phase, 'starting');
      return `the run (still in ${still} at --deadline + ${str(p.graceS)} s)`;
    }
    case 'run':
      return 'the run';
    default:
      // Evidence saved before the place was structured carries it as words.
      return str(p.where, 'the run');
  }
}

export const doctor = {
  INTERNAL_ERROR: {
    severity: 'error',
    who: 'you',
    title: (p) => `imap-doctor hit an internal error in ${internalWhere(p)}`,
    explain: (p) =>
      `This is a bug in imap-doctor, not a problem with your mail server: ${str(p.error)}. The rest of the report is still valid.`,
    fix: () => ['Please report it with this report attached (run with --json; no password is ever included).'],
    example: { step: 'check', check: 'tls/certificate', error: 'RangeError: Invalid time value' },
  },
  RUN_DEADLINE_EXCEEDED: {
    severity: 'warning',
    who: 'you',
    title: (p) => `The run stopped at its ${str(p.deadlineMs)} ms deadline`,
    explain: (p) =>
      `Some steps (${str(p.steps)}) had not finished and were stopped, so the report is incomplete there.`,
    fix: () => ['Run again with a longer --timeout (the deadline grows with it) or a longer --deadline.'],
    example: { deadlineMs: 48000, steps: ['imap.example.com:993/tls login'] },
  },
  RUN_INTERRUPTED: {
    severity: 'warning',
    who: 'you',
    title: () => 'The run was interrupted (Ctrl-C)',
    explain: (p) =>
      `The run was stopped before it finished${Array.isArray(p.steps) && p.steps.length > 0 ? `; these steps were cut short: ${str(p.steps)}` : ''}. The report shows what was found until then.`,
    fix: () => ['Run again and let it finish (every step is bounded by --timeout, the whole run by --deadline).'],
    example: { steps: ['imap.example.com:993/tls login'] },
  },
  PRIVATE_ADDRESS_REFUSED: {
    severity: 'warning',
    who: 'you',
    title: (p) => `${str(p.target)} was not connected to: ${str(p.addresses) || 'a private address'} (--no-private)`,
    explain: (p) =>
      `With --no-private imap-doctor makes no connection to loopback, link-local, private (RFC 1918), unique-local or unspecified addresses, so a run for someone else's address cannot be steered into the network it runs in. ` +
      `${str(p.target)}${p.addresses ? ` resolves to ${str(p.addresses)}, which ${Array.isArray(p.addresses) && p.addresses.length > 1 ? 'are' : 'is'}` : ' is'} such an address, so it was left out. ` +
      'A mail server for the public internet is never on one; a DNS record pointing there is a mistake or an attempt to reach inside.',
    fix: (p) => [
      `If the server is meant to be inside your network, name it: \`--host ${str(p.host, str(p.target))}\` (or pin it with \`--resolve\`), or run without --no-private.`,
      'Mail admin: publish the public address of the mail server in DNS.',
    ],
    example: { target: 'imap.example.com', host: 'imap.example.com', addresses: ['10.0.0.5'] },
  },
  NO_VERIFIED_CONFIGURATION: {
    severity: 'error',
    who: 'you',
    title: () => 'No working configuration could be verified',
    explain: (p) =>
      `None of the ${str(p.endpoints)} endpoints probed reached a verified state (see the details above).`,
    fix: () => ['Follow the fixes above; if nothing is listed, run with --verbose.'],
    example: { endpoints: 2 },
  },
} satisfies Record<string, CatalogueEntry>;
