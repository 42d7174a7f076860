/** Checks after the login, in checklist order: push, fast resync, folders, storage, search, sessions. */
import type { Check } from '../types.js';
import { foldersCheck } from './folders.js';
import { condstoreCheck, idleCheck } from './idle.js';
import { quotaCheck } from './quota.js';
import { searchCheck } from './search.js';
import { sessionsCheck, syncErrorCheck } from './sessions.js';

export const SYNC_CHECKS: readonly Check[] = [
  idleCheck,
  condstoreCheck,
  foldersCheck,
  quotaCheck,
  searchCheck,
  sessionsCheck,
  syncErrorCheck,
];
