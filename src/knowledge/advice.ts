/**
 * Provider facts for a finding: the params its catalogue text reads (app-password page, IMAP
 * switch, policy, …) and the knowledge they rest on — only the rules that finding's advice uses,
 * each with the sources it was read from and the entry's last-checked date. The catalogue never
 * reads the knowledge base itself; it gets these params, so every provider sentence has a source.
 */
import type { FindingKnowledge, KnowledgeRule, KnowledgeSource, LoginCause } from '../model/advice.js';
import { brandById, providerById, type ProviderMatch } from './providers.js';
import { KNOWLEDGE_DATE } from './sources.js';
import type { Advice, Brand, ProviderEntry } from './types.js';

type ParamValue = string | number | boolean | string[];

/** Which rules each likely cause's words rest on. */
const CAUSE_RULES: Record<LoginCause, readonly KnowledgeRule[]> = {
  'app-password': ['login', 'app-password'],
  'app-password-if-2fa': ['login', 'app-password'],
  'app-password-revoked': ['revocation'],
  'app-password-scope': ['app-password'],
  'oauth-only': ['login', 'oauth'],
  'imap-switch': ['imap-switch'],
  'admin-policy': ['admin'],
  'wrong-region': ['hosts'],
  'authorization-code': ['login', 'app-password'],
  'bridge-password': ['login', 'app-password'],
  'plan-without-imap': ['plan'],
  'username-form': [],
  'password-typo': [],
};

/** Which rules each code's provider advice rests on (AUTH_FAILED: those of its likely causes). */
const CODE_RULES: Readonly<Record<string, readonly KnowledgeRule[]>> = {
  AUTH_APP_PASSWORD_REQUIRED: ['login', 'app-password', 'oauth'],
  AUTH_WEB_LOGIN_REQUIRED: ['app-password'],
  AUTH_OAUTH_REQUIRED: ['login', 'oauth', 'imap-switch'],
  AUTH_OAUTH_TOKEN_REJECTED: ['oauth'],
  IMAP_DISABLED_BY_USER_SETTING: ['imap-switch', 'admin'],
  IMAP_DISABLED_BY_ADMIN: ['admin'],
  SESSION_LIMIT_LOW: ['session-limit'],
  QUOTA_NEARLY_FULL: ['storage-limit'],
  QUOTA_EXCEEDED: ['storage-limit'],
};

/** Each advice field: the param it becomes and the rule that backs it. */
const FIELDS: ReadonlyArray<[keyof Advice, string, KnowledgeRule]> = [
  ['appPassword', 'appPasswordAt', 'app-password'],
  ['appPasswordName', 'appPasswordName', 'app-password'],
  ['appPasswordNeeds2fa', 'appPasswordNeeds2fa', 'app-password'],
  ['imapSwitch', 'imapSwitch', 'imap-switch'],
  ['imapAlwaysOn', 'imapAlwaysOn', 'imap-switch'],
  ['adminImap', 'adminImap', 'admin'],
  ['policy', 'providerPolicy', 'login'],
  ['noImapPlans', 'noImapPlans', 'plan'],
  ['oauthScope', 'neededScope', 'oauth'],
  ['sessionLimit', 'sessionLimit', 'session-limit'],
  ['storageLimit', 'storageLimit', 'storage-limit'],
];

/** The rules a finding's provider advice rests on. */
export function rulesFor(code: string, causes: readonly LoginCause[] = []): KnowledgeRule[] {
  const rules = code === 'AUTH_FAILED' ? causes.flatMap((c) => CAUSE_RULES[c]) : (CODE_RULES[code] ?? []);
  return [...new Set<KnowledgeRule>(['hosts', ...rules])];
}

/** An advice field as it applies: the brand's own value over the provider's. */
function field<K extends keyof Advice>(p: ProviderEntry, b: Brand | undefined, k: K): Advice[K] {
  return b?.[k] !== undefined ? b[k] : p[k];
}

