/**
 * The shape of a catalogue entry: everything a user reads about a finding code. Entries are
 * functions of the finding's params (and subject), so checks carry no prose at all.
 */
export type Severity = 'error' | 'warning' | 'info' | 'ok';
export type Actor = 'you' | 'your-network' | 'mail-admin' | 'provider';

export type ParamValue = string | number | boolean | string[];
export type Params = Record<string, ParamValue>;

/** Params merged with the subject (host, port, security, address), as entries see them. */
export type P = Params & { host?: string; port?: number; security?: string; address?: string };

export interface CatalogueEntry {
  /** Default severity; checks may lower it by provenance. */
  severity: Severity;
  /** One plain sentence, no trailing period; may use params. */
  title: (p: P) => string;
  who: Actor;
  explain: (p: P) => string;
  fix: (p: P) => string[];
  refs?: string[];
  /** Example params for docs and tests (must make every text render). */
  example: Params & { host?: string; port?: number; security?: string };
}

export const ACTOR_LABEL: Record<Actor, string> = {
  you: 'you',
  'your-network': 'your network (IT, ISP, VPN or security software)',
  'mail-admin': "the mail server's admin",
  provider: 'your email provider',
};

/** Helpers for entry texts. */
export const str = (v: ParamValue | undefined, fallback = ''): string =>
  v === undefined ? fallback : Array.isArray(v) ? v.join(', ') : String(v);

export const secLabel = (s: ParamValue | undefined): string =>
  s === 'tls' ? 'SSL/TLS' : s === 'starttls' ? 'STARTTLS' : s === 'plain' ? 'none (unencrypted)' : str(s);

export const hp = (p: P): string => (p.port !== undefined ? `${p.host ?? '?'}:${p.port}` : (p.host ?? 'the server'));

export const day = (v: ParamValue | undefined): string => {
  const s = str(v);
  return s.length >= 10 ? s.slice(0, 10) : s;
};
