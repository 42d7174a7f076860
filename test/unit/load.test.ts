import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheFileOf, compileBundle, loadBundle, trustedCache } from '../../src/load.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small CommonJS bundle that uses what the wrapper gives it (require, module, __dirname) and has functions V8 compiles lazily. */
function bundle(name: string, answer: number): string {
  const file = path.join(dir, `${name}.cjs`);
  const lazy = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  writeFileSync(
    file,
    `'use strict';\n${lazy}\nconst path = require('node:path');\nmodule.exports = { answer: () => f0(${answer}), dir: __dirname, base: path.basename(__filename) };\n`,
  );
  return file;
}

let copies = 0;

/**
 * Writes the cache a build would (compiled, run so that the functions called are compiled too,
 * createCachedData) for a copy of the bundle under another name: V8 keeps what this process compiled in
 * memory by source and file name, and would take that instead of reading the cache given for `file`.
 */
function writeCache(file: string): Buffer {
  const twin = path.join(dir, `twin-${++copies}.cjs`);
  writeFileSync(twin, readFileSync(file));
  const c = compileBundle(twin, null);
  (c.run().answer as () => number)();
  const data = c.script.createCachedData();
  writeFileSync(cacheFileOf(file), data, { mode: 0o644 });
  chmodSync(cacheFileOf(file), 0o644);
  return data;
}

/** The bundle under a name this process has not compiled yet, with `file`'s cache beside it (if any). */
function fresh(file: string): string {
  const copy = path.join(dir, `fresh-${++copies}.cjs`);
  writeFileSync(copy, readFileSync(file));
  try {
    writeFileSync(cacheFileOf(copy), readFileSync(cacheFileOf(file)));
    chmodSync(cacheFileOf(copy), statSync(cacheFileOf(file)).mode & 0o777);
  } catch {
    // no cache
  }
  return copy;
}

