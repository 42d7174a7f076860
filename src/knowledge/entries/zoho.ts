/**
 * Zoho Mail: one brand per data-centre region, each with its own domain, MX hosts and IMAP server
 * (Thunderbird's ISPDB has a file per region). Saudi Arabia is a region too, but no public source
 * names its IMAP server (the ISPDB contributor could not confirm one), so none is given for it.
 */
import type { Brand, ProviderEntry, Source } from '../types.js';
import { CHECKED, ispdb, page, pull, thread } from '../sources.js';

const ZOHO_IMAP_HELP = 'https://www.zoho.com/mail/help/imap-access.html';
const ZOHO_DATA_CENTRES =
  'https://help.zoho.com/portal/en/kb/accounts/manage-your-zoho-account/articles/data-center-for-zoho-account';
const ISPDB_REGIONS = pull(
  'thunderbird/autoconfig#154',
  'Zoho Mail has data centers in US, EU, India, Australia, Japan, Canada and Saudi Arabia. … Each data center has its own domain, mx records and even own smtp, imap and pop3 servers.',
);

/** A region whose domain, MX and IMAP host all live under one domain (zoho.eu → mx.zoho.eu, imap.zoho.eu). */
function region(id: string, name: string, tld: string, extra: { domains: string[]; pro?: Source; mx?: Source }): Brand {
  const d = tld.replace(/\./g, '\\.');
  return {
    id,
    name,
    domains: extra.domains,
    mx: [
      new RegExp(`(^|\\.)${d}$`),
      ...extra.domains.filter((x) => x !== tld).map((x) => new RegExp(`(^|\\.)${x.replace(/\./g, '\\.')}$`)),
    ],
    hosts: [new RegExp(`^imap${extra.pro ? '(pro)?' : ''}\\.${d}$`)],
    imap: { host: `imap.${tld}`, port: 993, security: 'tls' },
    sources: {
      hosts: [
        ispdb(
          `${tld}.xml`,
          `${extra.domains.map((x) => `<domain>${x}</domain>`).join(' ')} … <hostname>imap.${tld}</hostname> <port>993</port> <socketType>SSL</socketType>`,
        ),
        ISPDB_REGIONS,
        ...(extra.pro ? [extra.pro] : []),
        ...(extra.mx ? [extra.mx] : []),
      ],
    },
  };
}

const MX_REGIONS = page(
  'https://mxrecordchecker.com/resources/zoho-mx-records',
  'European Union (zoho.eu) … 10 mx.zoho.eu … India (zoho.in) … 10 mx.zoho.in … Australia (zoho.com.au) … 10 mx.zoho.com.au … Japan (zoho.jp) … 10 mx.zoho.jp',
);

