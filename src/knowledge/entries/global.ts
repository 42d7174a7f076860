/**
 * Provider entries: Google, Microsoft, Yahoo/AOL, iCloud, Fastmail and Proton. Every rule carries
 * the public source it was read from (quoted as found); a rule no source backs is left out.
 */
import type { ProviderEntry } from '../types.js';
import { CHECKED, ispdb, page, pull, thread } from '../sources.js';

const GOOGLE_LSA = 'https://support.google.com/a/answer/14114704';
const GOOGLE_APP_PASSWORDS = 'https://support.google.com/accounts/answer/185833';

export const google: ProviderEntry = {
  id: 'google',
  name: 'Google (Gmail / Google Workspace)',
  checked: CHECKED,
  brands: [
    {
      id: 'gmail',
      name: 'Gmail / Google Workspace',
      domains: ['gmail.com', 'googlemail.com'],
      mx: [/(^|\.)google\.com$/, /(^|\.)googlemail\.com$/],
      hosts: [/^imap\.gmail\.com$/],
      imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'googlemail.com.xml',
            '<domain>gmail.com</domain> <domain>googlemail.com</domain> <domain>google.com</domain> … <hostname>imap.gmail.com</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
      },
    },
  ],
  greeting: [/Gimap ready for requests from/i],
  login: 'app-password',
  causes: ['app-password', 'app-password-revoked', 'admin-policy', 'password-typo'],
  appPassword: 'https://myaccount.google.com/apppasswords',
  appPasswordNeeds2fa: true,
  imapAlwaysOn: 'Personal Gmail accounts have had no IMAP switch since January 2025: IMAP is always on.',
  adminImap: 'Admin console → Apps → Google Workspace → Gmail → End User Access',
  policy:
    'Google accepts no account password from mail apps: personal accounts since 30 May 2022, Google Workspace since 14 March 2025 (final cutoff 1 May 2025). App passwords (which need 2-Step Verification) and "Sign in with Google" still work.',
  oauthScope: 'https://mail.google.com/',
  refusals: [
    {
      reply:
        'NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)',
      finding: 'AUTH_APP_PASSWORD_REQUIRED',
      source: thread(
        'LukeSmithxyz/mutt-wizard#831',
        "IMAP command 'LOGIN <user> <pass>' returned an error: NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
      ),
    },
    {
      reply: 'NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)',
      finding: 'AUTH_FAILED',
      source: thread(
        'andreiaugustin/gmail_extractor#4',
        "error: b'[AUTHENTICATIONFAILED] Invalid credentials (Failure)' … I get the same error when entering an incorrect password",
      ),
    },
  ],
  sources: {
    hosts: [
      thread(
        'MailCore/mailcore2#1332',
        'event logged:… withData: * OK Gimap ready for requests from 2.110.13.79 5mb77833782lfi',
      ),
    ],
    login: [
      page(
        GOOGLE_LSA,
        'Starting March 14, 2025, you and your users must use OAuth with third-party apps to access Gmail, Google Calendar, and Google Contacts. … You will no longer use a password for access (with the exception of app passwords).',
        'https://github.com/warmbly/warmbly/pull/594',
      ),
      page(
        'https://nanopo.st/reference/lsa-app-passwords-2026/',
        'Google removed LSA from consumer Google Accounts on 30 May 2022 … final shutdown was 1 May 2025: “Starting May 1, 2025, Google Workspace accounts no longer support less secure apps, third-party apps, or devices that ask you to sign in to your Google Account with your username and password”',
      ),
    ],
    'app-password': [
      pull(
        'chatmail/provider-db#299',
        'For Gmail accounts, you need to create an app-password and have "2-Step Verification" enabled. … this link may be helpful here as well, it was hard to find even for me: https://myaccount.google.com/apppasswords',
      ),
      page(
        GOOGLE_APP_PASSWORDS,
        "If you've set up 2-Step Verification but can't find the option to add an app password, it might be because: … You're logged into a work, school, or another organization account. - Your Google Account has Advanced Protection.",
        'https://github.com/warmbly/warmbly/pull/577',
      ),
    ],
    revocation: [
      page(
        GOOGLE_APP_PASSWORDS,
        'App passwords revoked after password change To help protect your account, we revoke your app passwords when you change your Google Account password.',
        'https://github.com/warmbly/warmbly/pull/577',
      ),
    ],
    'imap-switch': [
      page(
        GOOGLE_LSA,
        'Users will not be able to turn IMAP on or off in their Gmail settings.',
        'https://github.com/warmbly/warmbly/pull/577',
      ),
      page(
        'https://note.cloudywing.net/en/%E4%BD%BF%E7%94%A8%E6%87%89%E7%94%A8%E7%A8%8B%E5%BC%8F%E5%AF%86%E7%A2%BC%E9%80%8F%E9%81%8E%20IMAP%20%E5%AD%98%E5%8F%96%20Gmail',
        'according to the official documentation on Adding Gmail to other email clients: Starting in January 2025, the "Enable IMAP" or "Disable IMAP" options will no longer be available. Gmail will always have IMAP access enabled',
      ),
    ],
    admin: [
      page(
        'https://onadiko.com/Guide-to-Disabling-IMAP-in-Gmail--Detailed-Steps-for-Google-Admins',
        'Locate ‘Apps’ and click on it. … Under the ‘Apps’ section, click on ‘Gmail » End User Access’.',
      ),
      page(
        'http://workspaceupdates.googleblog.com/2021/03/enhanced-admin-controls-for-gmail-imap.html?m=1',
        'You can now enable Gmail IMAP and Gmail POP separately and enable access via IMAP on a per-app basis in the Admin console.',
      ),
    ],
    oauth: [
      thread(
        'jberkel/sms-backup-plus#959',
        '> Yes, because IMAP and SMTP usage require using https://mail.google.com/, you will need to submit your app for the restricted scope verification. … https://support.google.com/cloud/answer/9110914#enterprise-imap-or-smtp',
      ),
    ],
  },
};