describe('compileBundle / loadBundle', () => {
  it('the caches lie beside the bundle: dist/cli.cjs → dist/cli.cache (runs), dist/cli.command.cache (commands)', () => {
    expect(cacheFileOf('/pkg/dist/cli.cjs')).toBe('/pkg/dist/cli.cache');
    expect(cacheFileOf('/pkg/dist/cli.cjs', 'run')).toBe('/pkg/dist/cli.cache');
    expect(cacheFileOf('/pkg/dist/cli.cjs', 'command')).toBe('/pkg/dist/cli.command.cache');
  });

  it('takes the cache of the kind asked for, and only that one', () => {
    const file = bundle('kinds', 6);
    const data = writeCache(file);
    // Only the run's cache beside it: a command finds none.
    expect(compileBundle(fresh(file), 'command').cache).toBe('none');
    // Only a command cache beside it: a command takes it, a run finds none.
    const commandOnly = fresh(file);
    rmSync(cacheFileOf(commandOnly));
    writeFileSync(cacheFileOf(commandOnly, 'command'), data, { mode: 0o644 });
    chmodSync(cacheFileOf(commandOnly, 'command'), 0o644);
    const c = compileBundle(commandOnly, 'command');
    expect(c.cache).toBe('accepted');
    expect((c.run().answer as () => number)()).toBe(6);
    expect(compileBundle(fresh(commandOnly), 'run').cache).toBe('none');
  });

  it('runs a CommonJS bundle as require() would (module.exports, require, __dirname, __filename)', () => {
    const file = bundle('plain', 41);
    const c = compileBundle(file);
    expect(c.cache).toBe('none');
    const exports = c.run();
    expect((exports.answer as () => number)()).toBe(41);
    expect(exports.dir).toBe(dir);
    expect(exports.base).toBe('plain.cjs');
  });

  it('compiles with a cache made by this Node from this bundle: V8 accepts it, and the bundle runs the same', () => {
    const file = bundle('cached', 1);
    writeCache(file);
    const c = compileBundle(fresh(file));
    expect(c.cache).toBe('accepted');
    expect((c.run().answer as () => number)()).toBe(1);
    expect((loadBundle(fresh(file)).answer as () => number)()).toBe(1);
  });

  it('a bundle edited after its cache was made (same length) runs its new code: the older cache is not offered', () => {
    const file = bundle('edited', 3);
    writeCache(file);
    const copy = fresh(file);
    // V8 would take a cache for a source of the same length: only the cache's age tells the edit apart.
    writeFileSync(copy, readFileSync(copy, 'latin1').replace('f0(3)', 'f0(4)'), 'latin1');
    const c = compileBundle(copy);
    expect(c.cache).toBe('none');
    expect((c.run().answer as () => number)()).toBe(4);
  });

  it('a corrupt or truncated cache is rejected by V8 and the bundle compiles and runs as without one', () => {
    const file = bundle('corrupt', 2);
    const good = writeCache(file);
    for (const bad of [Buffer.from('not a code cache at all'), good.subarray(0, good.length >> 1), Buffer.alloc(0)]) {
      writeFileSync(cacheFileOf(file), bad);
      const c = compileBundle(fresh(file));
      expect(c.cache, `${bad.length} bytes`).toBe('rejected');
      expect((c.run().answer as () => number)()).toBe(2);
    }
  });

  it("another bundle's cache is rejected (V8 checks the source), and the bundle runs its own code", () => {
    const mine = bundle('mine', 3);
    const other = bundle('other-longer-name', 12345);
    writeFileSync(cacheFileOf(mine), writeCache(other));
    const c = compileBundle(fresh(mine));
    expect(c.cache).toBe('rejected');
    expect((c.run().answer as () => number)()).toBe(3);
  });

  it('a cache that group or others may write is never offered to V8 (a planted cache is code): the bundle compiles without it', () => {
    const file = bundle('writable', 4);
    writeCache(file);
    for (const mode of [0o666, 0o646, 0o664]) {
      chmodSync(cacheFileOf(file), mode);
      const c = compileBundle(fresh(file));
      expect(c.cache, mode.toString(8)).toBe('none');
      expect((c.run().answer as () => number)()).toBe(4);
    }
  });

  it('without a kind of cache, or without a cache file, nothing is offered', () => {
    const file = bundle('unused', 5);
    expect(compileBundle(file).cache).toBe('none');
    writeCache(file);
    expect(compileBundle(fresh(file), null).cache).toBe('none');
  });

  it('an unreadable bundle is an error, not a silent empty module', () => {
    expect(() => compileBundle(path.join(dir, 'missing.cjs'))).toThrow(/cannot read/);
  });

  it('a non-ASCII bundle is read as UTF-8 (the build makes ASCII ones, read as Latin-1)', () => {
    const file = path.join(dir, 'utf8.cjs');
    writeFileSync(file, "module.exports = { text: 'a → b · ü' };\n");
    expect(compileBundle(file).run().text).toBe('a → b · ü');
    expect(readFileSync(file, 'utf8')).toContain('→');
  });
});

describe('trustedCache', () => {
  const stat = (o: { uid: number; mode: number; file?: boolean; mtimeMs?: number }) =>
    ({ uid: o.uid, mode: o.mode, mtimeMs: o.mtimeMs ?? 1000, isFile: () => o.file ?? true }) as unknown as Stats;
  const bundleStat = stat({ uid: 1000, mode: 0o100644 });

  it("trusts a regular file of the bundle's owner or root that only its owner may write", () => {
    expect(trustedCache(stat({ uid: 1000, mode: 0o100644 }), bundleStat)).toBe(true);
    expect(trustedCache(stat({ uid: 0, mode: 0o100600 }), bundleStat)).toBe(true);
  });

  it("distrusts another user's file, a group- or world-writable one, and anything but a regular file", () => {
    expect(trustedCache(stat({ uid: 1001, mode: 0o100644 }), bundleStat)).toBe(false);
    expect(trustedCache(stat({ uid: 1000, mode: 0o100664 }), bundleStat)).toBe(false);
    expect(trustedCache(stat({ uid: 1000, mode: 0o100646 }), bundleStat)).toBe(false);
    expect(trustedCache(stat({ uid: 0, mode: 0o100666 }), bundleStat)).toBe(false);
    expect(trustedCache(stat({ uid: 1000, mode: 0o100644, file: false }), bundleStat)).toBe(false);
  });

  it('distrusts a cache older than its bundle (the bundle was edited after the build), not one of the same time', () => {
    expect(trustedCache(stat({ uid: 1000, mode: 0o100644, mtimeMs: 999 }), bundleStat)).toBe(false);
    expect(trustedCache(stat({ uid: 1000, mode: 0o100644, mtimeMs: 1000 }), bundleStat)).toBe(true);
  });
});
