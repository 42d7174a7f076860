/**
 * Provider entries: Yandex and Mail.ru, QQ Mail and NetEase (163/126/yeah.net), Naver. Rakuten is
 * not here: no public source found names its IMAP settings or login rule.
 */
import type { ProviderEntry } from '../types.js';
import { CHECKED, ispdb, page, thread } from '../sources.js';

const YANDEX_APP_PASSWORDS = 'https://yandex.com/support/passport/authorization/app-passwords.html';

export const yandex: ProviderEntry = {
  id: 'yandex',
  name: 'Yandex Mail',
  checked: CHECKED,
  brands: [
    {
      id: 'yandex',
      name: 'Yandex Mail',
      domains: ['yandex.ru', 'yandex.com', 'yandex.by', 'yandex.kz', 'yandex.ua', 'ya.ru', 'narod.ru'],
      mx: [/(^|\.)yandex\.(net|ru|com)$/],
      hosts: [/^imap\.yandex\.com$/],
      imap: { host: 'imap.yandex.com', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'yandex.ru.xml',
            '<domain>yandex.ru</domain> <domain>yandex.com</domain> <domain>yandex.net</domain> … <domain>ya.ru</domain> <domain>narod.ru</domain> … <hostname>imap.yandex.com</hostname> <port>993</port>',
          ),
        ],
      },
    },
  ],
  greeting: [/Yandex IMAP4rev1 at/i],
  login: 'app-password',
  causes: ['app-password', 'imap-switch', 'app-password-revoked', 'password-typo'],
  appPassword: 'Yandex ID → Account management → Passwords and authorization → App passwords',
  appPasswordNeeds2fa: false,
  imapSwitch: 'Yandex Mail settings → Email clients → allow access with IMAP (https://mail.yandex.com/#setup/client)',
  policy:
    'Yandex: every mail program needs its own app password; with two-factor authentication on, app passwords are mandatory.',
  refusals: [
    {
      reply: 'NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials or IMAP is disabled sc=ebI8JB0ug4Y1_290737_53p',
      finding: 'AUTH_FAILED',
      source: thread(
        'Foundry376/Mailspring#904',
        '* OK Yandex IMAP4rev1 at imap53p.mail.yandex.net:993 ready to talk with … 2 NO [AUTHENTICATIONFAILED] LOGIN Invalid credentials or IMAP is disabled sc=ebI8JB0ug4Y1_290737_53p',
      ),
    },
  ],
  sources: {
    hosts: [
      thread(
        'Foundry376/Mailspring#904',
        '* OK Yandex IMAP4rev1 at imap53p.mail.yandex.net:993 ready to talk with ::ffff:83.171.154.81:39078',
      ),
    ],
    login: [
      page(
        YANDEX_APP_PASSWORDS,
        "When two-factor authentication is enabled, app passwords are required and can't be disabled. You will need to create a separate password for each third-party application or program that requires you to enter your Yandex password. These include: - email clients (Mozilla Thunderbird, Microsoft Outlook, The Bat!, etc.)",
      ),
    ],
    'app-password': [
      page(
        YANDEX_APP_PASSWORDS,
        'Go to Account management. In the Passwords and authorization section, select Enable app passwords. Confirm the action and click Create new password.',
      ),
    ],
    revocation: [
      page(
        YANDEX_APP_PASSWORDS,
        'All application passwords that you created get reset in the following cases: - You change a password (with two-factor authentication disabled) - You enable or disable two-factor authentication',
      ),
    ],
    'imap-switch': [
      ispdb(
        'yandex.ru.xml',
        '<enable visiturl="http://mail.yandex.ru/neo/setup_client"> <instruction>Check \'Enable IMAP\' on Yandex.Mail setup page</instruction>',
      ),
      thread(
        'Foundry376/Mailspring#2111',
        'Can you visit https://mail.yandex.com/#setup/client and make sure you\'ve checked "enable IMAP" on that screen? You may also need to create an app password',
      ),
    ],
  },
};

const MAILRU_REFUSAL =
  'NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Aplication password is REQUIRED';

