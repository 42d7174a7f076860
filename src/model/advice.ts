/**
 * Provider advice as findings carry it: the likely causes of a refused login (stable ids the checks
 * rank and the catalogue words), and the knowledge a piece of advice rests on — which rules of which
 * provider entry, where each was read (quoted as found), and when the entry was last checked
 * (`finding.knowledge` in the JSON, schemaVersion 2). Plain data; src/knowledge fills it.
 */

export type LoginCause =
  /** The normal account password is never accepted in mail apps; an app password is. */
  | 'app-password'
  /** With two-step sign-in on, the normal password stops working; an app password is needed. */
  | 'app-password-if-2fa'
  /** An app password that was revoked (deleted, or the account password was changed where that revokes them). */
  | 'app-password-revoked'
  /** An app password created without mail (IMAP) access (Fastmail). */
  | 'app-password-scope'
  /** No password works at all; only OAuth 2 sign-in. */
  | 'oauth-only'
  /** IMAP access is switched off in the account's web settings. */
  | 'imap-switch'
  /** The organisation's admin blocks IMAP or password sign-in for the account. */
  | 'admin-policy'
  /** The account lives in another region's data centre (Zoho .eu/.in/…). */
  | 'wrong-region'
  /** A separate authorization code replaces the password (NetEase, QQ). */
  | 'authorization-code'
  /** Proton Mail Bridge generates its own password. */
  | 'bridge-password'
  /** The account's plan does not include IMAP at all (Fastmail Basic, free Proton). */
  | 'plan-without-imap'
  /** The username form: full address, part before @, or the primary address instead of an alias. */
  | 'username-form'
  /** The password itself: typo, keyboard layout, changed since. */
  | 'password-typo';

/** The kinds of provider rule a source can back. */
export type KnowledgeRule =
  | 'hosts'
  | 'login'
  | 'app-password'
  | 'imap-switch'
  | 'revocation'
  | 'plan'
  | 'admin'
  | 'oauth'
  | 'refusal'
  | 'session-limit'
  | 'storage-limit';

export interface KnowledgeSource {
  rule: KnowledgeRule;
  /** The public page, document or thread that was read. */
  url: string;
  /** Its words, quoted as found (shortened with …). */
  quote: string;
  /** Where the copy that was read lives, when not at `url` itself (a thread or mirror quoting the page). */
  via?: string;
}

/** What provider advice in a finding rests on. */
export interface FindingKnowledge {
  provider: string;
  /** The brand or region (WEB.DE, Zoho EU, AOL, …), when known. */
  brand?: string;
  /** When the entry's sources were last checked (YYYY-MM-DD). */
  checked: string;
  /** The date the whole knowledge base was last reviewed (YYYY-MM-DD). */
  knowledgeDate: string;
  sources: KnowledgeSource[];
}
