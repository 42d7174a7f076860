/**
 * Provider entries: GMX and WEB.DE (United Internet), T-Online, Orange, Libero and Seznam. Orange
 * and Libero carry their hosts only: no public source found says more about their login.
 */
import type { Brand, ProviderEntry } from '../types.js';
import { CHECKED, ispdb, page, pull, thread } from '../sources.js';

const GMX_OFF = thread(
  'jens-maus/yam#638',
  'Die für die E-Mail Programme benötigten Protokolle POP3/IMAP/SMTP sind standardmäßig zu Ihrer Sicherheit deaktiviert. … Auch wenn Sie Ihr GMX Postfach bereits in ein E-Mail Programm eingebunden haben, dieses aber längere Zeit nicht genutzt haben, werden die Protokolle deaktiviert.',
);
const ENABLE_ONCE =
  'Sie müssen einmalig den Zugriff über POP3 &amp; IMAP in den E-Mail-Einstellungen Ihres Kontos erlauben!';

export const gmx: ProviderEntry = {
  id: 'gmx',
  name: 'GMX / WEB.DE (United Internet)',
  checked: CHECKED,
  brands: [
    {
      id: 'gmx-net',
      name: 'GMX (gmx.net)',
      domains: ['gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch', 'gmx.eu', 'gmx.biz', 'gmx.org', 'gmx.info'],
      mx: [/(^|\.)gmx\.net$/],
      hosts: [/^imap\.gmx\.net$/],
      imap: { host: 'imap.gmx.net', port: 993, security: 'tls' },
      imapSwitch:
        'GMX: E-Mail → Einstellungen → POP3 & IMAP → allow access (on the desktop website; help: https://hilfe.gmx.net/pop-imap/einschalten.html)',
      sources: {
        hosts: [
          ispdb(
            'gmx.net.xml',
            '<domain>gmx.net</domain> <domain>gmx.de</domain> <domain>gmx.at</domain> <domain>gmx.ch</domain> … <hostname>imap.gmx.net</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
        'imap-switch': [
          ispdb(
            'gmx.net.xml',
            `<enable visiturl="https://hilfe.gmx.net/pop-imap/einschalten.html"> … <instruction lang="de">${ENABLE_ONCE}</instruction>`,
          ),
          GMX_OFF,
        ],
      },
    },
    {
      id: 'gmx-com',
      name: 'GMX (gmx.com)',
      domains: ['gmx.com', 'gmx.co.uk', 'gmx.fr', 'gmx.es', 'gmx.it', 'gmx.us', 'gmx.ca'],
      mx: [/(^|\.)gmx\.com$/],
      hosts: [/^imap\.gmx\.com$/],
      imap: { host: 'imap.gmx.com', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'gmx.com.xml',
            '<domain>gmx.com</domain> … <domain>gmx.us</domain> <domain>gmx.co.uk</domain> <domain>gmx.es</domain> <domain>gmx.fr</domain> <domain>gmx.ca</domain> … <hostname>imap.gmx.com</hostname> <port>993</port>',
          ),
        ],
      },
    },
    {
      id: 'webde',
      name: 'WEB.DE',
      domains: ['web.de'],
      mx: [/(^|\.)web\.de$/],
      hosts: [/^imap\.web\.de$/],
      imap: { host: 'imap.web.de', port: 993, security: 'tls' },
      imapSwitch:
        'WEB.DE: E-Mail → Einstellungen → POP3 & IMAP → allow access (on the desktop website; help: https://hilfe.web.de/pop-imap/einschalten.html)',
      sources: {
        hosts: [
          ispdb(
            'web.de.xml',
            '<domain>web.de</domain> … <incomingServer type="imap"> <hostname>imap.web.de</hostname> <port>993</port> <socketType>SSL</socketType> <username>%EMAILLOCALPART%</username>',
          ),
        ],
        'imap-switch': [
          ispdb(
            'web.de.xml',
            `<enable visiturl="https://hilfe.web.de/pop-imap/einschalten.html"> … <instruction lang="de">${ENABLE_ONCE}</instruction>`,
          ),
        ],
      },
    },
  ],
  greeting: [],
  login: 'app-password-if-2fa',
  causes: ['imap-switch', 'password-typo', 'app-password-if-2fa'],
  appPassword: 'Mein Account → Sicherheit → Anwendungsspezifische Passwörter',
  appPasswordName: 'application-specific password',
  appPasswordNeeds2fa: true,
  imapSwitch:
    'E-Mail settings → POP3 & IMAP → allow access (on the desktop website; it is off by default and switches itself off after long non-use)',
  refusals: [],
  sources: {
    'imap-switch': [
      GMX_OFF,
      pull(
        'chatmail/provider-db#264',
        'in the mobile version of the GMX website, in the settings, the button to turn on IMAP is missing … The solution was to display the GMX website in the desktop version, where the checkbox is of course available.',
      ),
      page(
        'https://hilfe-pre.web.de/sicherheit/2fa/einrichten.html',
        'Wenn Sie Ihre WEB.DE E-Mails über ein externes E-Mail-Programm mittels POP3/IMAP abrufen, müssen Sie ggf. den POP3/IMAP-Zugang erneut aktivieren.',
      ),
    ],
    'app-password': [
      page(
        'https://hilfe.gmx.net/sicherheit/2fa/anwendungsspezifisches-passwort.html',
        'Um anwendungsspezifische Passwörter verwenden zu können, muss die 2-Faktor-Authentifizierung aktiviert sein. … Klicken Sie auf der linken Seite auf Sicherheit. Klicken Sie auf Anwendungsspezifische Passwörter.',
      ),
      page(
        'https://web.de/email/sicherheit/zwei-faktor-authentifizierung/',
        'Rufen Sie Ihre E-Mails über ein externes E-Mail-Programm (z. B. Outlook, Thunderbird) via POP3/ IMAP ab, müssen Sie im jeweiligen E-Mail-Programm einmalig ein Anwendungsspezifisches Passwort hinterlegen.',
      ),
    ],
    login: [
      page(
        'https://hilfe.gmx.net/sicherheit/2fa/anwendungsspezifisches-passwort.html',
        'Verwenden Sie das anwendungsspezifische Passwort ausschließlich für Ihr externes E-Mail-Programm. Ihr Original-Passwort wird nicht mehr benötigt, bis Sie die Zwei-Faktor-Authentifizierung wieder deaktivieren.',
      ),
    ],
  },
};