export const mailru: ProviderEntry = {
  id: 'mailru',
  name: 'Mail.ru',
  checked: CHECKED,
  brands: [
    {
      id: 'mailru',
      name: 'Mail.ru',
      domains: ['mail.ru', 'inbox.ru', 'list.ru', 'bk.ru'],
      mx: [/(^|\.)mail\.ru$/],
      hosts: [/^imap\.mail\.ru$/],
      imap: { host: 'imap.mail.ru', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'mail.ru.xml',
            '<domain>mail.ru</domain> <domain>inbox.ru</domain> <domain>list.ru</domain> <domain>bk.ru</domain> … <hostname>imap.mail.ru</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
      },
    },
  ],
  greeting: [],
  login: 'app-password',
  causes: ['app-password', 'password-typo'],
  appPassword: 'https://help.mail.ru/mail/security/protection/external',
  appPasswordName: 'application password',
  appPasswordNeeds2fa: false,
  policy:
    'Mail.ru accepts only application passwords from mail programs (the server says "… password is REQUIRED"); two-factor authentication is no longer needed to create one.',
  refusals: [
    {
      reply: `NO ${MAILRU_REFUSAL}`,
      finding: 'AUTH_APP_PASSWORD_REQUIRED',
      source: thread(
        'thunderbird/thunderbird-android#9069',
        `The server returned following message: >NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Aplication password is REQUIRED`,
      ),
      note: 'The thread quotes the text as the app showed it, without the response code.',
    },
  ],
  sources: {
    login: [
      thread(
        'pozitronik/CloudMailRu#317',
        'Судя по всему, теперь единственный работающий способ авторизации на сервисах mail.ru — это пароли приложений. … При этом поддержка 2FA больше не требуется',
      ),
      thread(
        'thunderbird/thunderbird-android#9069',
        'password field shows up, so I enter my correct password … The server returned following message: >NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Aplication password is REQUIRED',
      ),
    ],
    'app-password': [
      thread(
        'thunderbird/thunderbird-android#9069',
        'NEOBHODIM parol prilozheniya https://help.mail.ru/mail/security/protection/external / Aplication password is REQUIRED',
      ),
    ],
  },
};

const QQ_REFUSAL =
  'Please using authorized code to login. More information at http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256';

export const qq: ProviderEntry = {
  id: 'qq',
  name: 'QQ Mail (Tencent)',
  checked: CHECKED,
  brands: [
    {
      id: 'qq',
      name: 'QQ Mail',
      domains: ['qq.com'],
      mx: [/(^|\.)qq\.com$/],
      hosts: [/^imap\.qq\.com$/],
      imap: { host: 'imap.qq.com', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'qq.com.xml',
            '<domain>qq.com</domain> … <hostname>imap.qq.com</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
      },
    },
  ],
  greeting: [/QQMail IMAP4Server ready/i],
  login: 'authorization-code',
  causes: ['authorization-code', 'imap-switch', 'password-typo'],
  appPassword:
    'http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256 (the help page QQ Mail names in its refusal)',
  appPasswordName: 'authorization code (授权码)',
  appPasswordNeeds2fa: false,
  imapSwitch: 'QQ Mail web settings: switch the IMAP/SMTP service on and create its authorization code',
  refusals: [
    {
      reply: `NO ${QQ_REFUSAL}`,
      finding: 'AUTH_APP_PASSWORD_REQUIRED',
      source: thread('pandolia/qqbot#139', `[WARNING] 查询邮箱 **********@qq.com 中的邮件失败 ${QQ_REFUSAL}`),
      note: 'The thread quotes the text as logged by the app (wrapped after "usi"), without the status and response code.',
    },
  ],
  sources: {
    hosts: [
      thread(
        'MailCore/mailcore2#1332',
        '* OK [CAPABILITY IMAP4 IMAP4rev1 IDLE XAPPLEPUSHSERVICE ID UIDPLUS AUTH=LOGIN NAMESPACE] QQMail IMAP4Server ready',
      ),
    ],
    login: [
      thread('pandolia/qqbot#139', '看这个错误信息，应该是授权码不对的原因。需要提供开通 smtp/imap 服务的授权码。'),
      thread(
        'louislam/uptime-kuma#3434',
        'Error: Invalid login: 535 Login Fail. Please enter your authorization code to login. More information in http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256',
      ),
    ],
    'app-password': [
      thread(
        'pandolia/qqbot#221',
        '这个错误信息的链接里面有设置授权码的方法。 http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=28&&no=1001256',
      ),
    ],
    'imap-switch': [thread('shuakami/mcp-mail#7', '请您检查是否已经开启IMAP/SMTP设置，以及授权码是否正确。')],
  },
};

