/**
 * The folder roles mail apps look for (RFC 6154 §2 special-use attributes) and the names such
 * folders commonly carry when nothing marks them: the English names mail apps and servers create
 * (Thunderbird, Outlook/Exchange, Apple Mail, Gmail's [Gmail]/… folders) and their usual
 * translations. A name is compared by its last hierarchy level, case- and accent-insensitively.
 * Plain data and matching; the probe keeps folders named like this, the folder check judges them.
 */

import type { FolderRole } from '../model/sync.js';

export type { FolderRole };

export const FOLDER_ROLES: readonly FolderRole[] = ['Sent', 'Drafts', 'Trash', 'Junk', 'Archive'];

/** The attribute of each role (RFC 6154 §2), and the XLIST attributes that mean the same (\Spam). */
export const ROLE_ATTRIBUTES: Record<FolderRole, readonly string[]> = {
  Sent: ['\\Sent'],
  Drafts: ['\\Drafts'],
  Trash: ['\\Trash'],
  Junk: ['\\Junk', '\\Spam'],
  Archive: ['\\Archive'],
};

/** Every special-use attribute of RFC 6154 and XLIST: a folder carrying one is kept as evidence. */
export const SPECIAL_USE_ATTRIBUTES: readonly string[] = [
  '\\All',
  '\\Archive',
  '\\Drafts',
  '\\Flagged',
  '\\Junk',
  '\\Sent',
  '\\Trash',
  '\\Spam',
  '\\AllMail',
  '\\Starred',
  '\\Important',
  '\\Inbox',
];

const NAMES: Record<FolderRole, readonly string[]> = {
  Sent: [
    'Sent',
    'Sent Items',
    'Sent Messages',
    'Sent Mail',
    'Sent-Mail',
    'Gesendet',
    'Gesendete Objekte',
    'Gesendete Elemente',
    'Envoyés',
    'Éléments envoyés',
    'Messages envoyés',
    'Enviados',
    'Elementos enviados',
    'Posta inviata',
    'Inviati',
    'Verzonden',
    'Verzonden items',
    'Wysłane',
    'Odeslaná pošta',
    'Отправленные',
    '已发送',
    '已傳送',
  ],
  Drafts: [
    'Drafts',
    'Draft',
    'Entwürfe',
    'Brouillons',
    'Borradores',
    'Bozze',
    'Concepten',
    'Kopie robocze',
    'Koncepty',
    'Черновики',
    '草稿',
    '草稿箱',
  ],
  Trash: [
    'Trash',
    'Deleted Items',
    'Deleted Messages',
    'Deleted',
    'Bin',
    'Papierkorb',
    'Gelöschte Objekte',
    'Gelöschte Elemente',
    'Corbeille',
    'Éléments supprimés',
    'Papelera',
    'Elementos eliminados',
    'Cestino',
    'Posta eliminata',
    'Prullenbak',
    'Verwijderde items',
    'Kosz',
    'Koš',
    'Корзина',
    '已删除',
    '垃圾桶',
  ],
  Junk: [
    'Junk',
    'Spam',
    'Junk E-mail',
    'Junk Email',
    'Junk Mail',
    'Bulk Mail',
    'Junk-E-Mail',
    'Courrier indésirable',
    'Indésirables',
    'Correo no deseado',
    'Posta indesiderata',
    'Ongewenste e-mail',
    'Spam-Ordner',
    'Спам',
    '垃圾邮件',
  ],
  Archive: ['Archive', 'Archives', 'Archiv', 'Archivo', 'Archivio', 'Archief', 'Archiwum', 'Архив', '归档'],
};

const fold = (s: string): string => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();

const BY_NAME = new Map<string, FolderRole>(
  FOLDER_ROLES.flatMap((r) => NAMES[r].map((n) => [fold(n), r] as [string, FolderRole])),
);

/** The last level of a folder path ("INBOX.Sent Items" → "Sent Items", "[Gmail]/Sent Mail" → "Sent Mail"). */
export function leafName(name: string, delimiter: string | null): string {
  if (!delimiter) return name;
  const parts = name.split(delimiter);
  return parts[parts.length - 1] ?? name;
}

/** The role a folder's name suggests, if any (compared by its last level). */
export function roleByName(name: string, delimiter: string | null): FolderRole | undefined {
  return BY_NAME.get(fold(leafName(name, delimiter)));
}

/** The role a folder's attributes give it, if any. */
export function roleByAttributes(attributes: readonly string[]): FolderRole | undefined {
  const up = attributes.map((a) => a.toLowerCase());
  return FOLDER_ROLES.find((r) => ROLE_ATTRIBUTES[r].some((x) => up.includes(x.toLowerCase())));
}