const TELEKOM_ENABLE =
  'You need to set up an E-Mail-Password. Attention: The normal password for the T-Online-Website and Webmail does *not* work for email applications.';

export const tonline: ProviderEntry = {
  id: 't-online',
  name: 'T-Online (Telekom)',
  checked: CHECKED,
  brands: [
    {
      id: 't-online',
      name: 'T-Online',
      domains: ['t-online.de', 'magenta.de'],
      mx: [],
      hosts: [/^secureimap\.t-online\.de$/],
      imap: { host: 'secureimap.t-online.de', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            't-online.de.xml',
            '<domain>t-online.de</domain> <domain>magenta.de</domain> … <incomingServer type="imap"> <hostname>secureimap.t-online.de</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
      },
    },
  ],
  greeting: [],
  login: 'app-password',
  causes: ['app-password', 'password-typo'],
  appPassword: 'https://www.telekom.de/hilfe/apps-dienste/e-mail/programme/passwort-verwalten',
  appPasswordName: 'e-mail password (E-Mail-Passwort)',
  appPasswordNeeds2fa: false,
  policy:
    'T-Online: mail programs need a separate e-mail password (E-Mail-Passwort); the password for the T-Online website and webmail does not work in them.',
  refusals: [],
  sources: {
    login: [
      ispdb(
        't-online.de.xml',
        `<enable visiturl="https://www.telekom.de/hilfe/apps-dienste/e-mail/programme/passwort-verwalten"> <instruction>${TELEKOM_ENABLE}</instruction>`,
      ),
    ],
    'app-password': [
      ispdb(
        't-online.de.xml',
        `<enable visiturl="https://www.telekom.de/hilfe/apps-dienste/e-mail/programme/passwort-verwalten"> <instruction>${TELEKOM_ENABLE}</instruction>`,
      ),
    ],
  },
};