export const netease: ProviderEntry = {
  id: 'netease',
  name: 'NetEase Mail (163 / 126 / yeah.net)',
  checked: CHECKED,
  brands: (
    [
      ['163', '163.com'],
      ['126', '126.com'],
      ['yeah', 'yeah.net'],
    ] as const
  ).map(([id, d]) => ({
    id: `netease-${id}`,
    name: `NetEase ${d}`,
    domains: [d],
    mx: [new RegExp(`(^|\\.)${d.replace('.', '\\.')}$`)],
    hosts: [new RegExp(`^imap\\.${d.replace('.', '\\.')}$`)],
    imap: { host: `imap.${d}`, port: 993, security: 'tls' as const },
    sources: {
      hosts: [
        ispdb(
          `${d}.xml`,
          `<domain>${d}</domain> … <hostname>imap.${d}</hostname> <port>993</port> <socketType>SSL</socketType>`,
        ),
      ],
    },
  })),
  // Not the bare "Coremail" greeting: organisations run Coremail themselves; the host names it.
  greeting: [],
  login: 'authorization-code',
  causes: ['authorization-code', 'imap-switch', 'password-typo'],
  appPassword: 'the NetEase mail web settings (POP3/SMTP/IMAP), where the authorization code is created',
  appPasswordName: 'authorization code',
  appPasswordNeeds2fa: false,
  imapSwitch: 'NetEase mail web settings → POP3/SMTP/IMAP: switch the IMAP service on',
  refusals: [],
  sources: {
    login: [
      thread(
        'pimalaya/himalaya#656',
        'Provider: NetEase 163 (`@163.com`) IMAP server: `imap.163.com` … Authentication: authorization code / app password',
      ),
      thread(
        'chatmail/provider-db#236',
        'following preparations from the provider side … - [x] setting a per-app password',
      ),
    ],
    'app-password': [
      thread(
        'smiley22/S22.Imap#167',
        'I started the stamp service in the mailbox settings, and the authorization code was also set.',
      ),
    ],
    'imap-switch': [
      thread(
        'smiley22/S22.Imap#167',
        'I started the stamp service in the mailbox settings, and the authorization code was also set.',
      ),
    ],
  },
};

export const naver: ProviderEntry = {
  id: 'naver',
  name: 'Naver Mail',
  checked: CHECKED,
  brands: [
    {
      id: 'naver',
      name: 'Naver Mail',
      domains: ['naver.com'],
      mx: [],
      hosts: [/^imap\.naver\.com$/],
      imap: { host: 'imap.naver.com', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'naver.com.xml',
            '<domain>naver.com</domain> … <hostname>imap.naver.com</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
      },
    },
  ],
  greeting: [],
  login: 'app-password',
  causes: ['app-password', 'password-typo'],
  appPassword: 'your Naver account security settings (application passwords, after 2-step verification is set up)',
  appPasswordNeeds2fa: true,
  policy:
    'Naver requires an application-specific password for third-party mail apps, and that in turn requires 2-step verification on the Naver account.',
  refusals: [],
  sources: {
    login: [
      page(
        'https://10wontips.blogspot.com/2025/08/update-your-naver-mail-password-to.html',
        "Naver now requires an application specific password for these 3rd party apps to access Naver Mail, which in turn requires you to enable 2-factor authentication on your Naver account. … You can't use your normal Naver password anymore to get your Naver e-mails outside Naver.",
      ),
    ],
    'app-password': [
      page(
        'https://10wontips.blogspot.com/2025/08/update-your-naver-mail-password-to.html',
        "You need to generate a new extra password that you'll use just for that one app. You can do that inside your Naver account settings.",
      ),
    ],
  },
};
