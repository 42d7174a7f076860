/**
 * A module (or any value) loaded on first use, for the lazy boundaries of the bundle (each `import()`
 * is a chunk): `get()` starts the load and returns the value once it is there (null before), `load()`
 * awaits it. A failed load surfaces where it is awaited, never as an unhandled rejection.
 */
export interface Lazy<T> {
  get(): T | null;
  load(): Promise<T>;
}

export function lazy<T>(start: () => Promise<T>): Lazy<T> {
  let value: T | null = null;
  let loading: Promise<T> | null = null;
  const load = (): Promise<T> => {
    if (!loading) {
      loading = start();
      loading.then((v) => (value = v), () => undefined);
    }
    return loading;
  };
  return {
    get: () => {
      void load();
      return value;
    },
    load,
  };
}
