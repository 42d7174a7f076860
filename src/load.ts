/**
 * Loads the launcher's bundles (dist/cli.cjs, the command line, and dist/early.cjs, the early DNS queries)
 * for bin/imap-doctor.cjs with V8's code cache (issue #9: CPU per run, first packet). Node 20 has no compile cache of its own, so `npm run
 * build` (which `npm ci` runs, with the user's own Node) compiles each bundle through compileBundle,
 * runs a warm-up so that the functions a run calls are compiled too, and writes
 * `script.createCachedData()` beside the bundle (dist/cli.cache, dist/early.cache; scripts/code-cache.mjs).
 * At start-up the bundle is compiled with that cache: V8 deserialises the compiled functions instead
 * of parsing and compiling them. V8 checks the cache against its own version, flags and the source's
 * length and rejects a cache that does not fit (another Node, an edited bundle): the bundle is then
 * compiled as usual, nothing else changes. A code cache is code: it is read only from beside the
 * bundle, only when it is a regular file owned by the bundle's owner (or root) that neither group nor
 * others may write, never from anywhere an environment variable or a temporary directory names.
 */
import { closeSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * Which code cache: 'run', warmed up by diagnoses, or 'command', warmed up by --help, explain, completion and
 * a usage error only — a third of the size, so those commands do not pay for deserialising the diagnosis.
 */
export type CacheKind = 'run' | 'command';

/** The bundle's code cache of that kind, beside it: dist/cli.cache, dist/cli.command.cache. */
export function cacheFileOf(bundle: string, kind: CacheKind = 'run'): string {
  const base = path.basename(bundle, '.cjs');
  return path.join(path.dirname(bundle), kind === 'run' ? `${base}.cache` : `${base}.${kind}.cache`);
}

/** The CommonJS wrapper (as node:module's), the same at build time and at start-up so the cache fits. */
const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const TAIL = '\n});';

/** A file's bytes and its stat, from one open (undefined when it cannot be opened). */
function readWhole(file: string): { bytes: Buffer; stat: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read), stat };
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a cache file may be trusted as much as the bundle: a regular file of the bundle's owner (or root)
 * that group and others cannot write, and not older than the bundle. V8 checks a cache only against the
 * source's length, so a bundle edited after the build (same length or not) must not meet its old cache;
 * the build writes the cache after the bundle, and npm pack gives both the same time.
 */
export function trustedCache(cache: Stats, bundle: Stats): boolean {
  return (
    cache.isFile() &&
    (cache.uid === bundle.uid || cache.uid === 0) &&
    (cache.mode & 0o022) === 0 &&
    cache.mtimeMs >= bundle.mtimeMs
  );
}

export interface Compiled {
  /** The bundle's path. */
  file: string;
  script: vm.Script;
  /** Whether a cache was offered and V8 took it. */
  cache: 'none' | 'accepted' | 'rejected';
  /** Runs the bundle's top level once; its module.exports. */
  run(): Record<string, unknown>;
}

/**
 * Compiles a CommonJS bundle with its code cache of that kind (none: null) when the cache is trusted. The build
 * guarantees an ASCII bundle, read as Latin-1 (a one-byte string, cheap to make and to hash); anything
 * else is read as UTF-8.
 */
export function compileBundle(bundle: string, kind: CacheKind | null = 'run'): Compiled {
  const src = readWhole(bundle);
  if (!src) throw new Error(`cannot read ${bundle}`);
  const cache = kind ? readWhole(cacheFileOf(bundle, kind)) : undefined;
  const cachedData = cache && trustedCache(cache.stat, src.stat) ? cache.bytes : undefined;
  const text = src.bytes.toString(isAscii(src.bytes) ? 'latin1' : 'utf8');
  const script = new vm.Script(HEAD + text + TAIL, { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  return {
    file: bundle,
    script,
    cache: !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted',
    run: () => {
      const module = { exports: {} as Record<string, unknown> };
      const fn = script.runInThisContext() as (...args: unknown[]) => void;
      fn.call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
      return module.exports;
    },
  };
}

/** The bundle's exports, compiled with its code cache of that kind where there is one that fits. */
export function loadBundle(bundle: string, kind: CacheKind = 'run'): Record<string, unknown> {
  return compileBundle(bundle, kind).run();
}