/** An entry whose only sourced facts are its hosts (its login rule left out: no public source found). */
function hostsOnly(id: string, name: string, brand: Omit<Brand, 'id' | 'mx'>): ProviderEntry {
  return {
    id,
    name,
    checked: CHECKED,
    brands: [{ id, mx: [], ...brand }],
    greeting: [],
    login: 'unknown',
    causes: ['password-typo', 'username-form'],
    refusals: [],
    sources: {},
  };
}

export const orange = hostsOnly('orange', 'Orange (orange.fr)', {
  name: 'Orange',
  domains: ['orange.fr', 'wanadoo.fr'],
  hosts: [/^imap\.orange\.fr$/],
  imap: { host: 'imap.orange.fr', port: 993, security: 'tls' },
  sources: {
    hosts: [
      ispdb(
        'orange.fr.xml',
        '<domain>orange.fr</domain> <domain>wanadoo.fr</domain> … <incomingServer type="imap"> <hostname>imap.orange.fr</hostname> <port>993</port> <socketType>SSL</socketType>',
      ),
    ],
  },
});

export const libero = hostsOnly('libero', 'Libero Mail (Italiaonline)', {
  name: 'Libero Mail',
  domains: ['libero.it', 'iol.it', 'blu.it', 'inwind.it', 'giallo.it'],
  hosts: [/^imapmail\.libero\.it$/],
  imap: { host: 'imapmail.libero.it', port: 993, security: 'tls' },
  sources: {
    hosts: [
      ispdb(
        'libero.it.xml',
        '<domain>libero.it</domain> <domain>iol.it</domain> <domain>blu.it</domain> <domain>inwind.it</domain> <domain>giallo.it</domain> … <hostname>imapmail.libero.it</hostname> <port>993</port> <socketType>SSL</socketType>',
      ),
    ],
  },
});

const SEZNAM_CLIENTS = 'https://o-seznam.cz/napoveda/ucet/en/dvoufazove-overeni/postovni-programy/';

export const seznam: ProviderEntry = {
  id: 'seznam',
  name: 'Seznam.cz',
  checked: CHECKED,
  brands: [
    {
      id: 'seznam',
      name: 'Seznam.cz',
      domains: ['seznam.cz', 'email.cz', 'post.cz', 'spoluzaci.cz'],
      mx: [],
      hosts: [/^imap\.seznam\.cz$/],
      imap: { host: 'imap.seznam.cz', port: 993, security: 'tls' },
      sources: {
        hosts: [
          ispdb(
            'seznam.cz.xml',
            '<domain>seznam.cz</domain> <domain>email.cz</domain> <domain>post.cz</domain> <domain>spoluzaci.cz</domain> … <hostname>imap.seznam.cz</hostname> <port>993</port> <socketType>SSL</socketType>',
          ),
        ],
      },
    },
  ],
  greeting: [],
  login: 'app-password-if-2fa',
  causes: ['app-password-if-2fa', 'password-typo', 'username-form'],
  appPassword: 'Seznam Account → Account Security → Two-Factor Authentication → Application Password → Set',
  appPasswordName: 'application password',
  appPasswordNeeds2fa: true,
  refusals: [],
  sources: {
    login: [
      page(
        SEZNAM_CLIENTS,
        "If you've enabled two-factor authentication on your account and use an email client … you'll need to create a separate access password for IMAP/POP3, SMTP, and CalDAV connections. … if you disable two-factor authentication entirely, this special password will also be disabled. Your account will then once again accept your regular login password for email access.",
      ),
    ],
    'app-password': [
      page(SEZNAM_CLIENTS, 'Under Two-Factor Authentication, find the Application Password line and click Set.'),
    ],
  },
};
