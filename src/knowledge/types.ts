/**
 * The shape of a provider entry: how to recognise it, its brands and regions (each with its own
 * hosts, chosen from the MX), what its login requires, and — for every rule — the public source it
 * was read from. A rule without a source is left out of an entry, never guessed; a test enforces it.
 */
import type { Security } from '../model/evidence.js';
import type { KnowledgeRule, LoginCause } from '../model/advice.js';

export interface Source {
  /** The public page, document or thread that was read (https URL). */
  url: string;
  /** Its words, quoted as found (shortened with …). */
  quote: string;
  /** Where the copy that was read lives, when not at `url` itself (a thread or mirror quoting the page). */
  via?: string;
}

export type Sources = Partial<Record<KnowledgeRule, readonly Source[]>>;

export type LoginPolicy =
  /** The account password is refused; an app-specific password is required. */
  | 'app-password'
  /** Passwords are refused altogether; OAuth 2 (XOAUTH2/OAUTHBEARER) only. */
  | 'oauth'
  /** The normal password works unless two-step sign-in is on, then an app password. */
  | 'app-password-if-2fa'
  /** A separate "authorization code" from the web settings replaces the password. */
  | 'authorization-code'
  /** Only through a local bridge program that makes its own password (Proton). */
  | 'bridge'
  /** No public source says more than "the account's password" (or nothing was found). */
  | 'unknown';

/**
 * Advice facts a provider gives, each backed by sources for its rule (in brackets). A brand may
 * override any of them (AOL's app-password page is not Yahoo's).
 */
export interface Advice {
  /** Where to create an app password / authorization code: a URL or a settings path. [app-password] */
  appPassword?: string;
  /** What the provider calls it, when not "app password". [app-password] */
  appPasswordName?: string;
  /** App passwords can only be created with two-step verification switched on. [app-password] */
  appPasswordNeeds2fa?: boolean;
  /** Where users switch IMAP on. [imap-switch] */
  imapSwitch?: string;
  /** There is no user switch: IMAP is always on (the sentence to say so). [imap-switch] */
  imapAlwaysOn?: string;
  /** Where an organisation's admin allows IMAP. [admin] */
  adminImap?: string;
  /** The login policy in one sentence, with its dates. [login] */
  policy?: string;
  /** Plans that include no IMAP at all. [plan] */
  noImapPlans?: string;
  /** The OAuth scope a token for IMAP needs. [oauth] */
  oauthScope?: string;
  /** How many IMAP sessions an account may hold at once, in one sentence. [session-limit] */
  sessionLimit?: string;
  /** The storage an account gets and what happens beyond it, in one sentence. [storage-limit] */
  storageLimit?: string;
}

export interface Endpoint {
  host: string;
  port: number;
  security: Security;
}

/** One brand or region with its own domains, MX hosts and IMAP server. */
export interface Brand extends Advice {
  id: string;
  name: string;
  /** Address domains of the brand (consumer addresses). */
  domains: readonly string[];
  /** MX hosts (lower case, no trailing dot) of domains whose mail the brand handles. */
  mx: readonly RegExp[];
  /** IMAP host names that are this brand's own. */
  hosts: readonly RegExp[];
  /** The IMAP server to probe; absent when no public source names one. */
  imap?: Endpoint;
  sources: Sources;
}

/** A refusal text the provider is known to send, and what imap-doctor reports for it. */
export interface KnownRefusal {
  /** The tagged reply as sent, without the tag: `NO [CODE] text` (as quoted by the source). */
  reply: string;
  /** The finding code imap-doctor reports for it. */
  finding: string;
  source: Source;
  /** What the source left out or what the reply's form rests on, when it is not quoted whole. */
  note?: string;
}

export interface ProviderEntry extends Advice {
  id: string;
  name: string;
  /** When this entry's sources were last read (YYYY-MM-DD). */
  checked: string;
  brands: readonly Brand[];
  /** Greeting fingerprints (backed by 'hosts' sources). */
  greeting: readonly RegExp[];
  capabilities?: readonly string[];
  login: LoginPolicy;
  /** Why a refused password most likely failed, most likely first. */
  causes: readonly LoginCause[];
  refusals: readonly KnownRefusal[];
  sources: Sources;
}
