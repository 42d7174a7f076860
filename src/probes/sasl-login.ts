/**
 * The password login in one round trip over the probe's kept connection: AUTHENTICATE PLAIN with
 * the initial response on the command line (SASL-IR, RFC 4959; PLAIN, RFC 4616), used only when the
 * capabilities read on this very connection after TLS offer both and a password (not a token) is
 * to be sent; everything else goes through imapflow as before. imapflow would first send ID, wait
 * for PLAIN's empty continuation, send ID again and NAMESPACE: four round trips the checks do not
 * need. The reply is read like imapflow reads it: [ALERT]s from any status response, a BYE, an
 * untagged or [CAPABILITY] list; a continuation (a server that wants more) is cancelled with "*"
 * (RFC 9051 §6.2.2). After a refusal a BYE that follows is waited for a bounded moment. The
 * secret is written once, here, and logged only as a placeholder.
 */
import type { TaggedResponse } from '../model/evidence.js';
import { classifyError, oneLine } from '../errors/classify.js';
import { LIMITS } from '../limits.js';
import type { Secret } from '../util/secret.js';
import { capabilitiesFrom, hasCap, parseGreeting, parseTagged } from './imap-parse.js';
import type { KeptConnection } from './kept.js';
import { Wire, WireError } from './wire.js';
import { readResponse, type WireLog } from './sync/wire-channel.js';

/** What the server said to the login, as it said it (the caller scrubs). */
export interface SaslOutcome {
  tagged?: TaggedResponse;
  /** The text of an untagged BYE, without its response code. */
  bye?: string;
  /** [ALERT] texts, from any status response. */
  alerts: string[];
  capabilities?: string[];
  /** No tagged reply came: what ended the wait. */
  error?: ReturnType<typeof classifyError>;
}

/** The capabilities read on the kept connection (after TLS), when they allow the one-round-trip login of this password. */
export function saslIrFits(kept: KeptConnection, password: Secret | undefined, oauth: boolean): boolean {
  const caps = parseGreeting(kept.replay).capabilities;
  return (
    !!password && !oauth && hasCap(caps, 'AUTH=PLAIN') && hasCap(caps, 'SASL-IR') && !hasCap(caps, 'LOGINDISABLED')
  );
}

const ALERT = /^(?:\S+)\s+(?:OK|NO|BAD|BYE|PREAUTH)\s+\[ALERT\]\s*(.*)$/i;
const BYE = /^\*\s+BYE\b\s*(?:\[[^\]]*\]\s*)?(.*)$/i;

/** Reads one server line into the outcome; true when it was the tagged reply. */
function take(line: string, tag: string, out: SaslOutcome, untagged: string[], wire: Wire, log: WireLog): boolean {
  const alert = ALERT.exec(line);
  if (alert && out.alerts.length < LIMITS.alerts) out.alerts.push(oneLine(alert[1] ?? '', LIMITS.alertChars));
  const bye = BYE.exec(line);
  if (bye) out.bye = oneLine(bye[1] ?? '', 300);
  const tagged = parseTagged(line, tag);
  if (tagged) {
    out.tagged = tagged;
    return true;
  }
  if (line.startsWith('+')) {
    log('c', '*');
    wire.write('*');
  } else if (untagged.length < LIMITS.untaggedLines) untagged.push(line);
  return false;
}

/** AUTHENTICATE PLAIN <initial response>, then the reply; after a refusal, a BYE within `graceMs`. */
export async function saslIrLogin(
  wire: Wire,
  user: string,
  password: Secret,
  log: WireLog,
  limit: AbortSignal,
  graceMs: number,
): Promise<SaslOutcome> {
  const tag = 'L1';
  const out: SaslOutcome = { alerts: [] };
  const untagged: string[] = [];
  // The transcript shows a placeholder; the secret goes only into the socket.
  log('c', `${tag} AUTHENTICATE PLAIN [initial response hidden]`);
  wire.write(`${tag} AUTHENTICATE PLAIN ${Buffer.from(`\0${user}\0${password.reveal()}`).toString('base64')}`);
  try {
    for (;;) {
      const line = await readResponse(wire, limit, log);
      if (take(line, tag, out, untagged, wire, log)) break;
    }
  } catch (e) {
    out.error = e instanceof WireError ? e.probe : classifyError(e);
    return out;
  }
  const caps = capabilitiesFrom(untagged, out.tagged);
  if (caps) out.capabilities = caps;
  if (out.tagged?.status !== 'OK' && !out.bye) await byeAfter(wire, out, log, graceMs);
  return out;
}

/** A server may hang up right after a refusal with a BYE (Microsoft does): read it when it comes soon. */
async function byeAfter(wire: Wire, out: SaslOutcome, log: WireLog, graceMs: number): Promise<void> {
  try {
    for (;;) {
      const line = await wire.readLine(AbortSignal.timeout(graceMs));
      log('s', line);
      const bye = BYE.exec(line);
      if (bye) {
        out.bye = oneLine(bye[1] ?? '', 300);
        return;
      }
    }
  } catch {
    // closed, or nothing more came: no BYE
  }
}
