/**
 * What the knowledge base deliberately does not say: rules and providers for which no public
 * source was found, or sources disagree. Listed in docs/providers.md so nobody mistakes a gap for
 * an oversight, and so a reader with a source can fill it.
 */
export interface LeftOut {
  provider: string;
  rule: string;
  why: string;
}

export const LEFT_OUT: readonly LeftOut[] = [
  {
    provider: 'Rakuten Mail',
    rule: 'the whole entry',
    why: 'No public source found names its IMAP server or login rule.',
  },
  {
    provider: 'Zoho Mail (Saudi Arabia)',
    rule: 'IMAP server',
    why: 'The region is documented (accounts.zoho.sa), but no first-party page names its IMAP host, and the ISPDB contributor could not confirm one (thunderbird/autoconfig#154). An MX in zoho.sa is recognised; no server is guessed.',
  },
  { provider: 'Zoho Mail (China)', rule: 'region', why: 'No source was read for a zoho.com.cn region.' },
  {
    provider: 'Google',
    rule: 'limit on simultaneous IMAP connections',
    why: 'Only third-party pages give a number; no current first-party source states one.',
  },
  {
    provider: 'Microsoft',
    rule: 'limit on simultaneous IMAP connections',
    why: 'Only a 2011 Exchange Online blog post, quoted by third parties ("Maximum concurrent IMAP connections 20"), gives a number; no current first-party page states one.',
  },
  {
    provider: 'Google, Microsoft, Yahoo/AOL, iCloud and the others but Fastmail',
    rule: 'mailbox storage',
    why: 'Only third-party pages, or none, were found for the storage each plan gets; Fastmail publishes its own.',
  },
  { provider: 'Orange', rule: 'login rule', why: 'No public source found; only the hosts (ISPDB) are known.' },
  {
    provider: 'Libero Mail',
    rule: 'login rule; IMAP on free accounts',
    why: 'An older version of Libero\'s page on an expiring Mail Plus subscription listed "Accesso consentito solo via Webmail"; the current version does not. Sources disagree, so nothing is stated.',
  },
  {
    provider: 'GMX / WEB.DE',
    rule: 'greeting fingerprint; IMAP refusal text',
    why: 'No public copy of the greeting or of the IMAP refusal was found; recognised by host name, MX or domain.',
  },
  {
    provider: 'T-Online, Naver, Seznam, Zoho, NetEase, Proton',
    rule: 'IMAP refusal texts',
    why: 'No public copy of their IMAP refusal texts was found.',
  },
  {
    provider: 'NetEase',
    rule: '"Unsafe Login" after the login',
    why: 'A known post-login refusal (clients must send the IMAP ID command, pimalaya/himalaya#651), not a login refusal; not mapped to advice here.',
  },
];