const MS_OUTLOOK_SETTINGS =
  'https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353';
const MS_OUTLOOK_SETTINGS_COPY =
  'https://hqproductreviews.com?arsae=https%3A%2F%2Fsupport.microsoft.com%2Fen-us%2Foffice%2Fpop-imap-and-smtp-settings-8361e398-8af4-4e97-b147-6c6c4ac95353';
const MS_OAUTH_IMAP =
  'https://learn.microsoft.com/ja-jp/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth';

export const microsoft: ProviderEntry = {
  id: 'microsoft',
  name: 'Microsoft (Outlook.com / Microsoft 365)',
  checked: CHECKED,
  brands: [
    {
      id: 'outlook',
      name: 'Outlook.com (personal Microsoft account)',
      domains: [
        'outlook.com',
        'hotmail.com',
        'live.com',
        'msn.com',
        'windowslive.com',
        'outlook.de',
        'outlook.fr',
        'outlook.it',
        'outlook.es',
      ],
      mx: [/(^|\.)olc\.protection\.outlook\.com$/],
      hosts: [/^outlook\.office365\.com$/],
      imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      imapSwitch: 'Outlook.com → Settings → Mail → Forwarding and IMAP → "Let devices and apps use IMAP"',
      policy:
        'Outlook.com requires OAuth 2 ("Modern Auth"): password ("basic") sign-in stopped working in non-Microsoft mail apps on 16 September 2024, and app passwords do not help.',
      sources: {
        hosts: [
          ispdb(
            'hotmail.com.xml',
            '<domain>hotmail.com</domain> <domain>live.com</domain> <domain>msn.com</domain> <domain>outlook.com</domain> <domain>windowslive.com</domain> … <domain>olc.protection.outlook.com</domain> … <hostname>outlook.office365.com</hostname>',
          ),
          page(
            MS_OUTLOOK_SETTINGS,
            'IMAP server outlook.office365.com IMAP port 993 IMAP encryption SSL/TLS Authentication Method OAuth2/Modern Auth',
            MS_OUTLOOK_SETTINGS_COPY,
          ),
        ],
        'imap-switch': [
          page(
            MS_OUTLOOK_SETTINGS,
            'POP & IMAP access is disabled by default. … Select Settings > Mail > Forwarding and IMAP. Under POP and IMAP, toggle the slider for … Let devices and apps use IMAP to ON',
            MS_OUTLOOK_SETTINGS_COPY,
          ),
        ],
        login: [
          page(
            MS_OUTLOOK_SETTINGS,
            'Outlook.com requires the use of Modern Auth / OAuth2. Basic auth is in the process of being deprecated from the Outlook.com service.',
            MS_OUTLOOK_SETTINGS_COPY,
          ),
          thread(
            'huacnlee/omamail#31',
            'For a personal outlook.com / hotmail / live / msn account, basic authentication stopped working for non-Microsoft mail apps on **16 September 2024**: > "If you use a non-Microsoft email app… you\'ll need to update your settings to use a modern authentication method."',
          ),
        ],
      },
    },
    {
      id: 'm365',
      name: 'Microsoft 365 (Exchange Online)',
      domains: ['onmicrosoft.com'],
      mx: [/\.mail\.protection\.outlook\.com$/],
      hosts: [/^outlook\.office365\.com$/],
      imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
      policy:
        'Microsoft turned password ("basic") sign-in for IMAP off in all Microsoft 365 tenants from October 2022, and since the end of 2022 nobody can turn it back on; only OAuth 2 works.',
      sources: {
        hosts: [
          ispdb(
            'office365.com.xml',
            '<domain>office365.com</domain> <domain>onmicrosoft.com</domain> <domain>mail.protection.outlook.com</domain> … <hostname>outlook.office365.com</hostname>',
          ),
        ],
        login: [
          thread(
            'huacnlee/omamail#31',
            '"Basic authentication is now disabled in all tenants. Before December 31, 2022, you could re-enable the affected protocols… Now no one (you or Microsoft support) can re-enable Basic authentication in your tenant."',
          ),
          page(
            'https://github.com/wikihacker/basic-authentication-reporting',
            'Effective October 1, 2022, Microsoft will begin to permanently disable Basic Auth in all tenants, regardless of usage',
          ),
        ],
      },
    },
  ],
  greeting: [/Microsoft Exchange IMAP4 service is ready\.\s*\[[A-Za-z0-9+/=]+\]/i],
  login: 'oauth',
  causes: ['oauth-only', 'imap-switch', 'admin-policy', 'password-typo'],
  imapSwitch:
    'Outlook.com: Settings → Mail → Forwarding and IMAP; Microsoft 365: the admin enables IMAP for the mailbox',
  adminImap:
    'Microsoft 365 admin: enable IMAP for the mailbox (Microsoft Learn: "Enable or disable POP3 or IMAP4 access for a user")',
  policy:
    'Microsoft turned password ("basic") sign-in for IMAP off (Microsoft 365 tenants from October 2022, personal Outlook.com accounts from 16 September 2024); only OAuth 2 works.',
  oauthScope: 'https://outlook.office.com/IMAP.AccessAsUser.All',
  refusals: [
    {
      reply: 'NO LOGIN failed.',
      finding: 'AUTH_OAUTH_REQUIRED',
      source: thread(
        'paperless-ngx/paperless-ngx#1647',
        'On tenants that have basic auth already disabled, the following error appears in paperless-ngx: imap_tools.errors.MailboxLoginError: Response status "OK" expected, but "NO" received. Data: [b\'LOGIN failed.\']',
      ),
      note: 'Reported when the server is recognised (host name or greeting); from MX evidence alone it is AUTH_FAILED with OAuth ranked first.',
    },
    {
      reply: 'NO Basic authentication is disabled.',
      finding: 'AUTH_OAUTH_REQUIRED',
      source: thread(
        'holon-run/uxc#445',
        'a1 LOGIN jolestar@hotmail.com *** a1 NO Basic authentication is disabled. * BYE Microsoft Exchange Server IMAP4 server signing off.',
      ),
    },
  ],
  sources: {
    hosts: [
      thread(
        'imapsync/imapsync#317',
        'Host2 banner: * OK The Microsoft Exchange IMAP4 service is ready. [TABPADQAUAAxADIAMwBDAEEAMAAyADMAMwAuAEcAQgBSAFAAMQAyADMALgBQAFIATwBEAC4ATwBVAFQATABPAE8ASwAuAEMATwBNAA==]',
      ),
    ],
    login: [
      thread(
        'huacnlee/omamail#31',
        'For a personal outlook.com / hotmail / live / msn account, basic authentication stopped working for non-Microsoft mail apps on **16 September 2024** … "Basic authentication is now disabled in all tenants."',
      ),
      page(MS_OUTLOOK_SETTINGS, 'Outlook.com requires the use of Modern Auth / OAuth2.', MS_OUTLOOK_SETTINGS_COPY),
    ],
    'imap-switch': [
      page(
        MS_OUTLOOK_SETTINGS,
        'Select Settings > Mail > Forwarding and IMAP. Under POP and IMAP, toggle the slider for … Let devices and apps use IMAP to ON',
        MS_OUTLOOK_SETTINGS_COPY,
      ),
      thread(
        'imapsync/imapsync#368',
        'IMAP access to Office365 account is not always allowed by default so it has to be allowed in the server configuration part.',
      ),
    ],
    admin: [
      thread(
        'imapsync/imapsync#368',
        'IMAP access to Office365 account is not always allowed by default so it has to be allowed in the server configuration part. https://docs.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/pop3-and-imap4/enable-or-disable-pop3-or-imap4-access',
      ),
    ],
    oauth: [
      page(
        MS_OAUTH_IMAP,
        'プロトコル アクセス許可のスコープの文字列 IMAP https://outlook.office.com/IMAP.AccessAsUser.All … Microsoft 365 (Office on the webを含む) と Outlook.com ユーザーの両方で使用できます',
      ),
    ],
  },
};

