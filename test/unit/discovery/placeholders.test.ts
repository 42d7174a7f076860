import { describe, expect, it } from 'vitest';
import { fillChecked, fillPlaceholders, findUnfilled } from '../../../src/discovery/placeholders.js';

const who = { address: 'alice@example.test', localPart: 'alice', domain: 'example.test' };

describe('fillPlaceholders', () => {
  it('fills the three address placeholders', () => {
    expect(fillPlaceholders('%EMAILADDRESS%', who)).toBe('alice@example.test');
    expect(fillPlaceholders('%EMAILLOCALPART%', who)).toBe('alice');
    expect(fillPlaceholders('mail.%EMAILDOMAIN%', who)).toBe('mail.example.test');
    expect(fillPlaceholders('%EMAILLOCALPART%.%EMAILDOMAIN%', who)).toBe('alice.example.test');
  });

  it('is case-sensitive, as Thunderbird is', () => {
    expect(fillPlaceholders('%emailaddress%', who)).toBe('%emailaddress%');
    expect(fillPlaceholders('%EmailDomain%', who)).toBe('%EmailDomain%');
  });

  it('leaves other tokens alone and never re-reads what it put in', () => {
    expect(fillPlaceholders('%REALNAME%', who)).toBe('%REALNAME%');
    const tricky = { address: '%EMAILDOMAIN%@x.test', localPart: '%EMAILDOMAIN%', domain: 'x.test' };
    expect(fillPlaceholders('%EMAILLOCALPART%', tricky)).toBe('%EMAILDOMAIN%');
  });
});

describe('findUnfilled', () => {
  it('finds %WORD% tokens, known or not', () => {
    expect(findUnfilled('%REALNAME%.example.test')).toEqual(['%REALNAME%']);
    expect(findUnfilled('%EMAILADDRESS% %USERNAME%')).toEqual(['%EMAILADDRESS%', '%USERNAME%']);
    expect(findUnfilled('imap.example.test')).toEqual([]);
  });

  it('finds an upper-case placeholder that lost its closing %', () => {
    expect(findUnfilled('%EMAILADDRESS')).toEqual(['%EMAILADDRESS']);
    expect(findUnfilled('x%REALNAME')).toEqual(['%REALNAME']);
  });

  it('does not take a lone percent or short hex escapes for placeholders', () => {
    expect(findUnfilled('100%')).toEqual([]);
    expect(findUnfilled('a%20b')).toEqual([]);
    expect(findUnfilled('user%E3')).toEqual([]);
  });
});

describe('fillChecked', () => {
  it('reports only what the published text left unfilled', () => {
    expect(fillChecked('%EMAILLOCALPART%', who)).toEqual({ value: 'alice', unfilled: [] });
    expect(fillChecked('%REALNAME%', who)).toEqual({ value: '%REALNAME%', unfilled: ['%REALNAME%'] });
  });

  it('does not blame the user address for looking like a placeholder', () => {
    const odd = { address: '%ABC%@example.test', localPart: '%ABC%', domain: 'example.test' };
    expect(fillChecked('%EMAILADDRESS%', odd)).toEqual({ value: '%ABC%@example.test', unfilled: [] });
  });
});
