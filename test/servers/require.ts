/**
 * Guards for test files that need the lab or network namespaces. Each returns what the suite needs, or null after
 * printing one loud `SKIPPED <suite> suite: <reason>` line to stderr; with IMAP_DOCTOR_REQUIRE_SERVERS=1 it throws
 * instead, so CI fails rather than skips. Use: `const lab = labOrSkip(); describe.skipIf(!lab)('…', () => …)`.
 */
import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';
import { hasProgram, missingPrerequisites, type LabInfo } from './lab.js';
import { NETNS_PREFIX } from './netns.js';
import { dnssecPrerequisites } from './dnssec.js';

function required(): boolean {
  return process.env.IMAP_DOCTOR_REQUIRE_SERVERS === '1';
}

function unavailable(suite: string, reason: string): null {
  if (required()) throw new Error(`${suite} suite requires servers (IMAP_DOCTOR_REQUIRE_SERVERS=1): ${reason}`);
  process.stderr.write(`SKIPPED ${suite} suite: ${reason}\n`);
  return null;
}

/** The lab, or null (suite to be skipped loudly). */
export function labOrSkip(suite = 'dovecot'): LabInfo | null {
  const lab = inject('lab');
  if (lab) return lab;
  return unavailable(suite, inject('labSkipReason') ?? 'lab not provided (test/servers/global-setup.ts did not run)');
}

let netnsCache: string | null | undefined;

/** Why network namespaces cannot be used here, or null. Probes once per worker: add, exec iptables, delete. */
function netnsProblem(): string | null {
  if (netnsCache !== undefined) return netnsCache;
  const base = missingPrerequisites(['ip', 'iptables']);
  if (base) return (netnsCache = base);
  const name = `${NETNS_PREFIX}probe-${process.pid}-${Date.now()}`;
  try {
    execFileSync('ip', ['netns', 'add', name], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    return (netnsCache = `ip netns add failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
  }
  try {
    execFileSync('ip', ['netns', 'exec', name, 'iptables', '-L', 'INPUT', '-n'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    netnsCache = null;
  } catch (err) {
    netnsCache = `iptables inside a namespace failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  } finally {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  }
  return netnsCache;
}

/** True when namespace tests can run; otherwise prints the loud skip line (or throws when servers are required). */
export function netnsAvailable(suite = 'netns'): boolean {
  const problem = netnsProblem();
  if (problem === null) return true;
  unavailable(suite, problem);
  return false;
}

/** True when a program the suite needs is installed; otherwise the loud skip line (or a throw when servers are required). */
export function programAvailable(suite: string, bin: string, debianPackage: string): boolean {
  if (hasProgram(bin)) return true;
  unavailable(suite, `${bin} not installed (apt-get install ${debianPackage})`);
  return false;
}

/** True when the DNSSEC lab (nsd, ldnsutils, unbound, root) can run; otherwise the loud skip line (or a throw when servers are required). */
export function dnssecAvailable(suite = 'dnssec'): boolean {
  const problem = dnssecPrerequisites();
  if (problem === null) return true;
  unavailable(suite, problem);
  return false;
}