const YAHOO_HELP = 'https://help.yahoo.com/kb/generate-manage-rd-party-passwords-sln15241.html';
const YAHOO_HELP_COPY =
  'http://www.yansite.jp/osaka2.cgi?URL=https%3A%2F%2Fhelp.yahoo.com%2Fkb%2Fgenerate-manage-rd-party-passwords-sln15241.html';
const AOL_HELP = 'https://help.aol.com/articles/Create-and-manage-app-password';

export const yahoo: ProviderEntry = {
  id: 'yahoo',
  name: 'Yahoo / AOL Mail',
  checked: CHECKED,
  brands: [
    {
      // Before Yahoo: AOL's MX (mail.gm0.yahoodns.net) is inside yahoodns.net too.
      id: 'aol',
      name: 'AOL Mail',
      domains: [
        'aol.com',
        'aim.com',
        'netscape.net',
        'compuserve.com',
        'cs.com',
        'aol.de',
        'aol.fr',
        'aol.it',
        'aol.es',
        'aol.co.uk',
      ],
      mx: [/(^|\.)gm0\.yahoodns\.net$/],
      hosts: [/^imap\.aol\.com$/],
      imap: { host: 'imap.aol.com', port: 993, security: 'tls' },
      appPassword: 'https://login.aol.com/account/security',
      sources: {
        hosts: [
          ispdb(
            'aol.com.xml',
            '<domain>aol.com</domain> <domain>aim.com</domain> … <domain>mail.gm0.yahoodns.net</domain> … <incomingServer type="imap"> <hostname>imap.aol.com</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
        'app-password': [
          page(
            AOL_HELP,
            "To access your AOL Mail account on these apps, you'll need to generate and use an app password. … Sign in to your AOL Account Security page. Click Generate app password or Generate and manage app passwords.",
          ),
          page(
            'https://www.sysinfotools.com/how-to/generate-app-password-in-aol.html',
            'Step 1: Use: https://login.aol.com/account/security. Sign in using your AOL account credentials.',
          ),
        ],
      },
    },
    {
      id: 'yahoo',
      name: 'Yahoo Mail',
      domains: [
        'yahoo.com',
        'ymail.com',
        'rocketmail.com',
        'myyahoo.com',
        'yahoo.co.uk',
        'yahoo.de',
        'yahoo.fr',
        'yahoo.it',
        'yahoo.es',
        'yahoo.ca',
        'yahoo.com.au',
      ],
      mx: [/(^|\.)yahoodns\.net$/],
      hosts: [/^imap\.mail\.yahoo\.com$/],
      imap: { host: 'imap.mail.yahoo.com', port: 993, security: 'tls' },
      appPassword: 'https://login.yahoo.com/account/security',
      sources: {
        hosts: [
          ispdb(
            'yahoo.com.xml',
            '<domain>yahoo.com</domain> … <domain>ymail.com</domain> … <domain>mail.am0.yahoodns.net</domain> <domain>am0.yahoodns.net</domain> <!-- Unfortunately, also used for AOL :-( --> <domain>yahoodns.net</domain> … <incomingServer type="imap"> <hostname>imap.mail.yahoo.com</hostname> <port>993</port>',
          ),
        ],
        'app-password': [
          page(
            YAHOO_HELP,
            'Sign in to your Yahoo Account Security page. Under "External connections," click Create app password.',
            YAHOO_HELP_COPY,
          ),
        ],
      },
    },
  ],
  greeting: [/imapgate/i],
  capabilities: ['AUTH=XYMCOOKIE'],
  login: 'app-password',
  causes: ['app-password', 'password-typo', 'username-form'],
  appPasswordNeeds2fa: false,
  policy:
    'Yahoo and AOL: third-party mail apps that do not use their own sign-in page need an app password, whether or not two-step verification is on. Create it in a browser you have used to sign in for several days in a row.',
  refusals: [
    {
      reply: 'NO [AUTHENTICATIONFAILED] (#MBR1212) Incorrect username or password.',
      finding: 'AUTH_FAILED',
      source: thread(
        'RainLoop/rainloop-webmail#1354',
        'IMAP[DATA]: < TAG1 NO [AUTHENTICATIONFAILED] (#MBR1212) Incorrect username or password.',
      ),
    },
  ],
  sources: {
    hosts: [
      thread(
        'RainLoop/rainloop-webmail#1354',
        'Start connection to "ssl://imap.mail.yahoo.com:993" … * OK [CAPABILITY IMAP4rev1 ID MOVE … AUTH=PLAIN AUTH=LOGIN AUTH=XOAUTH2 AUTH=XYMCOOKIE AUTH=XYMECOOKIE AUTH=XYMCOOKIEB64 AUTH=XYMPKI] IMAP4rev1 imapgate-1.8.1_01.20166',
      ),
    ],
    login: [
      page(
        YAHOO_HELP,
        "Third-party email apps (that do not use our Yahoo branded sign-in page) require you to enter a single password for login credentials. To access your Yahoo Mail account on these apps, you'll need to generate and use an app password.",
        YAHOO_HELP_COPY,
      ),
      page(
        AOL_HELP,
        "Third-party email apps (that do not use our AOL Mail branded sign-in page) require you to enter a single password for login credentials. To access your AOL Mail account on these apps, you'll need to generate and use an app password.",
      ),
    ],
    'app-password': [
      page(
        YAHOO_HELP,
        "When creating an app password, use a browser that you've used to sign into Yahoo for several days in a row and avoid using Incognito mode. … App passwords remain active - even if you change your main account password.",
        YAHOO_HELP_COPY,
      ),
    ],
  },
};

const APPLE_ASP = 'https://support.apple.com/102654';

export const icloud: ProviderEntry = {
  id: 'icloud',
  name: 'iCloud Mail',
  checked: CHECKED,
  brands: [
    {
      id: 'icloud',
      name: 'iCloud Mail',
      domains: ['icloud.com', 'me.com', 'mac.com'],
      mx: [/(^|\.)icloud\.com$/],
      hosts: [/^imap\.mail\.me\.com$/],
      imap: { host: 'imap.mail.me.com', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'me.com.xml',
            '<domain>mac.com</domain> <domain>me.com</domain> <domain>icloud.com</domain> … <incomingServer type="imap"> <hostname>imap.mail.me.com</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
      },
    },
  ],
  greeting: [/iSCREAM ready to rumble/i],
  // AUTH=ATOKEN only: XAPPLEPUSHSERVICE is also what Dovecot's push plugin (xaps) advertises.
  capabilities: ['AUTH=ATOKEN'],
  login: 'app-password',
  causes: ['app-password', 'app-password-revoked', 'username-form', 'password-typo'],
  appPassword: 'https://account.apple.com (Sign-In and Security → App-Specific Passwords)',
  appPasswordName: 'app-specific password',
  appPasswordNeeds2fa: true,
  policy:
    'iCloud Mail does not accept the Apple Account password in mail apps; it takes an app-specific password (which needs two-factor authentication). Supported third-party apps can instead be authorized with the Apple Account itself.',
  refusals: [
    {
      reply: 'NO [AUTHENTICATIONFAILED] Authentication failed',
      finding: 'AUTH_FAILED',
      source: thread(
        'lefcha/imapfilter#125',
        'C (3): 1001 LOGIN "damien" * S (3): 1001 NO [AUTHENTICATIONFAILED] Authentication failed',
      ),
    },
  ],
  sources: {
    hosts: [
      thread(
        'lefcha/imapfilter#125',
        'S (3): * OK [CAPABILITY st11p00mm-iscream022 15E205 XAPPLEPUSHSERVICE IMAP4 IMAP4rev1 SASL-IR AUTH=ATOKEN AUTH=PLAIN] iSCREAM ready to rumble (15E205-0982aaf890fd:18514)',
      ),
      thread(
        'st3fan/dovecot-xaps-plugin#12',
        '* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE XAPPLEPUSHSERVICE AUTH=CRAM-MD5 AUTH=PLAIN AUTH=LOGIN AUTH=DIGEST-MD5] Dovecot ready.',
      ),
    ],
    login: [
      page(
        APPLE_ASP,
        'To generate and use app-specific passwords, your Apple Account must be protected with two-factor authentication. For supported third-party apps that access your iCloud Mail, Calendar, and Contacts, you can authorize the app using your Apple Account instead of using an app-specific password.',
        'https://support.apple.com/ms-my/102654',
      ),
    ],
    'app-password': [
      page(
        APPLE_ASP,
        'Sign in to your Apple Account on account.apple.com. In the Sign-In and Security section, select App-Specific Passwords.',
        'https://support.apple.com/en-in/102654',
      ),
    ],
    revocation: [
      page(
        APPLE_ASP,
        'Any time you change or reset your primary Apple Account password, all of your app-specific passwords are revoked automatically',
        'https://support.apple.com/en-in/102654',
      ),
    ],
  },
};

const FASTMAIL_APP_PASSWORDS = 'https://www.fastmail.com/help/clients/apppassword.html';

export const fastmail: ProviderEntry = {
  id: 'fastmail',
  name: 'Fastmail',
  checked: CHECKED,
  brands: [
    {
      id: 'fastmail',
      name: 'Fastmail',
      domains: [],
      mx: [/(^|\.)messagingengine\.com$/],
      hosts: [/^imap\.fastmail\.com$/, /^mail\.messagingengine\.com$/],
      imap: { host: 'imap.fastmail.com', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'messagingengine.com.xml',
            '<domain>messagingengine.com</domain> <displayName>Fastmail</displayName> … <incomingServer type="imap"> <hostname>imap.fastmail.com</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
          page(
            'https://www.fastmail.com/help/technical/servernamesandports.html',
            'IMAP | Server | imap.fastmail.com | Port | 993 | … | Password | Your app-specific password. You cannot use your regular Fastmail password.',
          ),
          thread(
            'jberkel/sms-backup-plus#688',
            'Server address: mail.messagingengine.com:993 Security: SSL … Password: (app-specific password that was setup specifically for SMS Backup+)',
          ),
        ],
      },
    },
  ],
  greeting: [],
  login: 'app-password',
  causes: ['app-password', 'app-password-scope', 'plan-without-imap', 'password-typo'],
  appPassword: 'the Fastmail web interface: Settings → Privacy & Security → Integrations → New App Password',
  appPasswordNeeds2fa: false,
  noImapPlans: 'Fastmail Basic plans',
  policy:
    'Fastmail: every mail app needs its own app password; the normal password (or the two-step verification password) gives a password error.',
  storageLimit:
    'Fastmail mail storage is 2 GB on Basic, 30 GB on Standard and 100 GB on Professional plans; over it, incoming mail is refused with a temporary error, and after a week with a permanent one.',
  refusals: [
    {
      reply: 'NO Incorrect username or password.',
      finding: 'AUTH_FAILED',
      source: thread(
        'Foundry376/Mailspring#2217',
        '* OK IMAP4 ready ssl connect imap.fastmail.com 993 … 2 LOGIN "hugo@barrera.io" ********* 2 NO Incorrect username or password.',
      ),
    },
  ],
  sources: {
    'storage-limit': [
      page(
        'https://www.fastmail.com/help/account/limits.html',
        'Basic Standard Professional Mail storage 2GB 30GB 100GB … If you go over your mail storage quota, any further mail sent to your account will be temporarily bounced with a 4xx code. … If your account remains over storage quota for a week, we will change to returning 5xx permanent error messages.',
      ),
    ],
    login: [
      page(
        FASTMAIL_APP_PASSWORDS,
        "Every third-party program or app needs its own app password to access your information. … If you use your normal password or your Fastmail two-step verification password on an external account, syncing to an external service won't work and you will see a password error.",
      ),
    ],
    'app-password': [
      page(
        FASTMAIL_APP_PASSWORDS,
        'Log in to the Fastmail web interface and go to the Settings → Privacy & Security screen. Click on the Integrations tab at the top of the screen. Click New App Password. … The default setting Mail, Contacts & Calendars gives access to your mail (IMAP/POP/SMTP)',
      ),
    ],
    plan: [
      page(
        FASTMAIL_APP_PASSWORDS,
        'Users on a Basic plan will not be able to use Fastmail on third-party mail clients or create app passwords, as Basic plans do not include access to IMAP, SMTP, CalDAV, or CardDAV.',
      ),
    ],
  },
};

const PROTON_BRIDGE_FAQ = 'https://proton.me/support/protonmail-bridge-faq';

export const proton: ProviderEntry = {
  id: 'proton',
  name: 'Proton Mail',
  checked: CHECKED,
  brands: [
    {
      id: 'proton',
      name: 'Proton Mail',
      domains: ['proton.me', 'protonmail.com'],
      mx: [/(^|\.)protonmail\.ch$/],
      hosts: [],
      imap: { host: '127.0.0.1', port: 1143, security: 'starttls' },
      sources: {
        hosts: [
          page(
            'https://domaincheckup.net/domain/proton.me',
            'proton.me … Mail servers Preference 10 Hostname mail.protonmail.ch … Preference 20 Hostname mailsec.protonmail.ch',
          ),
          page(
            'https://protonmail.com/bridge/faq',
            'When settings up your email client (such as Thunderbird, Outlook, AppleMail), you must use your Bridge Password, not your normal ProtonMail account password.',
          ),
          page(
            'https://mailboxtaxi.com/troubleshooting/fix-protonmail-bridge-connection',
            'The migration job points at 127.0.0.1:1143, the credentials match what Bridge displays … Bridge must be running and signed in',
          ),
        ],
      },
    },
  ],
  greeting: [],
  login: 'bridge',
  causes: ['bridge-password', 'plan-without-imap', 'password-typo'],
  appPassword: 'Proton Mail Bridge → the account → Mailbox details',
  appPasswordName: 'Bridge password',
  noImapPlans: 'free Proton accounts (Bridge is for paid plans)',
  policy:
    'Proton Mail has no public IMAP server: mail apps connect to Proton Mail Bridge on this computer (127.0.0.1:1143, STARTTLS) with the password Bridge shows, not the Proton account password.',
  refusals: [],
  sources: {
    login: [
      page(
        PROTON_BRIDGE_FAQ,
        'When setting up your email client, you must use your Proton Mail Bridge password, not your normal Proton Account password.',
      ),
      page(
        'https://mailboxtaxi.com/troubleshooting/fix-protonmail-bridge-connection',
        'exposing a normal IMAP/SMTP interface on the loopback address … The migration job points at 127.0.0.1:1143',
      ),
    ],
    'app-password': [
      page(
        PROTON_BRIDGE_FAQ,
        'Your Proton Mail Bridge password can be found in the Mailbox details section of the app.',
      ),
    ],
    plan: [
      page(PROTON_BRIDGE_FAQ, 'Proton Mail Bridge is available for all paid users on Windows, macOS, and Linux.'),
      page(
        'https://mailboxtaxi.com/troubleshooting/fix-protonmail-bridge-connection',
        "Free Proton accounts don't get Bridge; only paid plans",
      ),
    ],
  },
};