export const zoho: ProviderEntry = {
  id: 'zoho',
  name: 'Zoho Mail',
  checked: CHECKED,
  brands: [
    region('zoho-com', 'Zoho Mail (US data centre, zoho.com)', 'zoho.com', {
      domains: ['zoho.com', 'zohomail.com'],
      pro: page(
        'https://wiki.brostweb.com/books/external-accounts/chapter/zoho/export/html',
        'Incoming Server Settings Incoming Server Name: imappro.zoho.com Port: 993 Require SSL: Yes Username: you@yourdomain.com',
      ),
    }),
    region('zoho-eu', 'Zoho Mail (EU data centre, zoho.eu)', 'zoho.eu', {
      domains: ['zoho.eu', 'zohomail.eu'],
      mx: MX_REGIONS,
    }),
    region('zoho-in', 'Zoho Mail (India data centre, zoho.in)', 'zoho.in', {
      domains: ['zoho.in', 'zohomail.in'],
      mx: MX_REGIONS,
      pro: page(
        'https://support.bolddesk.com/kb/article/15603/how-to-configure-imap-in-zoho-mail',
        'Incoming Server Settings (Organization users with a domain-based email address, you@yourdomain.com): Incoming Server Name: imappro.zoho.in',
      ),
    }),
    region('zoho-au', 'Zoho Mail (Australia data centre, zoho.com.au)', 'zoho.com.au', {
      domains: ['zoho.com.au', 'zohomail.com.au'],
      mx: MX_REGIONS,
      pro: page(
        'https://www.smartlead.ai/blog/zoho-imap-settings',
        'For Organization users … Incoming Server Name: imappro.zoho.com.au Port: 993',
      ),
    }),
    region('zoho-jp', 'Zoho Mail (Japan data centre, zoho.jp)', 'zoho.jp', {
      domains: ['zoho.jp', 'zohomail.jp'],
      mx: MX_REGIONS,
    }),
    region('zoho-ca', 'Zoho Mail (Canada data centre, zohocloud.ca)', 'zohocloud.ca', {
      domains: ['zohocloud.ca', 'zohomailcloud.ca'],
      mx: thread(
        'NangoHQ/nango#7295',
        'Zoho documents the Canadian Mail API base URI as `https://mail.zohocloud.ca` and the Canadian Accounts/OAuth server as `https://accounts.zohocloud.ca`.',
      ),
    }),
    {
      id: 'zoho-sa',
      name: 'Zoho Mail (Saudi Arabia data centre, zoho.sa)',
      domains: [],
      mx: [/(^|\.)zoho\.sa$/],
      hosts: [],
      sources: {
        hosts: [
          page(
            ZOHO_DATA_CENTRES,
            'Data Centers and Domain URIs … Saudi Arabia (SA) https://accounts.zoho.sa/ … Each data center only holds the data of users who have registered in that domain.',
          ),
          pull(
            'thunderbird/autoconfig#154',
            'This PR adds support for all except Saudi Arabia. I was unable to get the correct setting for Saudi Arabia',
          ),
        ],
      },
    },
  ],
  greeting: [/Zoho Mail IMAP4rev1 Server/i],
  login: 'app-password-if-2fa',
  causes: ['app-password-if-2fa', 'wrong-region', 'imap-switch', 'plan-without-imap', 'password-typo'],
  appPassword: "your Zoho account's security settings (Application-specific Passwords)",
  appPasswordName: 'application-specific password',
  appPasswordNeeds2fa: true,
  imapSwitch:
    "Zoho Mail → Settings → Mail Accounts → your address → IMAP → IMAP Access (organisations: the admin's email policy must allow IMAP too)",
  adminImap: "Zoho Mail admin: allow IMAP access in the organisation's email policy for the user",
  noImapPlans: 'the free Zoho Mail plan (web access only)',
  refusals: [],
  sources: {
    hosts: [
      thread(
        'zetacomponents/Mail#97',
        "I'm trying to connect to a Zoho IMAP server, (imap.zoho.com.au) … * OK svwall.zoho.com IMAP4 Server (Zoho Mail IMAP4rev1 Server version 1.0)",
      ),
    ],
    login: [
      page(
        ZOHO_IMAP_HELP,
        'Log in to your webmail and Enable IMAP Access for your account before you configure IMAP in the email client. (You might require an Application-specific Password to set up the account for other devices if you have enabled Two-Factor Authentication).',
      ),
      page(
        'https://support.bolddesk.com/kb/article/15603/how-to-configure-imap-in-zoho-mail',
        'If you have activated Two-Factor Authentication for your account, you’ll need to generate and use the Application-specific Password within your IMAP client.',
      ),
    ],
    'app-password': [
      page(
        ZOHO_IMAP_HELP,
        'You might require an Application-specific Password to set up the account for other devices if you have enabled Two-Factor Authentication',
      ),
    ],
    'imap-switch': [
      page(
        ZOHO_IMAP_HELP,
        'To enable IMAP Access for your email account: Login to Zoho Mail Go to Settings Navigate to Mail Accounts and click the respective email address from the left listing. Under the IMAP section, check the IMAP Access box.',
      ),
    ],
    admin: [
      page(
        'https://support.bolddesk.com/kb/article/15603/how-to-configure-imap-in-zoho-mail',
        'For Organization users, verify with your administrator if IMAP Access is allowed based on the organization’s email policies.',
      ),
    ],
    plan: [
      page(
        'https://zoho.com/ar/mail/help/adminconsole/subscription.html',
        'الخطة المجانية باستخدام هذه الخطة، يمكنك إضافة ما يصل إلى 5 مستخدمين إلى المؤسسة واستضافة نطاق واحد مجانًا مع الوصول عبر الويب فقط',
      ),
      pull('ripienaar/free-for-dev#1297', 'Zoho email now webmail only for free account'),
    ],
  },
};
