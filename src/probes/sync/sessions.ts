/**
 * --sessions n: how many authenticated sessions the account can hold at once. With the login that
 * worked still open, up to n − 1 more logins on the same endpoint, one after another, each held
 * open; the first one that fails (a refusal, a BYE, a timeout) ends it — no login after a refusal.
 * Then every extra session logs out. How one session is opened is the caller's (auth.ts).
 */
import type { SessionAttempt, SessionsEvidence } from '../../model/sync.js';

export interface OpenedSession {
  attempt: SessionAttempt;
  /** Ends the session (LOGOUT, or a close when that fails); present when it opened. */
  close?: () => Promise<void>;
}

export async function openSessions(
  open: () => Promise<OpenedSession>,
  requested: number,
  run: AbortSignal,
): Promise<SessionsEvidence> {
  const attempts: SessionAttempt[] = [];
  const held: Array<() => Promise<void>> = [];
  try {
    for (let i = 1; i < requested && !run.aborted; i++) {
      const s = await open();
      attempts.push(s.attempt);
      if (s.close) held.push(s.close);
      if (!s.attempt.ok) break;
    }
  } finally {
    await Promise.all(held.map((close) => close().catch(() => {})));
  }
  return { requested, opened: 1 + attempts.filter((a) => a.ok).length, attempts };
}
