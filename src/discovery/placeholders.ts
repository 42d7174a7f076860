/**
 * Autoconfig placeholders: fills %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% (case-sensitive,
 * as Thunderbird does) and finds placeholder-like tokens nobody can fill (%REALNAME%, a typo'd
 * %EMAILADDRESS without its closing %). Pure string functions; they never throw.
 */

/** The address the settings are looked up for, split once by the caller. */
export interface PlaceholderValues {
  address: string;
  localPart: string;
  domain: string;
}

const KNOWN = /%(EMAILADDRESS|EMAILLOCALPART|EMAILDOMAIN)%/g;

/** A complete `%WORD%` token. */
const TOKEN = /%[A-Za-z][A-Za-z0-9_]*%/g;
/** An upper-case word opened by `%` but never closed (`%EMAILADDRESS` in Microsoft 365's ISPDB file). */
const DANGLING = /%[A-Z][A-Z0-9_]{3,}(?![A-Za-z0-9_%])/g;

/** Replaces the three address placeholders in one pass, so a value put in is never re-read. */
export function fillPlaceholders(value: string, who: PlaceholderValues): string {
  return value.replace(KNOWN, (_token, name: string) => {
    if (name === 'EMAILADDRESS') return who.address;
    if (name === 'EMAILLOCALPART') return who.localPart;
    return who.domain;
  });
}

/** Every placeholder-like token in `value`, in order: complete `%WORD%` tokens, then dangling `%WORD`s. */
export function findUnfilled(value: string): string[] {
  const complete = value.match(TOKEN) ?? [];
  const dangling = value.replace(TOKEN, ' ').match(DANGLING) ?? [];
  return [...complete, ...dangling];
}

/**
 * Fills `raw` and reports the tokens that stayed unfilled. The check runs on the published text,
 * not on the filled one, so a `%` inside the user's own address is never taken for a placeholder.
 */
export function fillChecked(raw: string, who: PlaceholderValues): { value: string; unfilled: string[] } {
  return { value: fillPlaceholders(raw, who), unfilled: findUnfilled(raw.replace(KNOWN, ' ')) };
}