/** Region hosts for a wrong-region cause: every brand's server, and the one the domain's mail names. */
function regionParams(m: ProviderMatch): Record<string, ParamValue> {
  const servers = m.provider.brands.flatMap((b) => (b.imap ? [`${b.imap.host} (${b.name})`] : []));
  const mail = m.mailBrand;
  return {
    ...(servers.length > 1 ? { regionServers: servers } : {}),
    ...(mail ? { mailRegion: mail.name, ...(mail.imap ? { expectedHost: mail.imap.host } : {}) } : {}),
  };
}

function sourcesOf(m: ProviderMatch, rules: readonly KnowledgeRule[]): KnowledgeSource[] {
  const out: KnowledgeSource[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const brands = [m.brand, ...(rule === 'hosts' && m.mailBrand ? [m.mailBrand] : [])].filter(
      (b): b is Brand => b !== undefined,
    );
    for (const s of [...brands.flatMap((b) => b.sources[rule] ?? []), ...(m.provider.sources[rule] ?? [])]) {
      const key = `${rule} ${s.url} ${s.quote}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ rule, url: s.url, quote: s.quote, ...(s.via ? { via: s.via } : {}) });
    }
  }
  return out;
}

/**
 * The provider params and knowledge for one finding. `code` and `causes` choose the rules; only
 * facts of those rules become params.
 */
export function providerAdvice(
  m: ProviderMatch,
  code: string,
  causes: readonly LoginCause[] = [],
): { params: Record<string, ParamValue>; knowledge: FindingKnowledge } {
  return adviceOfRules(m, rulesFor(code, causes), causes);
}

/** What an app or integration must know of the provider: its login rule and its published limits, with their sources. */
export function integrationAdvice(m: ProviderMatch): {
  params: Record<string, ParamValue>;
  knowledge: FindingKnowledge;
} {
  return adviceOfRules(m, ['hosts', 'login', 'session-limit', 'storage-limit']);
}

function adviceOfRules(
  m: ProviderMatch,
  rules: readonly KnowledgeRule[],
  causes: readonly LoginCause[] = [],
): { params: Record<string, ParamValue>; knowledge: FindingKnowledge } {
  const params: Record<string, ParamValue> = {};
  for (const [k, param, rule] of FIELDS) {
    const v = field(m.provider, m.brand, k);
    if (v !== undefined && rules.includes(rule)) params[param] = v;
  }
  if (causes.includes('wrong-region')) Object.assign(params, regionParams(m));
  const knowledge: FindingKnowledge = {
    provider: m.provider.name,
    ...(m.brand && m.provider.brands.length > 1 ? { brand: m.brand.name } : {}),
    checked: m.provider.checked,
    knowledgeDate: KNOWLEDGE_DATE,
    sources: sourcesOf(m, rules),
  };
  return { params, knowledge };
}

/**
 * A catalogue example's params with the facts of the provider it names (docs/findings.md and
 * `imap-doctor explain`), so examples show the same advice, and sources, a real report would.
 */
export function exampleAdvice(
  code: string,
  example: Record<string, ParamValue>,
): { params: Record<string, ParamValue>; knowledge?: FindingKnowledge } {
  const provider = typeof example.providerId === 'string' ? providerById(example.providerId) : undefined;
  if (!provider) return { params: example };
  const brand = brandById(provider, typeof example.providerBrand === 'string' ? example.providerBrand : undefined);
  const via = example.providerVia;
  const m: ProviderMatch = {
    provider,
    ...(brand ? { brand } : {}),
    via: via === 'mx' || via === 'greeting' || via === 'capability' || via === 'domain' ? via : 'host',
    evidence: typeof example.providerEvidence === 'string' ? example.providerEvidence : '',
  };
  const causes = Array.isArray(example.likelyCauses) ? (example.likelyCauses as LoginCause[]) : [];
  const advice = providerAdvice(m, code, causes);
  return { params: { ...example, ...advice.params }, knowledge: advice.knowledge };
}
