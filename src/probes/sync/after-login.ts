/**
 * What runs on the endpoint whose login worked first, while that login is still open: the extra
 * sessions of --sessions (held at the same time as this one), then the read-only sync probe over
 * the same connection. Both are recorded on the login attempt, server texts hidden like the login's
 * (hide.ts); the connection is the caller's to log out.
 */
import type { LoginAttempt } from '../../model/evidence.js';
import { stepSignal } from '../../util/deadline.js';
import { hideSync, type SyncHide } from './hide.js';
import type { CommandChannel } from './channel.js';
import { probeSync } from './probe.js';
import { openSessions, type OpenedSession } from './sessions.js';

export interface AfterLoginOptions {
  /** The run's start (the search looks a week back from it). */
  now: Date;
  /** --sessions: sessions to hold at once, this one included (1: none extra). */
  sessions: number;
  timeoutMs: number;
  run: AbortSignal;
  /** How the login hides the secret in server texts (hide.ts). */
  hide: SyncHide;
}

/** Never throws: a doctor bug in here is kept as `syncError` (reported as INTERNAL_ERROR) and the login's evidence stays. */
export async function afterLogin(
  channel: () => Promise<CommandChannel>,
  attempt: LoginAttempt,
  o: AfterLoginOptions & { mailboxOpen: boolean },
  open: () => Promise<OpenedSession>,
): Promise<void> {
  try {
    if (o.sessions > 1) attempt.sessions = await openSessions(open, o.sessions, o.run);
    const ev = await probeSync(await channel(), {
      capabilities: attempt.capabilitiesAfterLogin ?? [],
      mailboxOpen: o.mailboxOpen,
      now: o.now,
      step: () => stepSignal(o.run, o.timeoutMs),
    });
    attempt.sync = hideSync(ev, o.hide);
  } catch (e) {
    const x = e instanceof Error ? e : new Error(String(e));
    attempt.syncError = o.hide.server(`${x.name}: ${x.message}`);
  }
}
